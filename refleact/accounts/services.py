"""Writes about accounts and their login records."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone


@transaction.atomic
def login_records_purge(*, now=None) -> int:
    """Delete axes records older than LOGIN_RECORD_RETENTION_DAYS; return how many.

    Idempotent: a second run finds nothing left to delete.
    """
    cutoff = (now or timezone.now()) - timedelta(
        days=settings.LOGIN_RECORD_RETENTION_DAYS
    )
    deleted = 0
    deleted += AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted


def login_records_forget(*, login_names) -> int:
    """Delete the login records of these typed login names; return how many.

    The records hold a keyed digest of the name (refleact/accounts/lockout.py);
    they are in the key store's database (refleact/keystore/routers.py), so the
    caller's data transaction does not cover this: call it on commit.
    """
    from refleact.accounts.lockout import _digest, _key

    key = _key()
    digests = {_digest(name, key=key) for name in login_names if name}
    deleted = 0
    if digests:
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            deleted += model.objects.filter(username__in=digests).delete()[0]
    return deleted


def sessions_delete(*, match) -> int:
    """Delete every stored session whose decoded data ``match(data)`` accepts.

    Sessions keep user ids, pending logins and link tokens only inside their
    encoded data, so each is decoded: streamed, bounded by the live sessions
    (expired ones are cleared daily). For the erasure handlers of a holder.
    """
    from django.contrib.sessions.models import Session

    keys = [
        session.session_key
        for session in Session.objects.iterator(chunk_size=500)
        if match(session.get_decoded())
    ]
    return Session.objects.filter(session_key__in=keys).delete()[0]
