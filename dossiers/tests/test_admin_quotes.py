"""Quotes: drafted for a trajectory in the quote status, a PDF in the invoice's look,
accepted (the trajectory moves to planned), and their lines copied to an invoice."""

import datetime
import subprocess
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import quote_services
from dossiers.models import Invoice, Quote, QuoteLine, Trajectory
from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    ClientFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    QuoteFactory,
    QuoteLineFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

CHANGELIST = reverse("admin:dossiers_quote_changelist")


@pytest.fixture
def trajectory(coach):
    return TrajectoryFactory(
        client=ClientFactory(coaches=[coach]),
        coach=coach,
        status=Trajectory.Status.QUOTE,
    )


@pytest.fixture
def quote(trajectory):
    quote = QuoteFactory(trajectory=trajectory)
    QuoteLineFactory(quote=quote, description="Intake en 6 sessies", quantity=6)
    QuoteLineFactory(
        quote=quote,
        description="Training Timemanagement",
        quantity=1,
        unit_price="250.00",
        vat_rate="0",
    )
    return quote


def quote_form(trajectory, price="24,95"):
    return {
        "trajectory": str(trajectory.pk),
        "billing_name": "Sanne Verhoeven",
        "billing_address": "Dorpsstraat 1\n8441 AA Heerenveen",
        "valid_until": "2026-12-31",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-position": "1",
        "lines-0-description": "Coachingsessie",
        "lines-0-quantity": "4",
        "lines-0-unit_price": price,
        "lines-0-vat_rate": "21",
    }


