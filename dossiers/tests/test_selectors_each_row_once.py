"""Every "for_user" selector returns each row once, whatever the many-to-many
paths to it (two clients of one organisation, two coaches of one client, two
trajectories of one client): a repeated row made ``.get()`` raise
MultipleObjectsReturned (a 500 on an organisation's pages)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients import selectors as client_selectors
from dossiers import selectors
from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    EvaluationFactory,
    InvoiceFactory,
    OrganisationFactory,
    TrajectoryFactory,
)
from refleact.testing.personas import make_user

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def shared_work(coach):
    """An organisation with two clients, each with two coaches and two trajectories
    (coached by coach), a training for the organisation with both as participants,
    and two of every child row on every trajectory."""
    second_coach = make_user("second", role="coach")
    organisation = OrganisationFactory()
    clients = [
        ClientFactory(organisation=organisation, coaches=[coach, second_coach])
        for _ in range(2)
    ]
    trajectories = [
        TrajectoryFactory(client=c, coach=coach) for c in clients for _ in range(2)
    ]
    training = TrajectoryFactory(
        client=None,
        organisation=organisation,
        holder_id=organisation.holder_id,
        kind="training",
        coach=coach,
    )
    training.participants.add(*clients)
    for trajectory in trajectories:
        trajectory.participants.add(*clients)
        for _ in range(2):
            DossierEntryFactory(trajectory=trajectory)
            AppointmentFactory(trajectory=trajectory)
            EvaluationFactory(trajectory=trajectory)
            InvoiceFactory(trajectory=trajectory)
    return organisation


SELECTORS = {
    "clients_for_user": client_selectors.clients_for_user,
    "organisations_for_user": client_selectors.organisations_for_user,
    "coaches_for_user": client_selectors.coaches_for_user,
    "trajectories_for_user": selectors.trajectories_for_user,
    "entries_for_user": selectors.entries_for_user,
    "appointments_for_user": selectors.appointments_for_user,
    "evaluations_for_user": selectors.evaluations_for_user,
    "invoices_for_user": selectors.invoices_for_user,
}


@pytest.mark.parametrize("name", sorted(SELECTORS))
@pytest.mark.parametrize("persona", ["coach", "owner"])
def test_selector_returns_each_row_once(name, persona, shared_work, request):
    user = request.getfixturevalue(persona)
    rows = SELECTORS[name](user=user)
    pks = list(rows.values_list("pk", flat=True))
    assert pks, f"{name} showed {persona} nothing: the test shape is wrong"
    assert len(pks) == len(set(pks)) == rows.count()
    for pk in set(pks):
        rows.get(pk=pk)  # raised MultipleObjectsReturned for organisations


def test_coach_sees_the_organisation_of_a_training_they_coach(coach, outsider):
    organisation = OrganisationFactory()
    TrajectoryFactory(
        client=None,
        organisation=organisation,
        holder_id=organisation.holder_id,
        kind="training",
        coach=coach,
    )
    assert list(client_selectors.organisations_for_user(user=coach)) == [organisation]
    assert not client_selectors.organisations_for_user(user=outsider).exists()


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_coach_opens_the_pages_of_an_organisation_with_two_clients(
    view, shared_work, coach_http
):
    url = reverse(f"admin:clients_organisation_{view}", args=[shared_work.pk])
    assert coach_http.get(url).status_code == 200


def test_organisation_list_counts_each_organisation_once(shared_work, coach_http):
    OrganisationFactory()  # someone else's, unused, not created by this coach
    response = coach_http.get(reverse("admin:clients_organisation_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_unchanged_save_of_a_contact_of_such_an_organisation(shared_work, coach_http):
    contact = shared_work.clients.first()
    url = reverse("admin:clients_client_change", args=[contact.pk])
    data = {
        "kind": contact.kind,
        "organisation": str(shared_work.pk),
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": contact.phone,
        "language": contact.language,
        "coaches": [str(c.pk) for c in contact.coaches.all()],
    }
    response = coach_http.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
