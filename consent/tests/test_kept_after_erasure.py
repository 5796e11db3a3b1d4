"""What a client's consent keeps when the sweep erases the client, and its removal."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from consent import services
from consent.models import (
    ConsentRecord,
    ContactRecord,
    KeptConsentRecord,
    KeptOccasion,
    Occasion,
)
from consent.models.ledger import CONTACT_AFTER
from refleact.audit.models import AuditEvent
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.erasure.journal import journal_path
from refleact.erasure.models import ErasureJournalEntry
from refleact.keystore.models import Tombstone
from refleact.testing.factories import ClientFactory, TrajectoryFactory
from refleact.testing.retention import CLOCK_AND_JOURNAL, DUE

pytestmark = [pytest.mark.django_db(databases="__all__"), CLOCK_AND_JOURNAL]


@pytest.fixture
def client_row(coach):
    return ClientFactory(
        coaches=[coach],
        first_name="Femke",
        last_name="Dijkstra",
        email="femke.dijkstra@voorbeeld.nl",
    )


@pytest.fixture
def trajectory(coach, client_row):
    return TrajectoryFactory(client=client_row, coach=coach)


def decide(client, decision, *, occasion=None, purpose=CONTACT_AFTER, coach=None):
    return services.consent_decide(
        client=client,
        purpose=occasion.purpose if occasion else purpose,
        occasion=occasion,
        decision=decision,
        method=ConsentRecord.Method.COACH,
        actor=coach,
        evidence_note="Ondertekend formulier, map 3",
    )


@pytest.fixture
def close_and_sweep(coach_http, clock, django_capture_on_commit_callbacks):
    def run(trajectory, **options):
        response = coach_http.post(
            reverse("admin:dossiers_trajectory_close", args=[trajectory.pk]),
            {"retention": "delete"},
        )
        assert response.status_code == 302
        clock.move_to(DUE)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_retention", stdout=StringIO(), **options)

    return run


def test_current_contact_consent_keeps_name_and_email_with_proof(
    close_and_sweep, coach, client_row, trajectory
):
    holder = client_row.holder_id
    given = decide(client_row, ConsentRecord.Decision.GIVEN, coach=coach)

    close_and_sweep(trajectory)

    assert Tombstone.objects.filter(holder_id=holder).exists()
    assert not ConsentRecord.objects.filter(holder_id=holder).exists()
    contact = ContactRecord.objects.get()
    assert contact.holder_id == PRACTICE_HOLDER_ID
    assert contact.values == {
        "clients.Client.first_name": "Femke",
        "clients.Client.last_name": "Dijkstra",
        "clients.Client.email": "femke.dijkstra@voorbeeld.nl",
    }
    proof = list(contact.proof.all())
    assert given.receipt_id in {p.receipt_id for p in proof}
    kept_given = next(p for p in proof if p.receipt_id == given.receipt_id)
    assert kept_given.decision == ConsentRecord.Decision.GIVEN
    assert kept_given.evidence_note == "Ondertekend formulier, map 3"
    assert {p.holder_id for p in proof} == {PRACTICE_HOLDER_ID}
    entry = ErasureJournalEntry.objects.get(holder_id=holder)
    assert entry.kept["consent.ContactRecord"] == 1
    assert "Femke" not in journal_path().read_text()


def test_withdrawn_contact_consent_keeps_no_contact_record(
    close_and_sweep, clock, coach, client_row, trajectory
):
    decide(client_row, ConsentRecord.Decision.GIVEN, coach=coach)
    clock.shift(dt.timedelta(hours=1))
    decide(client_row, ConsentRecord.Decision.WITHDRAWN, coach=coach)

    close_and_sweep(trajectory)

    assert not ContactRecord.objects.exists()
    assert not KeptConsentRecord.objects.exists()


def test_no_contact_consent_keeps_nothing(close_and_sweep, client_row, trajectory):
    close_and_sweep(trajectory)

    assert not ContactRecord.objects.exists()


def test_dry_run_keeps_nothing(close_and_sweep, coach, client_row, trajectory):
    decide(client_row, ConsentRecord.Decision.GIVEN, coach=coach)

    close_and_sweep(trajectory, dry_run=True)

    assert not ContactRecord.objects.exists()
    assert ConsentRecord.objects.filter(holder_id=client_row.holder_id).exists()


def test_consented_pr_material_stays_and_the_rest_goes(
    close_and_sweep, coach, client_row, trajectory
):
    published = services.occasion_create(
        actor=coach,
        client=client_row,
        what=Occasion.What.TESTIMONIAL,
        medium="Nieuwsbrief voorjaar",
        material="Femke: de coaching gaf me rust.",
    )
    refused = services.occasion_create(
        actor=coach,
        client=client_row,
        what=Occasion.What.OPINION,
        medium="Website",
        material="Een mening.",
    )
    decide(client_row, ConsentRecord.Decision.GIVEN, occasion=published, coach=coach)
    decide(client_row, ConsentRecord.Decision.REFUSED, occasion=refused, coach=coach)

    close_and_sweep(trajectory)

    assert not Occasion.objects.exists()
    kept = KeptOccasion.objects.get()
    assert kept.holder_id == PRACTICE_HOLDER_ID
    assert kept.medium == "Nieuwsbrief voorjaar"
    assert kept.material_digest == published.material_digest
    decisions = {p.decision for p in kept.proof.all()}
    assert decisions == {
        ConsentRecord.Decision.REQUESTED,
        ConsentRecord.Decision.GIVEN,
    }
    assert not ContactRecord.objects.exists()


@pytest.fixture
def kept_contact(close_and_sweep, coach, client_row, trajectory):
    decide(client_row, ConsentRecord.Decision.GIVEN, coach=coach)
    close_and_sweep(trajectory)
    return ContactRecord.objects.get()


@pytest.fixture
def logged_in(kept_contact, owner, coach, outsider):
    """Log the personas in again after the sweep's clock move (idle expiry)."""

    def login(http, user):
        http.force_login(user)
        return http

    return login


