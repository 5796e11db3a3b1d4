"""The access log keeps rows for the years its inventory declares, then the beat task deletes them."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from refleact.audit import services
from refleact.audit.models import AuditEvent
from refleact.audit.tasks import audit_events_purge as audit_events_purge_task
from refleact.celery import app
from refleact.inventory import declarations

pytestmark = pytest.mark.django_db(databases="__all__")

NOW = datetime(2031, 6, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(0))


def event_at(moment: datetime, *, object_id: str) -> AuditEvent:
    return AuditEvent.objects.create(
        at=moment, action="view", model="clients.client", object_id=object_id
    )


def object_ids() -> set[str]:
    return set(AuditEvent.objects.values_list("object_id", flat=True))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_purge_deletes_rows_past_the_declared_years_and_keeps_younger_ones(clock):
    years = declarations.declaration_for(AuditEvent, "ip_address").keep_years
    assert years == 5
    cutoff = NOW.replace(year=NOW.year - years)
    event_at(cutoff - timedelta(minutes=1), object_id="expired")
    event_at(cutoff + timedelta(minutes=1), object_id="kept")
    event_at(NOW, object_id="today")

    assert audit_events_purge_task.delay().get() == 1

    assert object_ids() == {"kept", "today"}


def test_purge_twice_deletes_nothing_the_second_time(clock):
    for n in range(3):
        event_at(NOW - timedelta(days=6 * 366), object_id=f"old{n}")
    event_at(NOW, object_id="today")

    assert audit_events_purge_task.delay().get() == 3
    assert audit_events_purge_task.delay().get() == 0
    assert object_ids() == {"today"}


def test_purge_deletes_in_batches_until_nothing_is_due(clock, monkeypatch):
    monkeypatch.setattr(services, "PURGE_BATCH", 2)
    for n in range(5):
        event_at(NOW - timedelta(days=6 * 366), object_id=f"old{n}")
    event_at(NOW, object_id="today")

    assert services.audit_events_purge() == 5
    assert object_ids() == {"today"}


def test_purge_follows_the_inventory_declaration(clock, monkeypatch):
    declaration = declarations.declaration_for(AuditEvent, "ip_address")
    monkeypatch.setitem(
        declarations._REGISTRY,
        declaration.key,
        dataclasses.replace(declaration, keep_years=2),
    )
    event_at(NOW - timedelta(days=3 * 366), object_id="three years")
    event_at(NOW - timedelta(days=365), object_id="one year")

    assert services.audit_events_purge() == 1
    assert object_ids() == {"one year"}


def test_purge_on_29_february_counts_back_to_28_february():
    leap = datetime(2032, 2, 29, 12, 0, tzinfo=timezone.get_fixed_timezone(0))
    event_at(datetime(2027, 2, 28, 11, 0, tzinfo=leap.tzinfo), object_id="expired")
    event_at(datetime(2027, 2, 28, 13, 0, tzinfo=leap.tzinfo), object_id="kept")

    assert services.audit_events_purge(now=leap) == 1
    assert object_ids() == {"kept"}


def test_purge_is_scheduled_daily_by_beat():
    schedule = app.conf.beat_schedule["audit-events-purge"]

    assert (
        schedule["task"] == audit_events_purge_task.name == "audit.audit_events_purge"
    )
    assert schedule["schedule"].hour == {3}
    assert len(schedule["schedule"].minute) == 1
