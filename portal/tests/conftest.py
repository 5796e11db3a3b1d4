"""Portal personas: a client with an account (who logs in), and another client.

- client_a: has a portal account and a coaching trajectory with every kind of row;
  the one logged in.
- client_b: another client of the same coach and organisation; everything of
  theirs must be a 404 for client_a.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal import services
from refleact.testing.factories import ClientFactory, OrganisationFactory
from refleact.testing.personas import PORTAL_PASSWORD as PASSWORD  # noqa: F401
from refleact.testing.personas import portal_activate as activate
from refleact.testing.personas import portal_login as logged_in


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def client_a(coach, organisation):
    # Names no invented text contains, so "nothing of the other client" checks
    # cannot trip over a random first name that happens to occur elsewhere.
    client = ClientFactory(
        first_name="Annerieke",
        last_name="Aalderink-Qwa",
        email="anna.a@example.nl",
        organisation=organisation,
        kind="contact",
    )
    client.coaches.add(coach)
    return client


@pytest.fixture
def client_b(coach, organisation):
    client = ClientFactory(
        first_name="Bertolf",
        last_name="Boekhorst-Qwb",
        email="bert.b@example.nl",
        organisation=organisation,
        kind="contact",
    )
    client.coaches.add(coach)
    return client


@pytest.fixture
def account_a(client_a, coach, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = services.account_invite(actor=coach, client=client_a)
    mailoutbox.clear()
    return activate(account)


@pytest.fixture
def account_b(client_b, coach, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = services.account_invite(actor=coach, client=client_b)
    return activate(account)


@pytest.fixture
def http_a(account_a):
    return logged_in(account_a)


@pytest.fixture
def http_b(account_b):
    return logged_in(account_b)


def fill(client, coach, account, *, tag: str):
    """Give a client one row of every kind the portal shows; texts carry ``tag``."""
    from consent.models import ConsentRecord
    from consent.models.ledger import CONTACT_AFTER
    from consent.services import consent_decide, disclosure_record, occasion_create
    from refleact.crypto.files import seal_chunks
    from refleact.testing.factories import (
        AppointmentFactory,
        DossierEntryFactory,
        EvaluationFactory,
        InvoiceFactory,
        InvoiceLineFactory,
        QuoteFactory,
        QuoteLineFactory,
        TrajectoryFactory,
    )

    trajectory = TrajectoryFactory(
        client=client, coach=coach, learning_question=f"Vraag {tag}"
    )
    sealed = seal_chunks(
        [f"document {tag}".encode()],
        filename=f"notes-{tag}.txt",
        content_type="text/plain",
    )
    shared = DossierEntryFactory(
        trajectory=trajectory,
        kind="client_information",
        title=f"Gedeeld {tag}",
        body=f"Reflectie {tag}",
        attachment=sealed,
    )
    DossierEntryFactory(
        trajectory=trajectory, title=f"Voortgang {tag}", body=f"Notitie {tag}"
    )
    DossierEntryFactory(
        trajectory=trajectory,
        kind="theory",
        title=f"Theorie {tag}",
        body=f"Inhoud {tag}",
    )
    appointment = AppointmentFactory(
        trajectory=trajectory,
        place=f"Kamer {tag}",
        video_link="https://meet.jit.si/room-" + tag,
        note=f"Afspraaknotitie {tag}",
    )
    evaluation = EvaluationFactory(trajectory=trajectory)
    answered = EvaluationFactory(
        trajectory=trajectory, answers=f"Antwoord {tag}", submitted_at=timezone.now()
    )
    quote_trajectory = TrajectoryFactory(client=client, coach=coach, status="quote")
    quote = QuoteFactory(trajectory=quote_trajectory, billing_name=f"Aan {tag}")
    QuoteLineFactory(quote=quote, description=f"Regel {tag}")
    invoice = InvoiceFactory(
        trajectory=trajectory, billing_name=f"Factuur {tag}", number=f"2026-{tag[:4]}"
    )
    InvoiceLineFactory(invoice=invoice, description=f"Factuurregel {tag}")
    consent_decide(
        client=client,
        purpose=CONTACT_AFTER,
        decision=ConsentRecord.Decision.GIVEN,
        method=ConsentRecord.Method.COACH,
        evidence_note=f"Bewijs {tag}",
        actor=coach,
    )
    occasion = occasion_create(
        actor=coach,
        client=client,
        what="testimonial",
        medium=f"Nieuwsbrief {tag}",
        material=f"Citaat {tag}",
    )
    disclosure_record(
        actor=coach,
        client=client,
        kind="invoice",
        recipient=f"Ontvanger {tag}",
        basis="agreement",
        categories=["financial"],
        note=f"Toelichting {tag}",
    )
    from portal import services

    request_row = services.request_submit(
        account=account, kind="question", text=f"Verzoek {tag}"
    )
    services.email_change_request(account=account, new_email=f"nieuw.{tag}@example.nl")
    return {
        "trajectory": trajectory,
        "entry": shared,
        "appointment": appointment,
        "evaluation": evaluation,
        "answered": answered,
        "quote": quote,
        "occasion": occasion,
        "request": request_row,
    }


@pytest.fixture
def full_a(client_a, coach, account_a):
    return fill(client_a, coach, account_a, tag="aaaa")


@pytest.fixture
def full_b(client_b, coach, account_b):
    return fill(client_b, coach, account_b, tag="bbbb")
