"""Clients and organisations that no trajectory ever touched are erased in time.

Policy: personal data only as long as the work needs it. A client or an
organisation with no trajectory (as client, participant or organisation), no
contact person and nothing kept under its key goes RETENTION_UNUSED_HOLDER_DAYS
after its last change or activity, as any erased holder: its rows, a journal
entry, its key destroyed after the data commit.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from clients.models import Client, Organisation
from dossiers.models import Trajectory
from refleact.erasure.journal import journal_path
from refleact.erasure.models import ErasureJournalEntry
from refleact.keystore.models import DataKey, Tombstone
from refleact.testing.factories import (
    ClientFactory,
    OrganisationFactory,
    TrajectoryFactory,
)
from refleact.testing.retention import CLOCK_AND_JOURNAL, NOW

pytestmark = [pytest.mark.django_db(databases="__all__"), CLOCK_AND_JOURNAL]

LATER = NOW + dt.timedelta(days=settings.RETENTION_UNUSED_HOLDER_DAYS + 1)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(*args):
        out = StringIO()
        # The journal file and the key destruction run on commit.
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_retention", *args, stdout=out)
        return out.getvalue()

    return run


def erased(holder) -> bool:
    model = type(holder)
    entry = ErasureJournalEntry.objects.filter(holder_id=holder.holder_id).first()
    return (
        not model.objects.filter(pk=holder.pk).exists()
        and not DataKey.objects.filter(holder_id=holder.holder_id).exists()
        and Tombstone.objects.filter(holder_id=holder.holder_id).exists()
        and entry is not None
        and entry.rule == "unused"
        and entry.kind == model._meta.label
        and entry.key_destroyed_at is not None
    )


def stays(holder) -> bool:
    return (
        type(holder).objects.filter(pk=holder.pk).exists()
        and DataKey.objects.filter(holder_id=holder.holder_id).exists()
        and not ErasureJournalEntry.objects.filter(holder_id=holder.holder_id).exists()
    )


def test_client_without_trajectory_goes_after_the_unused_period(sweep, clock, coach):
    unused = ClientFactory(coaches=[coach], first_name="Noor", last_name="Visser")

    clock.move_to(LATER - dt.timedelta(days=2))
    assert "Noor" not in sweep()
    assert stays(unused)

    clock.move_to(LATER)
    output = sweep()

    assert f"cliënt {unused.pk}: gewist, ongebruikt" in output
    assert "1 ongebruikte cliënten en organisaties gewist." in output
    assert "Noor" not in output and "Visser" not in output
    assert erased(unused)
    lines = [json.loads(line) for line in journal_path().read_text().splitlines()]
    assert [(line["holder_id"], line["rule"]) for line in lines] == [
        (str(unused.holder_id), "unused")
    ]
    # A rerun finds nothing left to do.
    assert "0 ongebruikte cliënten en organisaties gewist." in sweep()


def test_dry_run_prints_it_and_changes_nothing(sweep, clock, coach):
    unused = ClientFactory(coaches=[coach])
    clock.move_to(LATER)

    output = sweep("--dry-run")

    assert f"cliënt {unused.pk}: zou worden gewist, ongebruikt" in output
    assert stays(unused)
    assert not journal_path().exists()


def test_client_with_an_intake_trajectory_is_not_erased(sweep, clock, coach):
    client = ClientFactory(coaches=[coach])
    TrajectoryFactory(client=client, coach=coach, status=Trajectory.Status.INTAKE)
    participant = ClientFactory(coaches=[coach], kind=Client.Kind.PARTICIPANT)
    training = TrajectoryFactory(client=client, coach=coach)
    training.participants.add(participant)

    clock.move_to(LATER)
    sweep()

    assert stays(client)
    assert stays(participant)


def test_recent_activity_keeps_a_client(sweep, clock, coach):
    client = ClientFactory(coaches=[coach])
    clock.move_to(LATER - dt.timedelta(days=10))
    client.save()  # changed: the unused period starts again

    clock.move_to(LATER)
    sweep()

    assert stays(client)


def test_organisation_without_trajectory_goes_after_its_contact_persons(
    sweep, clock, coach
):
    lone = OrganisationFactory(name="Stichting Leeg")
    with_contact = OrganisationFactory(name="Bouwbedrijf Dijkstra")
    contact = ClientFactory(
        coaches=[coach], kind=Client.Kind.CONTACT, organisation=with_contact
    )
    ordering = OrganisationFactory(name="Gemeente Assen")
    TrajectoryFactory(
        client=ClientFactory(coaches=[coach]), organisation=ordering, coach=coach
    )
    used_contact = ClientFactory(
        coaches=[coach], kind=Client.Kind.CONTACT, organisation=ordering
    )

    clock.move_to(LATER)
    output = sweep()

    assert f"organisatie {lone.pk}: gewist, ongebruikt" in output
    assert "Stichting" not in output
    assert erased(lone)
    # Its only contact person was unused too: first the contact, then it.
    assert erased(contact)
    assert erased(with_contact)
    # An organisation that ordered a trajectory stays, and so does its contact
    # person, whose name that trajectory's pseudonymisation must still know.
    assert stays(ordering)
    assert stays(used_contact)
    assert Organisation.objects.filter(pk=ordering.pk).exists()


def test_dashboard_lists_the_unused_client_before_it_goes(
    coach_http, outsider_http, clock, coach
):
    days = settings.RETENTION_UNUSED_HOLDER_DAYS
    # Created long enough ago that its erasure falls within the warning time
    # (RETENTION_GRACE_DAYS), and one created too recently to be listed yet.
    clock.move_to(NOW - dt.timedelta(days=days - 5))
    soon = ClientFactory(coaches=[coach])
    clock.move_to(NOW - dt.timedelta(days=days - settings.RETENTION_GRACE_DAYS - 2))
    later = ClientFactory(coaches=[coach])
    clock.move_to(NOW)

    page = coach_http.get(reverse("admin:dashboard")).content.decode()

    assert reverse("admin:clients_client_change", args=[soon.pk]) in page
    assert "Bewaartermijn: ongebruikte cliënt wissen" in page
    assert reverse("admin:clients_client_change", args=[later.pk]) not in page
    outsider_page = outsider_http.get(reverse("admin:dashboard")).content.decode()
    assert reverse("admin:clients_client_change", args=[soon.pk]) not in outsider_page
