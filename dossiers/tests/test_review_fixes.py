"""Regressions found by review: owner changes, bad input, audit gaps, hidden participants."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients.models import Organisation
from dossiers.models import Trajectory
from dossiers.tests.test_admin_trajectories import trajectory_form
from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    OrganisationFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def test_a_trajectorys_client_cannot_be_changed(coach, coach_http):
    first, second = ClientFactory(coaches=[coach]), ClientFactory(coaches=[coach])
    trajectory = TrajectoryFactory(client=first, coach=coach)
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    response = coach_http.post(url, trajectory_form(second, coach, status="active"))
    trajectory.refresh_from_db()
    assert trajectory.client == first and trajectory.holder_id == first.holder_id
    assert response.status_code in (200, 302)


def test_kind_cannot_leave_coaching_while_entries_exist(coach, coach_http):
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    DossierEntryFactory(trajectory=trajectory)
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    response = coach_http.post(
        url, trajectory_form(trajectory.client, coach, kind="training", status="active")
    )
    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors
    trajectory.refresh_from_db()
    assert trajectory.kind == "coaching"


@pytest.mark.parametrize(
    "url_name,params",
    [
        ("admin:clients_client_changelist", {"coach": "abc"}),
        ("admin:dossiers_trajectory_changelist", {"coach": "abc"}),
        ("admin:dossiers_invoice_add", {"trajectory": "zzz"}),
    ],
)
def test_malformed_values_in_urls_are_no_500(coach_http, url_name, params):
    assert coach_http.get(reverse(url_name), params).status_code == 200


def test_malformed_audit_filter_is_no_500(owner_http):
    url = reverse("admin:audit_auditevent_changelist")
    assert owner_http.get(url, {"holder_id": "zzz"}).status_code == 200


def test_malformed_autocomplete_value_is_a_form_error(coach, coach_http):
    data = trajectory_form(ClientFactory(coaches=[coach]), coach)
    data["client"] = "not-a-uuid"
    response = coach_http.post(reverse("admin:dossiers_trajectory_add"), data)
    assert response.status_code == 200
    assert "client" in response.context["adminform"].form.errors


def test_entry_cannot_be_added_to_a_training_through_its_own_page(coach, coach_http):
    training = TrajectoryFactory(
        client=ClientFactory(coaches=[coach]), coach=coach, kind="training"
    )
    response = coach_http.post(
        reverse("admin:dossiers_dossierentry_add"),
        {"trajectory": training.pk, "kind": "progress", "title": "X", "body": "Y"},
    )
    assert response.status_code == 200
    assert "trajectory" in response.context["adminform"].form.errors


def test_deleting_a_trajectory_logs_every_deleted_entry_and_removes_files(
    coach, coach_http, django_capture_on_commit_callbacks
):
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    entry = DossierEntryFactory(
        trajectory=trajectory, attachment=SimpleUploadedFile("a.txt", b"geheim")
    )
    path = entry.attachment.path
    url = reverse("admin:dossiers_trajectory_delete", args=[trajectory.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_http.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not path.exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(entry.pk)).exists()
    assert not Trajectory.objects.exists()


def test_deleting_an_organisation_is_audited(owner_http):
    organisation = OrganisationFactory()
    url = reverse("admin:clients_organisation_delete", args=[organisation.pk])
    assert owner_http.post(url, {"post": "yes"}).status_code == 302
    assert not Organisation.objects.exists()
    assert AuditEvent.objects.filter(
        action="delete", object_id=str(organisation.pk)
    ).exists()


def test_saving_a_training_keeps_participants_the_coach_cannot_see(
    owner, coach, outsider, coach_http
):
    mine, theirs = ClientFactory(coaches=[coach]), ClientFactory(coaches=[outsider])
    training = TrajectoryFactory(client=mine, coach=coach, kind="training")
    training.participants.add(mine, theirs)
    url = reverse("admin:dossiers_trajectory_change", args=[training.pk])
    data = trajectory_form(mine, coach, kind="training", status="active")
    data["participants"] = [str(mine.pk)]
    assert coach_http.post(url, data).status_code == 302
    assert set(training.participants.all()) == {mine, theirs}


def test_user_admin_log_stores_ids_not_names(owner_http, coach):
    url = reverse("admin:accounts_user_change", args=[coach.pk])
    page = owner_http.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and not isinstance(v, list)
    }
    data.update(
        {
            "username": coach.username,
            "first_name": "Geheime",
            "last_name": "Achternaam",
            "date_joined_0": "2026-11-25",
            "date_joined_1": "10:00:00",
            "groups": [g.pk for g in coach.groups.all()],
        }
    )
    data.pop("password", None)
    data.pop("last_login", None)
    response = owner_http.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = LogEntry.objects.get()
    assert "Achternaam" not in entry.object_repr and "Geheime" not in entry.object_repr


def test_the_service_refuses_a_new_owner_too(coach):
    from django.core.exceptions import ValidationError

    from dossiers import services

    first, second = ClientFactory(coaches=[coach]), ClientFactory(coaches=[coach])
    trajectory = TrajectoryFactory(client=first, coach=coach)
    trajectory.client = second
    with pytest.raises(ValidationError):
        services.trajectory_save(actor=coach, trajectory=trajectory)


def test_autocomplete_results_are_logged_as_listed(coach, coach_http):
    shown = ClientFactory(first_name="Anouk", coaches=[coach])
    response = coach_http.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "dossiers",
            "model_name": "trajectory",
            "field_name": "client",
            "term": "anouk",
        },
    )
    assert [r["id"] for r in response.json()["results"]] == [str(shown.pk)]
    listed = AuditEvent.objects.filter(action="list", model="clients.client")
    assert [e.object_id for e in listed] == [str(shown.pk)]
