"""An erased contact person is taken out of their organisation's work.

The organisation's trajectories (the trainings it holds, the trajectories it
ordered for others) are sealed under keys that live on. Whichever path erases
the contact person (their deletion request approved in the admin, or the
retention sweep once their own trajectory is done), their name and e-mail
address go from every text of that work and from the organisation's billing
details; what is about others stays.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Organisation
from dossiers import retention
from dossiers.models import Trajectory
from dossiers.services import trajectory_close
from portal import services as portal_services
from portal.models import PortalRequest
from refleact.crypto import keyring
from refleact.erasure.journal import journal_path
from refleact.keystore.models import DataKey
from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    EvaluationFactory,
    OrganisationFactory,
    QuoteFactory,
    QuoteLineFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
DUE = NOW + dt.timedelta(days=31)
NAME = ("Jorinde", "Zwartkruis")
EMAIL = "jorinde@qwerty.example"
ERASED = (*NAME, EMAIL)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fresh_journal():
    journal_path().unlink(missing_ok=True)
    yield
    journal_path().unlink(missing_ok=True)


@pytest.fixture
def work(coach):
    """An organisation, its contact person Jorinde and its work naming her."""
    organisation = OrganisationFactory(
        name="Zorggroep Qwerty",
        billing_name="t.a.v. Jorinde Zwartkruis",
        billing_email=EMAIL,
        billing_address="Postbus 12\n8440 AA Heerenveen",
    )
    contact = ClientFactory(
        first_name=NAME[0],
        last_name=NAME[1],
        email=EMAIL,
        kind=Client.Kind.CONTACT,
        organisation=organisation,
        coaches=[coach],
    )
    colleague = ClientFactory(
        first_name="Bertolf",
        last_name="Boekhorst",
        kind=Client.Kind.CONTACT,
        organisation=organisation,
        coaches=[coach],
    )
    course = TrajectoryFactory(
        kind=Trajectory.Kind.TRAINING,
        client=None,
        organisation=organisation,
        holder_id=organisation.holder_id,
        coach=coach,
        learning_question="Jorinde Zwartkruis (HR) wil dat het team beter overlegt.",
    )
    DossierEntryFactory(
        trajectory=course,
        title="Intake met Jorinde",
        body=f"Intake met Jorinde Zwartkruis ({EMAIL}) en Bertolf Boekhorst.",
    )
    AppointmentFactory(
        trajectory=course, place="Zaal 2", note=f"Vooraf bellen met {EMAIL}"
    )
    EvaluationFactory(
        trajectory=course, answers="Zwartkruis vond het nuttig; Bertolf ook."
    )
    quote = QuoteFactory(trajectory=course, billing_name="t.a.v. J. Zwartkruis")
    QuoteLineFactory(quote=quote, description="Training op verzoek van Jorinde")
    # A trajectory the organisation ordered for someone else, under their key.
    employee = ClientFactory(
        first_name="Sietske", last_name="Veenstra", coaches=[coach]
    )
    ordered = TrajectoryFactory(
        client=employee,
        organisation=organisation,
        coach=coach,
        learning_question="Sietske wil, op verzoek van Jorinde Zwartkruis, minder uren.",
    )
    DossierEntryFactory(trajectory=ordered, body="Jorinde belde over Sietske.")
    return {
        "organisation": organisation,
        "contact": contact,
        "colleague": colleague,
        "trajectories": [course, ordered],
    }


def _opened(work) -> list[str]:
    """Every field of the organisation and of its work, opened with its key."""
    keyring.clear_cache()
    organisation = Organisation.objects.get(pk=work["organisation"].pk)
    rows = [organisation]
    for trajectory in Trajectory.objects.filter(
        pk__in=[t.pk for t in work["trajectories"]]
    ):
        rows.append(trajectory)
        rows += list(trajectory.entries.all())
        rows += list(trajectory.appointments.all())
        rows += list(trajectory.evaluations.all())
        for quote in trajectory.quotes.all():
            rows += [quote, *quote.lines.all()]
    assert len(rows) == 9
    return [
        repr(getattr(row, field.attname)) for row in rows for field in row._meta.fields
    ]


def _assert_taken_out(work) -> None:
    opened = _opened(work)
    text = "\n".join(opened)
    for value in ERASED:
        assert value not in text
    # What is about the others stays readable.
    assert "Bertolf Boekhorst" in text and "Bertolf ook" in text
    assert "Sietske wil, op verzoek van [deelnemer], minder uren." in text
    assert "[deelnemer] belde over Sietske." in text
    assert "Zaal 2" in text
    organisation = Organisation.objects.get(pk=work["organisation"].pk)
    assert organisation.name == "Zorggroep Qwerty"
    assert organisation.billing_name == "" and organisation.billing_email == ""
    assert organisation.billing_address == "Postbus 12\n8440 AA Heerenveen"
    assert Client.objects.filter(pk=work["colleague"].pk).exists()


def test_an_approved_deletion_takes_the_contact_person_out_of_the_organisations_work(
    owner_http, coach, work, django_capture_on_commit_callbacks
):
    contact = work["contact"]
    with django_capture_on_commit_callbacks(execute=True):
        account = portal_services.account_invite(actor=coach, client=contact)
    account.user.set_password("a long portal password 42")
    account.user.save()
    account.activated_at = timezone.now()
    account.save()
    row = portal_services.request_submit(
        account=account, kind=PortalRequest.Kind.DELETION, text="Wis mij"
    )
    url = reverse("admin:portal_portalrequest_approve_deletion", args=[row.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_http.post(url).status_code == 302
    assert not Client.objects.filter(pk=contact.pk).exists()
    assert not DataKey.objects.filter(holder_id=contact.holder_id).exists()
    _assert_taken_out(work)


def test_the_sweep_takes_a_contact_person_out_of_the_organisations_open_work(
    coach, work, django_capture_on_commit_callbacks
):
    contact = work["contact"]
    own = TrajectoryFactory(client=contact, coach=coach)
    trajectory_close(actor=coach, trajectory=own, retention="delete")
    with django_capture_on_commit_callbacks(execute=True):
        retention.retention_sweep(now=DUE)
    assert not Client.objects.filter(pk=contact.pk).exists()
    # The organisation's training is still open: it stays, without her.
    assert Trajectory.objects.filter(pk=work["trajectories"][0].pk).exists()
    _assert_taken_out(work)


def test_a_shared_first_name_of_the_trajectorys_own_client_is_left(
    coach, work, django_capture_on_commit_callbacks
):
    contact = work["contact"]
    namesake = ClientFactory(first_name="Jorinde", last_name="Altena", coaches=[coach])
    theirs = TrajectoryFactory(
        client=namesake,
        organisation=work["organisation"],
        coach=coach,
        learning_question="Jorinde wil leren delegeren; Zwartkruis verwees haar.",
    )
    own = TrajectoryFactory(client=contact, coach=coach)
    trajectory_close(actor=coach, trajectory=own, retention="delete")
    with django_capture_on_commit_callbacks(execute=True):
        retention.retention_sweep(now=DUE)
    keyring.clear_cache()
    assert Trajectory.objects.get(pk=theirs.pk).learning_question == (
        "Jorinde wil leren delegeren; [deelnemer] verwees haar."
    )