def test_owner_sees_the_contact_record_and_the_view_is_logged(
    owner_http, owner, kept_contact, logged_in
):
    logged_in(owner_http, owner)
    response = owner_http.get(
        reverse("admin:consent_contactrecord_change", args=[kept_contact.pk])
    )

    assert response.status_code == 200
    assert "femke.dijkstra@voorbeeld.nl" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(kept_contact.pk)
    ).exists()
    listing = owner_http.get(reverse("admin:consent_contactrecord_changelist"))
    assert listing.status_code == 200
    assert "Femke" not in listing.content.decode()  # the list names no one
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LIST, object_id=str(kept_contact.pk)
    ).exists()


def test_coaches_never_see_contact_records(
    coach_http, outsider_http, coach, outsider, kept_contact, logged_in
):
    for http, user in ((coach_http, coach), (outsider_http, outsider)):
        logged_in(http, user)
        change = http.get(
            reverse("admin:consent_contactrecord_change", args=[kept_contact.pk])
        )
        assert change.status_code in (403, 404)
        listing = http.get(reverse("admin:consent_contactrecord_changelist"))
        assert listing.status_code == 403


def test_owner_removes_the_contact_record_when_the_withdrawal_arrives(
    owner_http, owner, kept_contact, logged_in
):
    logged_in(owner_http, owner)
    response = owner_http.post(
        reverse("admin:consent_contactrecord_delete", args=[kept_contact.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 302
    assert not ContactRecord.objects.exists()
    assert not KeptConsentRecord.objects.exists()
    assert AuditEvent.objects.filter(
        actor=owner, action=AuditEvent.Action.DELETE, object_id=str(kept_contact.pk)
    ).exists()


def test_malformed_contact_record_id_is_a_404(
    owner_http, owner, kept_contact, logged_in
):
    logged_in(owner_http, owner)
    response = owner_http.get("/admin/consent/contactrecord/not-a-uuid/change/")
    assert response.status_code == 404
