"""The trajectory list searches its clients and organisations (issue 9, point 2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossiers.models import Trajectory
from refleact.testing.factories import (
    ClientFactory,
    OrganisationFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

SEARCH = reverse("admin:dossiers_trajectory_search")


def found(http, term) -> list:
    posted = http.post(SEARCH, {"q": term})
    assert posted.status_code == 302 and term not in posted["Location"]
    return list(http.get(posted["Location"]).context["cl"].result_list)


@pytest.fixture
def trajectories(coach, outsider):
    mine = TrajectoryFactory(
        client=ClientFactory(
            first_name="José", last_name="Timmermans", coaches=[coach]
        ),
        coach=coach,
    )
    theirs = TrajectoryFactory(
        client=ClientFactory(first_name="Timo", last_name="Timmer", coaches=[outsider]),
        coach=outsider,
    )
    organisation = OrganisationFactory(name="Zorggroep Noorderlicht")
    training = TrajectoryFactory(
        kind=Trajectory.Kind.TRAINING,
        client=None,
        organisation=organisation,
        holder_id=organisation.holder_id,
        coach=coach,
    )
    return mine, theirs, training


@pytest.mark.parametrize("term", ["timm", "JOSE", "06 1234"])
def test_a_part_of_the_clients_details_finds_the_trajectory(
    coach_http, trajectories, term
):
    mine, _theirs, _training = trajectories
    assert found(coach_http, term) == [mine]


def test_a_part_of_the_organisations_name_finds_its_training(coach_http, trajectories):
    _mine, _theirs, training = trajectories
    assert found(coach_http, "noorderl") == [training]


def test_the_owner_finds_every_coachs_trajectories(owner_http, trajectories):
    mine, theirs, _training = trajectories
    assert set(found(owner_http, "timm")) == {mine, theirs}
