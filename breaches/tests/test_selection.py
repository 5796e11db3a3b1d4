"""The affected selection: narrowing by data category, and a coach's part in it.

Issue 13: "the coach narrows or widens the selection ... and confirms it". A
coach does so among their own clients only; the owner decides the risk and
releases the notices.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from breaches import selectors, services
from breaches.models import Notice, SelectionMember
from breaches.tests.conftest import assess_and_decide, record
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def mine(coach):
    people = [ClientFactory(coaches=[coach]) for _ in range(3)]
    for person in people:
        TrajectoryFactory(client=person, coach=coach)
    return people


@pytest.fixture
def theirs(outsider):
    person = ClientFactory(coaches=[outsider])
    TrajectoryFactory(client=person, coach=outsider)
    return [person]


@pytest.fixture
def breach(owner, mine, theirs):
    breach = record(owner)
    assess_and_decide(breach, owner)
    return breach


def test_only_clients_with_dossier_content_are_selected_for_a_content_breach(
    owner, coach, mine
):
    DossierEntryFactory(trajectory=mine[0].trajectories.get())
    breach = record(owner, data_categories=["content"])

    content = selectors.affected_candidates(
        at=breach.discovered_at, categories=["content"]
    )
    everyone = selectors.affected_candidates(
        at=breach.discovered_at, categories=["content", "contact"]
    )

    assert [c.client_id for c in content] == [mine[0].pk]
    assert {c.client_id for c in everyone} == {c.pk for c in mine}


def test_a_coach_proposes_and_confirms_a_selection_of_their_own_clients(
    coach, breach, mine
):
    selection = services.selection_propose(
        breach=breach, actor=coach, coach_ids=[coach.pk]
    )
    member = selection.members.get(client=mine[0])
    services.selection_members_remove(
        selection=selection, actor=coach, member_ids=[member.pk]
    )
    services.breach_confirm_affected(selection=selection, actor=coach)

    assert {n.client_id for n in Notice.objects.all()} == {c.pk for c in mine[1:]}
    selection.refresh_from_db()
    assert selection.confirmed_by == coach


def test_a_coachs_proposal_never_holds_another_coachs_client(coach, breach, theirs):
    selection = services.selection_propose(breach=breach, actor=coach)

    assert not selection.members.filter(client=theirs[0]).exists()


def test_a_coach_cannot_touch_a_draft_holding_other_clients(
    owner, coach, breach, theirs
):
    draft = services.selection_propose(breach=breach, actor=owner)
    other = draft.members.get(client=theirs[0])

    with pytest.raises(PermissionDenied):
        services.selection_propose(breach=breach, actor=coach)
    with pytest.raises(PermissionDenied):
        services.breach_confirm_affected(selection=draft, actor=coach)
    assert (
        services.selection_members_remove(
            selection=draft, actor=coach, member_ids=[other.pk]
        )
        == 0
    )
    assert SelectionMember.objects.filter(pk=other.pk).exists()
    assert draft.confirmed_at is None


def test_a_coach_cannot_add_another_coachs_client(coach, breach, mine, theirs):
    draft = services.selection_propose(breach=breach, actor=coach)
    with pytest.raises(PermissionDenied):
        services.selection_member_add(selection=draft, actor=coach, client=theirs[0])


def test_the_owner_alone_releases(coach, breach):
    services.breach_confirm_affected(
        selection=services.selection_propose(breach=breach, actor=coach), actor=coach
    )
    with pytest.raises(PermissionDenied):
        services.breach_notices_release(breach=breach, actor=coach)
