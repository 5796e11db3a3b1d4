"""A pseudonymised case keeps the month it closed in, nothing that dates its sweep."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dossiers import retention
from dossiers.models import KnowledgeCase
from dossiers.services import trajectory_close
from refleact.erasure.models import RetentionLogEntry
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

CLOSED = dt.datetime(2026, 11, 17, 14, 5, tzinfo=dt.UTC)
SWEEP = CLOSED + dt.timedelta(days=45, hours=3, minutes=11)


def test_a_case_holds_no_time_that_matches_its_retention_log(
    coach, django_capture_on_commit_callbacks
):
    client = ClientFactory(coaches=[coach])
    trajectory = TrajectoryFactory(client=client, coach=coach)
    DossierEntryFactory(trajectory=trajectory, body="Notitie over werkdruk.")
    with time_machine.travel(CLOSED, tick=False):
        trajectory_close(actor=coach, trajectory=trajectory, retention="pseudonymise")
    with (
        time_machine.travel(SWEEP, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        retention.retention_sweep(now=SWEEP)

    log = RetentionLogEntry.objects.get()
    (case,) = KnowledgeCase.objects.values()
    assert log.at == SWEEP
    assert case["closed_in"] == dt.date(2026, 11, 1)
    times = [v for v in case.values() if isinstance(v, dt.datetime)]
    assert times == []
    assert not any(str(SWEEP.date()) in str(v) for v in case.values())
