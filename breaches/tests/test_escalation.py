"""The 24-hour escalation fires on the breach's own state, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from breaches import escalation
from breaches.tests.conftest import ready_to_send, record, release
from refleact.testing.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def staff(owner, coach):
    owner.email, coach.email = "owner@refleact.nl", "coach@refleact.nl"
    owner.save()
    coach.save()
    return owner, coach


def test_escalation_fires_at_24_hours_and_once(
    staff, django_capture_on_commit_callbacks
):
    owner, coach = staff
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        breach = record(owner)
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
        assert escalation.breaches_escalate() == 0
    with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert escalation.breaches_escalate() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert escalation.breaches_escalate() == 0
        banner = escalation.needs_banner(breach, now=timezone.now())

    assert sorted(m.to[0] for m in mail.outbox) == [
        "coach@refleact.nl",
        "owner@refleact.nl",
    ]
    assert breach.reference in mail.outbox[0].subject
    assert "Olga" not in mail.outbox[0].body
    assert len(banner) == 2  # no decision, no confirmed selection


def test_a_breach_with_every_notice_sent_does_not_escalate(staff, coach):
    owner, _coach = staff
    TrajectoryFactory(coach=coach)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        breach = record(owner)
        ready_to_send(breach, owner)
        release(breach, owner)
    mail.outbox.clear()
    with time_machine.travel(start + timedelta(hours=30), tick=False):
        assert escalation.breaches_escalate() == 0
    assert mail.outbox == []


def test_unsent_notices_escalate(staff, coach):
    owner, _coach = staff
    TrajectoryFactory(coach=coach)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        breach = record(owner)
        ready_to_send(breach, owner)  # confirmed, never released
        breach.refresh_from_db()
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        assert escalation.lagging(breach) == ["meldingen niet vrijgegeven"]
        assert escalation.breaches_escalate() == 1
