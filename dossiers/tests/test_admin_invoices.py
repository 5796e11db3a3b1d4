"""Invoices: drafts, issuing with gap-free numbers, credit invoices, PDF, read-only once issued."""

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import Invoice, PracticeDetails
from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    ClientFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

CHANGELIST = reverse("admin:dossiers_invoice_changelist")


@pytest.fixture
def trajectory(coach):
    return TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)


def lines_management(total=1, initial=0):
    return {
        "lines-TOTAL_FORMS": str(total),
        "lines-INITIAL_FORMS": str(initial),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }


def test_coach_creates_a_draft_with_lines(coach_http, trajectory):
    data = {
        "trajectory": str(trajectory.pk),
        "billing_name": "Hoogland Installatietechniek",
        "billing_address": "Industrieweg 4\n8444 AB Heerenveen",
        **lines_management(),
        "lines-0-position": "1",
        "lines-0-description": "Coachingsessie",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "95.00",
        "lines-0-vat_rate": "21",
    }
    response = coach_http.post(reverse("admin:dossiers_invoice_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    invoice = Invoice.objects.get()
    assert invoice.status == "draft" and invoice.number == ""
    totals = invoice.totals()
    assert totals["subtotal"] == Decimal("190.00") and totals["total"] == Decimal(
        "229.90"
    )


def test_issuing_numbers_invoices_per_year_without_gaps(coach, trajectory):
    drafts = [
        InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory)).invoice
        for _ in range(3)
    ]
    day = datetime.date(2026, 11, 25)
    numbers = [
        services.invoice_issue(actor=coach, invoice=d, today=day).number for d in drafts
    ]
    assert numbers == ["2026-0001", "2026-0002", "2026-0003"]
    next_year = InvoiceLineFactory(
        invoice=InvoiceFactory(trajectory=trajectory)
    ).invoice
    issued = services.invoice_issue(
        actor=coach, invoice=next_year, today=datetime.date(2027, 1, 2)
    )
    assert issued.number == "2027-0001"


def test_issue_and_credit_through_admin_actions(coach_http, trajectory):
    invoice = InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory)).invoice
    coach_http.post(
        CHANGELIST,
        {"action": "issue_invoices", "_selected_action": [invoice.pk], "index": 0},
    )
    invoice.refresh_from_db()
    assert invoice.is_issued and invoice.number
    coach_http.post(
        CHANGELIST,
        {"action": "credit_invoices", "_selected_action": [invoice.pk], "index": 0},
    )
    credit = Invoice.objects.get(credit_for=invoice)
    assert credit.is_issued and credit.number != invoice.number
    assert credit.totals()["total"] == -invoice.totals()["total"]


def test_empty_draft_cannot_be_issued(coach_http, trajectory):
    invoice = InvoiceFactory(trajectory=trajectory)
    response = coach_http.post(
        CHANGELIST,
        {"action": "issue_invoices", "_selected_action": [invoice.pk], "index": 0},
        follow=True,
    )
    invoice.refresh_from_db()
    assert not invoice.is_issued
    from django.contrib.messages import ERROR

    assert [m.level for m in response.context["messages"]] == [ERROR]


def test_issued_invoice_is_read_only_and_cannot_be_deleted(
    coach, coach_http, trajectory
):
    invoice = InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory)).invoice
    services.invoice_issue(actor=coach, invoice=invoice)
    url = reverse("admin:dossiers_invoice_change", args=[invoice.pk])
    response = coach_http.post(
        url, {"billing_name": "Iemand anders", **lines_management(0, 1)}
    )
    assert response.status_code == 403
    invoice.refresh_from_db()
    assert invoice.billing_name == "Hoogland Installatietechniek"
    delete = coach_http.post(
        reverse("admin:dossiers_invoice_delete", args=[invoice.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    bulk = coach_http.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [invoice.pk], "post": "yes"},
    )
    assert bulk.status_code == 403
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_issued_invoice_refuses_edits_in_the_service(coach, trajectory):
    invoice = InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory)).invoice
    services.invoice_issue(actor=coach, invoice=invoice)
    invoice.billing_name = "Iemand anders"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.invoice_save(actor=coach, invoice=invoice)


def test_invoice_pdf_renders_number_and_amounts(
    coach, coach_http, trajectory, tmp_path
):
    PracticeDetails.objects.create(
        pk=1,
        name="Refleact",
        address="Willem de Zwijgerlaan 24",
        postcode_city="8448 MA Heerenveen",
        kvk_number="12345678",
        vat_id="NL001234567B01",
        iban="NL91ABNA0417164300",
    )
    invoice = InvoiceFactory(trajectory=trajectory)
    InvoiceLineFactory(
        invoice=invoice, description="Coachingsessie", quantity=2, unit_price="95.00"
    )
    InvoiceLineFactory(
        invoice=invoice,
        description="Training",
        quantity=1,
        unit_price="250.00",
        vat_rate="0",
    )
    issued = services.invoice_issue(actor=coach, invoice=invoice)
    response = coach_http.get(reverse("admin:dossiers_invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert issued.number in text
    assert "190,00" in text or "190.00" in text  # 2 x 95
    assert "39,90" in text or "39.90" in text  # 21% VAT over 190
    assert "479,90" in text or "479.90" in text  # 190 + 39.90 + 250
    assert AuditEvent.objects.filter(
        action="export", object_id=str(invoice.pk)
    ).exists()


def test_outsider_gets_404_on_invoice_and_pdf(trajectory, outsider_http):
    invoice = InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory)).invoice
    for name in ("dossiers_invoice_change", "dossiers_invoice_pdf"):
        assert (
            outsider_http.get(reverse(f"admin:{name}", args=[invoice.pk])).status_code
            == 404
        )
