"""The sweep erases organisations and training participants with nothing left.

Issue 12: "organisations are clients too" ("Client: opdrachtgever, organisatie of
particulier persoon"): a client, a participant or an organisation goes once no
trajectory touching it is left to process, with its data key, journalled.
"""

from __future__ import annotations

import json

import pytest

from clients.models import Client, Organisation
from dossiers import retention
from dossiers.models import Invoice, KnowledgeItem, Trajectory
from dossiers.services import trajectory_close
from refleact.erasure.models import ErasureJournalEntry
from refleact.keystore.models import DataKey, Tombstone
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    InvoiceFactory,
    OrganisationFactory,
    TrajectoryFactory,
)
from refleact.testing.retention import CLOCK_AND_JOURNAL, DUE, NOW

pytestmark = [pytest.mark.django_db(databases="__all__"), CLOCK_AND_JOURNAL]


@pytest.fixture
def sweep(django_capture_on_commit_callbacks, clock):
    def run(**kwargs):
        # The journal file and the key destructions run on commit.
        with django_capture_on_commit_callbacks(execute=True):
            return retention.retention_sweep(now=DUE, **kwargs)

    return run


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Zorggroep Friesland")


def erased(holder) -> bool:
    """The holder's row and key are gone, a tombstone and a journal entry remain."""
    model = type(holder)
    return (
        not model.objects.filter(pk=holder.pk).exists()
        and not DataKey.objects.filter(holder_id=holder.holder_id).exists()
        and Tombstone.objects.filter(holder_id=holder.holder_id).exists()
        and ErasureJournalEntry.objects.filter(
            holder_id=holder.holder_id, kind=model._meta.label
        ).exists()
    )


def stays(holder) -> bool:
    model = type(holder)
    return (
        model.objects.filter(pk=holder.pk).exists()
        and not Tombstone.objects.filter(holder_id=holder.holder_id).exists()
    )


def training(coach, organisation, participants) -> Trajectory:
    trajectory = TrajectoryFactory(
        kind=Trajectory.Kind.TRAINING,
        client=None,
        organisation=organisation,
        holder_id=organisation.holder_id,
        coach=coach,
    )
    trajectory.participants.add(*participants)
    DossierEntryFactory(trajectory=trajectory, body="Groepssessie over feedback.")
    return trajectory


def participant(coach, organisation=None) -> Client:
    return ClientFactory(
        coaches=[coach], kind=Client.Kind.PARTICIPANT, organisation=organisation
    )


def test_organisation_with_two_clients_goes_after_its_last_trajectory(
    sweep, coach, organisation
):
    first, second = (
        ClientFactory(
            coaches=[coach], kind=Client.Kind.CONTACT, organisation=organisation
        )
        for _ in range(2)
    )
    one, other = (
        TrajectoryFactory(client=c, organisation=organisation, coach=coach)
        for c in (first, second)
    )
    trajectory_close(actor=coach, trajectory=one, retention="delete")

    sweep()

    assert erased(first)
    assert stays(organisation)
    assert stays(second)

    trajectory_close(actor=coach, trajectory=other, retention="delete")
    sweep()

    assert erased(second)
    assert erased(organisation)
    assert not Trajectory.objects.exists()


def test_training_participants_go_with_it(sweep, coach, organisation):
    people = [participant(coach, organisation), participant(coach)]
    course = training(coach, organisation, people)
    trajectory_close(actor=coach, trajectory=course, retention="pseudonymise")

    summary = sweep(dry_run=True)

    assert summary.processed == 1
    assert all(stays(p) for p in people) and stays(organisation)

    sweep()

    assert all(erased(p) for p in people)
    assert erased(organisation)
    assert not Trajectory.objects.filter(pk=course.pk).exists()


