"""The breach clock: what is late, and the one alert at 24 hours.

Issue 13, point 6: 24 hours after discovery, a breach without a risk decision,
without a confirmed selection, or with notices still unsent raises an alert to
the coaches and the owner: an e-mail without personal data (the breach's
reference and what is missing) and a banner on the dashboard. The state is read
from the breach itself, not only from notice rows: a breach nobody selected
anyone for has no notice rows to be late.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from breaches.models import Breach, Notice
from breaches.models.register import ESCALATE_AFTER, Decision

logger = logging.getLogger(__name__)


def lagging(breach: Breach) -> list[str]:
    """Return what an open breach still lacks, in the active language."""
    missing = []
    if not breach.is_decided:
        missing.append(_("no decision on telling the AP and the clients"))
    if breach.clients_decision != Decision.DO_NOT_NOTIFY:
        if not breach.selections.filter(confirmed_at__isnull=False).exists():
            missing.append(_("no confirmed selection of affected clients"))
        elif breach.notices_released_at is None:
            missing.append(_("notices not released"))
        elif breach.notices.filter(
            status__in=[Notice.Status.QUEUED, Notice.Status.FAILED]
        ).exists():
            missing.append(_("notices still unsent"))
    return missing


def open_breaches():
    return Breach.objects.filter(closed_at__isnull=True)


def _staff():
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=["owner", "coach"]))
        .distinct()
    )


def _alert(breach_id) -> None:
    breach = Breach.objects.get(pk=breach_id)
    base = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
    link = base + reverse("admin:breaches_breach_change", args=[breach.pk])
    for user in _staff():
        address = user.email if isinstance(user.email, str) else ""
        if not address:
            continue
        with translation.override(getattr(user, "language", None) or "nl"):
            context = {
                "reference": breach.reference,
                "missing": lagging(breach),
                "link": link,
            }
            subject = render_to_string("breaches/alert_subject.txt", context).strip()
            body = render_to_string("breaches/alert_email.txt", context)
        try:
            EmailMessage(subject=subject, body=body, to=[address]).send()
        except Exception:  # noqa: BLE001 - the banner still shows; log ids only
            logger.exception("breach alert %s to user %s failed", breach.pk, user.pk)


def breaches_escalate(*, now: datetime | None = None) -> int:
    """Alert once for each open breach that lags 24 hours after discovery."""
    now = now or timezone.now()
    alerted = 0
    candidates = open_breaches().filter(
        escalated_at__isnull=True, discovered_at__lte=now - ESCALATE_AFTER
    )
    for breach in candidates:
        if not lagging(breach):
            continue
        with transaction.atomic():
            # The conditional UPDATE claims the alert: a second sweep, or a
            # second worker, finds escalated_at set and sends nothing.
            claimed = Breach.objects.filter(pk=breach.pk, escalated_at=None).update(
                escalated_at=now
            )
            if claimed:
                breach_id = breach.pk
                transaction.on_commit(lambda b=breach_id: _alert(b))
                alerted += 1
    return alerted


def needs_banner(breach: Breach, *, now: datetime) -> list[str]:
    """Return what a breach lacks if its 24 hours have passed; else empty."""
    if breach.closed_at is not None or now < breach.discovered_at + ESCALATE_AFTER:
        return []
    return lagging(breach)
