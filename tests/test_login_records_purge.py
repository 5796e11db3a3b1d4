"""Login records are deleted after LOGIN_RECORD_RETENTION_DAYS by the beat task."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone

from refleact.accounts.tasks import login_records_purge as login_records_purge_task
from refleact.celery import app

pytestmark = pytest.mark.django_db(databases="__all__")


def _records_at(moment, *, username: str) -> None:
    with time_machine.travel(moment, tick=False):
        common = {"username": username, "ip_address": "127.0.0.1", "user_agent": "t"}
        AccessAttempt.objects.create(
            **common, get_data="", post_data="", failures_since_start=1
        )
        AccessLog.objects.create(**common)
        AccessFailureLog.objects.create(**common)


def _usernames() -> set[str]:
    return {
        *AccessAttempt.objects.values_list("username", flat=True),
        *AccessLog.objects.values_list("username", flat=True),
        *AccessFailureLog.objects.values_list("username", flat=True),
    }


def test_purge_deletes_records_past_the_retention_and_keeps_younger_ones():
    now = timezone.now()
    days = settings.LOGIN_RECORD_RETENTION_DAYS
    _records_at(now - timedelta(days=days, minutes=1), username="h:expired")
    _records_at(now - timedelta(days=days) + timedelta(minutes=1), username="h:kept")

    with time_machine.travel(now, tick=False):
        deleted = login_records_purge_task.delay().get()

    assert deleted == 3
    assert _usernames() == {"h:kept"}


def test_purge_twice_deletes_nothing_the_second_time():
    _records_at(timezone.now() - timedelta(days=400), username="h:old")

    assert login_records_purge_task.delay().get() == 3
    assert login_records_purge_task.delay().get() == 0


def test_purge_is_scheduled_daily_by_beat():
    schedule = app.conf.beat_schedule["login-records-purge"]

    assert schedule["task"] == login_records_purge_task.name
    assert schedule["schedule"].hour == {3}