def test_participant_with_another_open_trajectory_stays(sweep, coach, organisation):
    leaving, staying = participant(coach), participant(coach)
    own = TrajectoryFactory(client=staying, coach=coach)
    course = training(coach, organisation, [leaving, staying])
    trajectory_close(actor=coach, trajectory=course, retention="delete")

    sweep()

    assert erased(leaving)
    assert stays(staying)
    assert Trajectory.objects.filter(pk=own.pk, retention_done_at=None).exists()

    trajectory_close(actor=coach, trajectory=own, retention="delete")
    sweep()

    assert erased(staying)


def test_kept_training_loses_its_participant_links(sweep, coach, organisation):
    leaving, staying = participant(coach), participant(coach)
    course = training(coach, organisation, [leaving])
    later = training(coach, organisation, [staying])
    trajectory_close(actor=coach, trajectory=course, retention="pseudonymise")

    sweep()

    course.refresh_from_db()
    assert course.retention_done_at is not None
    assert not course.participants.exists()
    assert erased(leaving)
    assert stays(organisation)  # its other training is still open
    assert list(later.participants.all()) == [staying]


def test_organisation_leaves_a_staying_clients_trajectory(sweep, coach, organisation):
    # The client has another trajectory, so the ordered one is kept (plain
    # columns); erasing the organisation unlinks it instead of failing.
    client = ClientFactory(coaches=[coach])
    ordered = TrajectoryFactory(client=client, organisation=organisation, coach=coach)
    TrajectoryFactory(client=client, coach=coach)
    trajectory_close(actor=coach, trajectory=ordered, retention="delete")

    sweep()

    assert erased(organisation)
    assert stays(client)
    ordered.refresh_from_db()
    assert ordered.organisation_id is None


def test_organisation_with_an_issued_invoice_goes_and_the_invoice_stays(
    sweep, coach, organisation
):
    # The invoice is sealed under the practice key and unlinked when its
    # trajectory is processed: it keeps the billing data as printed (art. 52
    # AWR) and needs nothing of the organisation, so the organisation goes.
    course = training(coach, organisation, [participant(coach)])
    invoice = InvoiceFactory(
        trajectory=course,
        status=Invoice.Status.ISSUED,
        number="2026-0007",
        issue_date=NOW.date(),
        billing_name="Zorggroep Friesland",
    )
    trajectory_close(actor=coach, trajectory=course, retention="delete")

    sweep()

    assert erased(organisation)
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.trajectory_id is None
    assert invoice.billing_name == "Zorggroep Friesland"
    assert not Organisation.objects.exists()


def test_pseudonymised_training_is_scrubbed_of_its_participants_and_contacts(
    sweep, coach, organisation
):
    # Names the pseudonymiser cannot guess on its own (a surname alone, a
    # contact person named once): only what the system knows finds them.
    one = ClientFactory(
        coaches=[coach],
        kind=Client.Kind.PARTICIPANT,
        first_name="Roos",
        last_name="Hoogvliet",
        email="roos.h@posteo.example",
        phone="0612345678",
    )
    ClientFactory(
        coaches=[coach],
        kind=Client.Kind.CONTACT,
        organisation=organisation,
        first_name="Bram",
        last_name="Wiegersma",
    )
    course = training(coach, organisation, [one])
    DossierEntryFactory(
        trajectory=course,
        title="Terugblik",
        body=(
            "Groepssessie over feedback. Daarna zei Roos dat ze de oefening lastig"
            " vond. Contactpersoon Wiegersma van HR was erbij; Hoogvliet schreef"
            " het op en mailde roos.h@posteo.example."
        ),
    )
    trajectory_close(actor=coach, trajectory=course, retention="pseudonymise")

    sweep()

    texts = json.dumps(
        [item.content for item in KnowledgeItem.objects.all()], ensure_ascii=False
    )
    assert "Groepssessie over feedback" in texts
    for identifier in ("Roos", "Hoogvliet", "Wiegersma", "roos.h@posteo.example"):
        assert identifier not in texts