def test_coach_drafts_a_quote_sealed_with_the_trajectorys_key(coach_http, trajectory):
    response = coach_http.post(
        reverse("admin:dossiers_quote_add"),
        quote_form(trajectory),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    quote = Quote.objects.get()
    line = QuoteLine.objects.get()
    assert line.unit_price == Decimal("24.95")
    # Erasing the client (destroying this key) erases the quote with the dossier.
    assert quote.holder_id == line.holder_id == trajectory.holder_id
    assert quote.totals()["total"] == Decimal("120.76")  # 4 x 24.95 + 21%
    assert AuditEvent.objects.filter(action="create", object_id=str(quote.pk)).exists()


def test_a_trajectory_not_in_the_quote_status_gets_no_quote(coach, coach_http):
    active = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    response = coach_http.post(reverse("admin:dossiers_quote_add"), quote_form(active))
    assert response.status_code == 200
    assert "trajectory" in response.context["adminform"].form.errors
    assert not Quote.objects.exists()


def test_quote_renders_as_a_pdf_with_its_lines_and_total(coach_http, quote, tmp_path):
    response = coach_http.get(reverse("admin:dossiers_quote_pdf", args=[quote.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "quote.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Offerte" in text
    assert "Intake en 6 sessies" in text and "Training Timemanagement" in text
    assert "Geldig tot en met" in text
    assert "€ 939,70" in text  # 570 + 21% of 570 + 250 exempt
    assert AuditEvent.objects.filter(action="export", object_id=str(quote.pk)).exists()


def test_accepting_moves_the_trajectory_to_planned(coach, coach_http, quote):
    response = coach_http.post(reverse("admin:dossiers_quote_accept", args=[quote.pk]))
    assert response.status_code == 302
    quote.refresh_from_db()
    trajectory = Trajectory.objects.get(pk=quote.trajectory_id)
    assert quote.is_accepted and quote.accepted_by == coach
    assert trajectory.status == Trajectory.Status.PLANNED
    assert trajectory.status_changes.last().status == Trajectory.Status.PLANNED
    assert AuditEvent.objects.filter(action="change", object_id=str(quote.pk)).exists()


def test_accepted_quote_is_read_only_and_not_accepted_twice(coach, coach_http, quote):
    quote_services.quote_accept(actor=coach, quote=quote)
    change = reverse("admin:dossiers_quote_change", args=[quote.pk])
    response = coach_http.post(change, quote_form(quote.trajectory, price="1"))
    assert response.status_code == 403
    with pytest.raises(ValidationError):
        quote_services.quote_accept(actor=coach, quote=quote)
    with pytest.raises(ValidationError):
        quote_services.quote_line_save(
            line=QuoteLine(quote=quote, description="Extra", unit_price="10")
        )


def test_an_expired_quote_cannot_be_accepted(coach_http, quote):
    with time_machine.travel(quote.created_at):
        Quote.objects.filter(pk=quote.pk).update(
            valid_until=datetime.date.today() - datetime.timedelta(days=1)
        )
        response = coach_http.post(
            reverse("admin:dossiers_quote_accept", args=[quote.pk]), follow=True
        )
    quote.refresh_from_db()
    assert not quote.is_accepted
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Trajectory.objects.get(pk=quote.trajectory_id).status == "quote"


def test_accepted_quotes_lines_become_a_new_invoice(coach, coach_http, quote):
    quote_services.quote_accept(actor=coach, quote=quote)
    response = coach_http.post(reverse("admin:dossiers_quote_invoice", args=[quote.pk]))
    invoice = Invoice.objects.get()
    assert response["Location"] == reverse(
        "admin:dossiers_invoice_change", args=[invoice.pk]
    )
    assert invoice.trajectory_id == quote.trajectory_id and not invoice.is_issued
    assert [
        (line.description, line.quantity, line.unit_price, line.vat_rate)
        for line in invoice.lines.all()
    ] == [
        (line.description, line.quantity, line.unit_price, line.vat_rate)
        for line in quote.lines.all()
    ]
    assert invoice.totals() == quote.totals()


def test_lines_are_appended_to_a_draft_invoice_never_an_issued_one(coach, quote):
    quote_services.quote_accept(actor=coach, quote=quote)
    draft = InvoiceLineFactory(
        invoice=InvoiceFactory(trajectory=quote.trajectory), position=1
    ).invoice
    quote_services.quote_lines_to_invoice(actor=coach, quote=quote, invoice=draft)
    assert [line.position for line in draft.lines.all()] == [1, 2, 3]
    from dossiers import services

    services.invoice_issue(actor=coach, invoice=draft)
    with pytest.raises(ValidationError):
        quote_services.quote_lines_to_invoice(actor=coach, quote=quote, invoice=draft)


def test_a_quote_not_accepted_has_no_lines_to_invoice(coach_http, quote):
    response = coach_http.post(
        reverse("admin:dossiers_quote_invoice", args=[quote.pk]), follow=True
    )
    assert not Invoice.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_outsider_gets_404_on_every_quote_page(outsider_http, quote):
    for name, method in (
        ("change", "get"),
        ("pdf", "get"),
        ("accept", "post"),
        ("invoice", "post"),
    ):
        url = reverse(f"admin:dossiers_quote_{name}", args=[quote.pk])
        assert getattr(outsider_http, method)(url).status_code == 404, name
    assert quote.pk not in {
        q.pk for q in outsider_http.get(CHANGELIST).context["cl"].result_list
    }
    quote.refresh_from_db()
    assert not quote.is_accepted


def test_anonymous_is_sent_to_login_and_wrong_methods_are_405(
    client, coach_http, quote
):
    accept = reverse("admin:dossiers_quote_accept", args=[quote.pk])
    assert client.post(accept).status_code == 302
    assert coach_http.get(accept).status_code == 405
    pdf = reverse("admin:dossiers_quote_pdf", args=[quote.pk])
    assert coach_http.post(pdf).status_code == 405


def test_list_is_audited_and_shows_euros(
    coach_http, quote, django_assert_max_num_queries
):
    QuoteLineFactory(quote=QuoteFactory(trajectory=quote.trajectory))
    with django_assert_max_num_queries(15):
        response = coach_http.get(CHANGELIST)
    assert "€\xa0939,70" in response.content.decode()
    assert AuditEvent.objects.filter(action="list", object_id=str(quote.pk)).exists()


def test_trajectory_page_links_its_quotes_and_offers_a_new_one(
    coach_http, quote, trajectory
):
    page = coach_http.get(
        reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    ).content.decode()
    assert reverse("admin:dossiers_quote_change", args=[quote.pk]) in page
    assert f"{reverse('admin:dossiers_quote_add')}?trajectory={trajectory.pk}" in page


def test_new_quote_starts_addressed_to_the_client(coach_http, trajectory):
    response = coach_http.get(
        reverse("admin:dossiers_quote_add"), {"trajectory": str(trajectory.pk)}
    )
    form = response.context["adminform"].form
    assert form.initial["billing_name"] == str(trajectory.client)
