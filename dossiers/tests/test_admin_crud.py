"""Create, change and delete each model through its own admin pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Organisation
from dossiers.models import Appointment, DossierEntry, Evaluation, Invoice, Trajectory
from refleact.audit.models import AuditEvent
from refleact.crypto import keyring
from refleact.keystore.models import Tombstone
from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    EvaluationFactory,
    InvoiceFactory,
    OrganisationFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def trajectory(coach):
    return TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)


def soon() -> dict:
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
    return {"starts_at_0": start.strftime("%Y-%m-%d"), "starts_at_1": "10:00:00"}


CASES = {
    "dossierentry": (
        DossierEntry,
        DossierEntryFactory,
        lambda t: {
            "trajectory": t.pk,
            "kind": "progress",
            "title": "Sessie 4",
            "body": "Doelen herzien.",
        },
        {"title": "Sessie 4 (herzien)", "kind": "progress", "body": "Doelen herzien."},
        "title",
    ),
    "appointment": (
        Appointment,
        AppointmentFactory,
        lambda t: {
            "trajectory": t.pk,
            **soon(),
            "duration_minutes": 60,
            "place": "Praktijk",
        },
        {**soon(), "duration_minutes": 90, "place": "Online"},
        "place",
    ),
    "evaluation": (
        Evaluation,
        EvaluationFactory,
        lambda t: {
            "trajectory": t.pk,
            "moment": "during",
            "questions": "Cijfer?",
            "requested_at_0": "2026-11-01",
            "requested_at_1": "09:00:00",
        },
        {
            "moment": "end",
            "questions": "Cijfer?",
            "answers": "9",
            "requested_at_0": "2026-11-01",
            "requested_at_1": "09:00:00",
        },
        "answers",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_create_change_delete_through_the_admin(coach_http, trajectory, name):
    model, factory, create_data, change_data, field = CASES[name]
    add = coach_http.post(
        reverse(f"admin:dossiers_{name}_add"), create_data(trajectory)
    )
    assert add.status_code == 302, add.context["adminform"].form.errors
    obj = model.objects.get()
    assert obj.holder_id == trajectory.holder_id
    change_url = reverse(f"admin:dossiers_{name}_change", args=[obj.pk])
    change = coach_http.post(change_url, change_data)
    assert change.status_code == 302, change.context["adminform"].form.errors
    obj.refresh_from_db()
    assert getattr(obj, field) == change_data[field]
    delete = coach_http.post(
        reverse(f"admin:dossiers_{name}_delete", args=[obj.pk]), {"post": "yes"}
    )
    assert delete.status_code == 302
    assert not model.objects.exists()
    actions = set(
        AuditEvent.objects.filter(object_id=str(obj.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"create", "change", "delete"} <= actions


@pytest.mark.parametrize("name", sorted(CASES))
def test_outsider_gets_404_on_child_urls(trajectory, outsider_http, name):
    model, factory, *_ = CASES[name]
    obj = factory(trajectory=trajectory)
    for view in ("change", "history", "delete"):
        url = reverse(f"admin:dossiers_{name}_{view}", args=[obj.pk])
        assert outsider_http.get(url).status_code == 404


def test_organisation_create_change_delete(owner_http):
    add = owner_http.post(
        reverse("admin:clients_organisation_add"),
        {
            "name": "Kwekerij De Groene Hoek",
            "billing_address": "Postbus 1\n8440 AA Heerenveen",
        },
    )
    assert add.status_code == 302
    organisation = Organisation.objects.get()
    url = reverse("admin:clients_organisation_change", args=[organisation.pk])
    assert (
        owner_http.post(url, {"name": "Kwekerij De Groene Hoek B.V."}).status_code
        == 302
    )
    organisation.refresh_from_db()
    assert organisation.name == "Kwekerij De Groene Hoek B.V."
    search = owner_http.get(
        reverse("admin:clients_organisation_changelist"), {"q": "groene"}, follow=True
    )
    assert list(search.context["cl"].result_list) == [organisation]
    delete = owner_http.post(
        reverse("admin:clients_organisation_delete", args=[organisation.pk]),
        {"post": "yes"},
    )
    assert delete.status_code == 302 and not Organisation.objects.exists()


def test_a_coach_sees_the_organisation_they_created_before_it_is_used(
    coach, coach_http, outsider_http
):
    add = coach_http.post(
        reverse("admin:clients_organisation_add"), {"name": "Stichting Nieuw Begin"}
    )
    assert add.status_code == 302
    organisation = Organisation.objects.get()
    url = reverse("admin:clients_organisation_change", args=[organisation.pk])

    listed = coach_http.get(reverse("admin:clients_organisation_changelist"))

    assert list(listed.context["cl"].result_list) == [organisation]
    assert coach_http.get(url).status_code == 200
    assert outsider_http.get(url).status_code == 404
    assert organisation.created_by == coach


def test_a_created_organisation_follows_its_use_once_used(
    coach, coach_http, outsider, owner_http
):
    coach_http.post(
        reverse("admin:clients_organisation_add"), {"name": "Stichting Gedeeld"}
    )
    organisation = Organisation.objects.get()
    ClientFactory(organisation=organisation, kind="contact", coaches=[outsider])
    owner_http.post(
        reverse("admin:clients_organisation_add"), {"name": "Door de eigenaar"}
    )

    url = reverse("admin:clients_organisation_change", args=[organisation.pk])

    assert coach_http.get(url).status_code == 404  # used by another coach's client
    assert Organisation.objects.exclude(pk=organisation.pk).get().created_by is None


def test_outsider_gets_404_on_organisation_of_another_coach(coach, outsider_http):
    organisation = OrganisationFactory()
    ClientFactory(organisation=organisation, kind="contact", coaches=[coach])
    url = reverse("admin:clients_organisation_change", args=[organisation.pk])
    assert outsider_http.get(url).status_code == 404


def test_trajectory_delete_through_the_admin(coach_http, trajectory):
    url = reverse("admin:dossiers_trajectory_delete", args=[trajectory.pk])
    assert coach_http.post(url, {"post": "yes"}).status_code == 302
    assert not Trajectory.objects.exists()
    assert AuditEvent.objects.filter(
        action="delete", object_id=str(trajectory.pk)
    ).exists()


def test_draft_invoice_can_be_deleted(coach_http, trajectory):
    invoice = InvoiceFactory(trajectory=trajectory)
    url = reverse("admin:dossiers_invoice_delete", args=[invoice.pk])
    assert coach_http.post(url, {"post": "yes"}).status_code == 302
    assert not Invoice.objects.exists()


def test_erased_client_reads_as_erased_and_is_read_only(coach, coach_http):
    client = ClientFactory(first_name="Femke", coaches=[coach])
    keyring.destroy(client.holder_id, reason=Tombstone.Reason.TEST)
    url = reverse("admin:clients_client_change", args=[client.pk])
    page = coach_http.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert "Femke" not in page.content.decode()
    listing = coach_http.get(reverse("admin:clients_client_changelist"))
    assert listing.status_code == 200
    refused = coach_http.post(
        url,
        {
            "first_name": "Nieuw",
            "last_name": "X",
            "email": "x@y.nl",
            "kind": "private",
            "language": "nl",
        },
    )
    assert refused.status_code == 403


def test_owner_filters_clients_and_trajectories_by_coach(owner_http, coach, outsider):
    mine = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    TrajectoryFactory(client=ClientFactory(coaches=[outsider]), coach=outsider)
    trajectories = owner_http.get(
        reverse("admin:dossiers_trajectory_changelist"), {"coach": str(coach.pk)}
    )
    assert list(trajectories.context["cl"].result_list) == [mine]
    clients = owner_http.get(
        reverse("admin:clients_client_changelist"), {"coach": str(coach.pk)}
    )
    assert list(clients.context["cl"].result_list) == [mine.client]
