"""Recording, assessing, deciding, and who is affected at the moment of discovery."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from breaches import services
from breaches.models import Breach, Notice, RiskAssessment
from breaches.models.register import Decision
from breaches.tests.conftest import assess_and_decide, record
from dossiers.models import Trajectory
from refleact.audit.models import AuditEvent
from refleact.crypto import keyring
from refleact.testing.factories import ClientFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def test_recording_writes_the_encryption_fact_and_an_audit_row(owner):
    breach = record(owner)

    assert "AES-256-GCM" in breach.encryption_fact
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_id=str(breach.pk)
    ).exists()
    assert Breach.objects.get(pk=breach.pk).summary == "Laptop gestolen uit de auto."


def test_a_discovery_in_the_future_is_refused(owner):
    with pytest.raises(ValidationError) as caught:
        record(owner, discovered_at=timezone.now() + timedelta(days=1))
    assert "discovered_at" in caught.value.message_dict


def test_a_new_assessment_supersedes_the_old_and_both_are_kept(owner):
    breach = record(owner)
    for dpc in (1, 3):
        services.risk_assess(
            breach=breach, actor=owner, dpc=Decimal(dpc), ei=Decimal(1), reasoning="r"
        )

    versions = list(RiskAssessment.objects.filter(breach=breach).order_by("version"))
    assert [(a.version, a.band) for a in versions] == [(1, "low"), (2, "high")]


def test_only_the_owner_decides(owner, coach):
    breach = record(owner)
    services.risk_assess(
        breach=breach, actor=coach, dpc=Decimal(1), ei=Decimal(1), reasoning="r"
    )
    with pytest.raises(PermissionDenied):
        services.breach_decide(
            breach=breach,
            actor=coach,
            ap_decision=Decision.NOTIFY,
            clients_decision=Decision.NOTIFY,
            reasoning="r",
        )
    decided = assess_and_decide(breach, owner)
    assert (decided.decided_by, decided.clients_decision) == (owner, Decision.NOTIFY)


def test_deciding_without_an_assessment_is_refused(owner):
    breach = record(owner)
    with pytest.raises(ValidationError):
        services.breach_decide(
            breach=breach,
            actor=owner,
            ap_decision=Decision.NOTIFY,
            clients_decision=Decision.NOTIFY,
            reasoning="r",
        )


def _held_ids(selection):
    return {m.client_id: m.in_care for m in selection.members.all()}


def _old_trajectory(discovered, **kwargs):
    before = discovered - timedelta(days=90)
    return TrajectoryFactory(
        client=ClientFactory(created_at=before), created_at=before, **kwargs
    )


def test_the_selection_is_who_was_held_at_discovery(owner, coach):
    discovered = timezone.now() - timedelta(days=2)
    active = _old_trajectory(discovered, coach=coach)
    grace = _old_trajectory(
        discovered,
        coach=coach,
        status=Trajectory.Status.CLOSED,
        retention=Trajectory.Retention.DELETE,
        closed_at=discovered - timedelta(days=5),
    )
    processed = _old_trajectory(
        discovered,
        coach=coach,
        status=Trajectory.Status.CLOSED,
        retention=Trajectory.Retention.PSEUDONYMISE,
        closed_at=discovered - timedelta(days=40),
        retention_done_at=discovered - timedelta(days=10),
    )
    closed_after = _old_trajectory(
        discovered,
        coach=coach,
        status=Trajectory.Status.CLOSED,
        retention=Trajectory.Retention.DELETE,
        closed_at=discovered + timedelta(hours=1),
    )
    erased = _old_trajectory(discovered, coach=coach)
    keyring.destroy(erased.client.holder_id, reason="test")
    with time_machine.travel(discovered + timedelta(days=1)):
        late = ClientFactory()  # became a client after the discovery
    breach = record(owner, discovered_at=discovered)

    selection = services.selection_propose(breach=breach, actor=owner)

    assert _held_ids(selection) == {
        active.client_id: True,
        grace.client_id: False,  # in the grace period: still traceable
        closed_after.client_id: True,  # in care at the moment of discovery
    }
    assert processed.client_id not in _held_ids(selection)
    assert late.pk not in _held_ids(selection)


def test_participants_of_a_training_are_held(owner, coach):
    training = TrajectoryFactory(coach=coach, kind=Trajectory.Kind.TRAINING)
    participant = ClientFactory()
    training.participants.add(participant)
    breach = record(owner)

    selection = services.selection_propose(
        breach=breach, actor=owner, kinds=["training"]
    )

    assert _held_ids(selection) == {training.client_id: True, participant.pk: True}


def test_narrowing_by_coach_and_by_hand(owner, coach, outsider):
    mine = TrajectoryFactory(coach=coach)
    TrajectoryFactory(coach=outsider)
    also_mine = TrajectoryFactory(coach=coach)
    breach = record(owner)

    selection = services.selection_propose(
        breach=breach, actor=owner, coach_ids=[coach.pk]
    )
    assert set(_held_ids(selection)) == {mine.client_id, also_mine.client_id}
    member = selection.members.get(client_id=also_mine.client_id)
    services.selection_members_remove(
        selection=selection, actor=owner, member_ids=[member.pk]
    )

    assert set(_held_ids(selection)) == {mine.client_id}


def test_a_confirmed_selection_is_frozen_and_a_widening_is_a_second_one(owner, coach):
    first = TrajectoryFactory(coach=coach)
    breach = record(owner)
    assess_and_decide(breach, owner)
    selection = services.selection_propose(breach=breach, actor=owner)
    services.breach_confirm_affected(selection=selection, actor=owner)
    with pytest.raises(ValidationError):
        services.breach_confirm_affected(selection=selection, actor=owner)
    with pytest.raises(ValidationError):
        services.selection_members_remove(
            selection=selection,
            actor=owner,
            member_ids=[m.pk for m in selection.members.all()],
        )
    second = _old_trajectory(breach.discovered_at, coach=coach)

    widening = services.selection_propose(breach=breach, actor=owner)
    services.breach_confirm_affected(selection=widening, actor=owner)

    assert widening.number == 2
    assert set(_held_ids(widening)) == {second.client_id}
    assert set(
        Notice.objects.filter(breach=breach).values_list("client_id", flat=True)
    ) == {
        first.client_id,
        second.client_id,
    }
    selection.refresh_from_db()
    assert selection.confirmed_by == owner and selection.confirmed_at is not None
