"""The contact question is raised when a trajectory becomes active and when it
closes: once each, also when the status goes back and forth."""

from __future__ import annotations

import pytest

from consent import selectors
from consent.models import ConsentRecord
from consent.models.ledger import CONTACT_AFTER
from dossiers import services as dossier_services
from dossiers.models import Trajectory
from refleact.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db(databases="__all__")

Stage = ConsentRecord.Stage


def requests(client):
    return list(
        ConsentRecord.objects.filter(
            client=client, decision=ConsentRecord.Decision.REQUESTED
        ).values_list("stage", flat=True)
    )


def set_status(trajectory, status, actor):
    trajectory.status = status
    return dossier_services.trajectory_save(actor=actor, trajectory=trajectory)


def test_the_question_is_raised_at_activation_and_closing_once_each(coach):
    client = ClientFactory(coaches=[coach])
    trajectory = dossier_services.trajectory_save(
        actor=coach,
        trajectory=Trajectory(kind="coaching", client=client, coach=coach),
    )
    assert requests(client) == []  # intake: not yet
    for status in ("planned", "active", "planned", "active", "active"):
        set_status(trajectory, status, coach)
    assert requests(client) == [Stage.ACTIVATION]
    state = selectors.consent_state(client=client, purpose=CONTACT_AFTER)
    assert state.decision is None and state.open_request is not None

    dossier_services.trajectory_close(
        actor=coach, trajectory=trajectory, retention="delete"
    )
    assert sorted(requests(client)) == [Stage.ACTIVATION, Stage.CLOSING]
    dossier_services.trajectory_reopen(actor=coach, trajectory=trajectory)
    trajectory.refresh_from_db()
    set_status(trajectory, "active", coach)
    dossier_services.trajectory_close(
        actor=coach, trajectory=trajectory, retention="delete"
    )
    assert sorted(requests(client)) == [Stage.ACTIVATION, Stage.CLOSING]


def test_each_trajectory_asks_for_itself_and_only_its_client(coach):
    client, other = ClientFactory(coaches=[coach]), ClientFactory(coaches=[coach])
    for _ in range(2):
        dossier_services.trajectory_save(
            actor=coach,
            trajectory=Trajectory(
                kind="coaching", client=client, coach=coach, status="active"
            ),
        )
    assert requests(client) == [Stage.ACTIVATION, Stage.ACTIVATION]
    assert requests(other) == []


def test_an_answer_closes_the_open_question(coach):
    from consent import services

    client = ClientFactory(coaches=[coach])
    dossier_services.trajectory_save(
        actor=coach,
        trajectory=Trajectory(
            kind="coaching", client=client, coach=coach, status="active"
        ),
    )
    services.consent_decide(
        client=client, purpose=CONTACT_AFTER, decision="given", method="portal"
    )
    state = selectors.consent_state(client=client, purpose=CONTACT_AFTER)
    assert state.is_current and state.open_request is None
