"""Sending breach notices: exactly once per client and breach.

Each notice row is unique per (breach, holder) and carries its Message-ID from
the moment it is made. One attempt at one row:

1. In a short transaction of its own, the row is marked: ``attempt_started_at``
   and ``attempts`` (skipping a row another worker holds locked). Finding the
   mark of an earlier attempt that never finished counts an interrupted attempt.
2. In a second transaction the row is locked (``SELECT ... FOR UPDATE``) and
   checked again: a row already sent is left alone. Under that lock the message
   goes to the mail server; only after the server accepted it is the row marked
   sent (with the answer, without addresses), and the transaction commits.

A worker killed at any point releases its lock with its database connection;
the row is still queued, and the next sweep sends it. No client gets two
messages, except in one window: **the server accepted the message and the
worker died before its commit**. The rerun then sends a second message with the
**same Message-ID** (mail clients that deduplicate show one), and the row shows
``interrupted_attempts`` above zero: the practice can look the Message-ID up in
the mail server's log. The window is the time between the server's "250" and
the commit: one UPDATE. Sending twice there is chosen over not sending: the
policy promises the notice, and a duplicate does no harm a miss would.

``interrupted_attempts`` may over-count when two sweeps race on one row in the
instant between its mark and its lock; it never under-counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from breaches.mail import Refused, Sender, notice_email
from breaches.models import Breach, Notice
from breaches.models.register import Decision
from clients.models import Client
from refleact.crypto import keyring
from refleact.crypto.fields import ERASED

logger = logging.getLogger(__name__)

BATCH = 200
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=2)
LONGEST_RETRY = timedelta(hours=1)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    unreachable: int = 0
    skipped: int = 0


def retry_delay(attempts: int) -> timedelta:
    """Return the wait after the given number of failed attempts (doubling, capped)."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def due_notices(*, now: datetime, breach_id=None):
    """Return the notices of released breaches that are due for an attempt."""
    rows = Notice.objects.filter(
        breach__notices_released_at__isnull=False,
        breach__clients_decision=Decision.NOTIFY,
    ).filter(
        Q(status=Notice.Status.QUEUED)
        | Q(status=Notice.Status.FAILED, next_attempt_at__lte=now)
    )
    if breach_id is not None:
        rows = rows.filter(breach_id=breach_id)
    return rows


def breach_notices_send(*, breach_id=None, now: datetime | None = None) -> SendResult:
    """Send every due notice (of one breach, or of all), each at most once.

    Safe to run twice and side by side: rows are claimed one by one under a lock.
    """
    result = SendResult()
    sender = Sender()
    last_pk = 0
    try:
        while True:
            moment = now or timezone.now()
            ids = list(
                due_notices(now=moment, breach_id=breach_id)
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                break
            last_pk = ids[-1]
            _send_batch(ids, sender=sender, now=now, result=result)
            # Memory stays one batch whatever the number of clients, and no more
            # unwrapped keys than a batch's stay in the worker (bench/breach.py).
            keyring.clear_cache()
    finally:
        sender.close()
    return result


def _send_batch(ids, *, sender: Sender, now, result: SendResult) -> None:
    notices = list(Notice.objects.filter(pk__in=ids).order_by("pk"))
    clients = Client.objects.in_bulk([n.client_id for n in notices if n.client_id])
    holders = [c.holder_id for c in clients.values()]
    with_login = set(
        get_user_model()
        .objects.filter(is_active=True, holder_id__in=holders)
        .values_list("holder_id", flat=True)
    )
    breaches = Breach.objects.in_bulk({n.breach_id for n in notices})
    for notice in notices:
        client = clients.get(notice.client_id)
        outcome = _attempt(
            notice,
            breach=breaches[notice.breach_id],
            client=client,
            has_login=client is not None and client.holder_id in with_login,
            sender=sender,
            now=now or timezone.now(),
        )
        setattr(result, outcome, getattr(result, outcome) + 1)


def _mark_attempt(notice: Notice, *, now: datetime) -> bool:
    """Mark an attempt on the row in its own transaction; False if not ours to try."""
    with transaction.atomic():
        row = (
            Notice.objects.select_for_update(skip_locked=True)
            .filter(
                pk=notice.pk, status__in=[Notice.Status.QUEUED, Notice.Status.FAILED]
            )
            .first()
        )
        if row is None:
            return False
        unfinished = row.attempt_started_at is not None and (
            row.last_attempt_at is None or row.last_attempt_at < row.attempt_started_at
        )
        Notice.objects.filter(pk=row.pk).update(
            attempt_started_at=now,
            attempts=F("attempts") + 1,
            interrupted_attempts=F("interrupted_attempts") + int(unfinished),
        )
    if unfinished:
        # Ids only: the Message-ID names no one.
        logger.warning(
            "breach notice %s: an earlier attempt broke off; it may have been "
            "delivered (Message-ID %s)",
            row.pk,
            row.message_id,
        )
    return True


def _address(client: Client | None) -> str:
    if client is None or client.email is ERASED:
        return ""
    return client.email if isinstance(client.email, str) else ""


def _attempt(notice, *, breach, client, has_login, sender, now) -> str:
    if not _mark_attempt(notice, now=now):
        return "skipped"
    with transaction.atomic():
        row = (
            Notice.objects.select_for_update()
            .filter(
                pk=notice.pk, status__in=[Notice.Status.QUEUED, Notice.Status.FAILED]
            )
            .first()
        )
        if row is None:
            return "skipped"  # another worker sent it meanwhile
        done = {"last_attempt_at": now}
        address = _address(client)
        if not address:
            Notice.objects.filter(pk=row.pk).update(
                status=Notice.Status.UNREACHABLE,
                server_answer="no e-mail address on file",
                next_attempt_at=None,
                **done,
            )
            return "unreachable"
        message = notice_email(
            breach=breach,
            message_id=row.message_id,
            language=row.language,
            to=address,
            has_login=has_login,
        )
        try:
            answer = sender.send(message)
        except Refused as refused:
            final = refused.permanent or row.attempts >= MAX_ATTEMPTS
            Notice.objects.filter(pk=row.pk).update(
                status=Notice.Status.UNREACHABLE if final else Notice.Status.FAILED,
                server_answer=refused.answer,
                next_attempt_at=None if final else now + retry_delay(row.attempts),
                **done,
            )
            return "unreachable" if final else "failed"
        Notice.objects.filter(pk=row.pk).update(
            status=Notice.Status.SENT,
            server_answer=answer,
            sent_at=now,
            next_attempt_at=None,
            **done,
        )
    return "sent"
