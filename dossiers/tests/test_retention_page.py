"""Coming retention actions on the dashboard and the client page, the last sweep's
summary, and the read-only knowledge cases."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from dossiers.models import KnowledgeCase
from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    TrajectoryFactory,
)
from refleact.testing.retention import CLOCK_AND_JOURNAL, DUE

pytestmark = [pytest.mark.django_db(databases="__all__"), CLOCK_AND_JOURNAL]


@pytest.fixture
def client_row(coach):
    return ClientFactory(coaches=[coach], first_name="Joris", last_name="Veenstra")


@pytest.fixture
def trajectory(coach, client_row):
    trajectory = TrajectoryFactory(client=client_row, coach=coach)
    DossierEntryFactory(
        trajectory=trajectory,
        title="Sessie",
        body="Joris oefende met feedback geven aan zijn team.",
    )
    return trajectory


def close(coach_http, trajectory, choice):
    response = coach_http.post(
        reverse("admin:dossiers_trajectory_close", args=[trajectory.pk]),
        {"retention": choice},
    )
    assert response.status_code == 302


@pytest.fixture
def sweep(clock, django_capture_on_commit_callbacks):
    def run():
        clock.move_to(DUE)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_retention", stdout=StringIO())

    return run


def test_dashboard_lists_the_coming_retention_action(
    coach_http, outsider_http, trajectory
):
    close(coach_http, trajectory, "pseudonymise")
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])

    page = coach_http.get(reverse("admin:dashboard")).content.decode()

    assert url in page
    assert "01-01-2027" in page  # closed 2 Dec 2026 + 30 days' grace
    assert "Bewaartermijn: pseudonimiseren" in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LIST, object_id=str(trajectory.client_id)
    ).exists()
    assert url not in outsider_http.get(reverse("admin:dashboard")).content.decode()


def test_client_page_shows_the_coming_retention_action(coach_http, trajectory):
    close(coach_http, trajectory, "delete")

    page = coach_http.get(
        reverse("admin:clients_client_change", args=[trajectory.client_id])
    ).content.decode()

    assert "01-01-2027" in page
    assert "persoonsgegevens verwijderen" in page.lower()


def test_processed_trajectory_leaves_the_list(coach_http, coach, trajectory, sweep):
    close(coach_http, trajectory, "delete")
    sweep()
    coach_http.force_login(coach)  # the clock moved past the staff idle expiry

    page = coach_http.get(reverse("admin:dashboard")).content.decode()

    assert str(trajectory.pk) not in page


def test_owner_sees_the_last_sweeps_summary_coaches_do_not(
    coach_http, owner_http, owner, coach, trajectory, sweep
):
    close(coach_http, trajectory, "delete")
    sweep()
    owner_http.force_login(owner)
    coach_http.force_login(coach)

    page = owner_http.get(reverse("admin:dashboard")).content.decode()

    assert "Opruimronde" in page
    assert "Joris" not in page
    coach_page = coach_http.get(reverse("admin:dashboard")).content.decode()
    assert "Opruimronde" not in coach_page


@pytest.fixture
def case(coach_http, trajectory, sweep):
    close(coach_http, trajectory, "pseudonymise")
    sweep()
    return KnowledgeCase.objects.get()


def test_knowledge_case_readable_by_its_coach_and_logged(coach_http, coach, case):
    coach_http.force_login(coach)
    url = reverse("admin:dossiers_knowledgecase_change", args=[case.pk])

    page = coach_http.get(url).content.decode()

    assert case.pseudonym in page
    assert "feedback geven" in page
    assert "Joris" not in page
    assert AuditEvent.objects.filter(
        actor=coach, action=AuditEvent.Action.VIEW, object_id=str(case.pk)
    ).exists()
    listing = coach_http.get(reverse("admin:dossiers_knowledgecase_changelist"))
    assert case.pseudonym in listing.content.decode()
    assert coach_http.post(url, {"pseudonym": "x"}).status_code == 403


def test_knowledge_case_readable_by_the_owner(owner_http, owner, case):
    owner_http.force_login(owner)
    url = reverse("admin:dossiers_knowledgecase_change", args=[case.pk])

    assert owner_http.get(url).status_code == 200


def test_knowledge_case_hidden_from_another_coach(outsider_http, outsider, case):
    outsider_http.force_login(outsider)

    change = outsider_http.get(
        reverse("admin:dossiers_knowledgecase_change", args=[case.pk])
    )
    listing = outsider_http.get(reverse("admin:dossiers_knowledgecase_changelist"))

    assert change.status_code == 404
    assert case.pseudonym not in listing.content.decode()
