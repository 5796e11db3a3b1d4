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
