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
        "service_from": "02-11-2026",
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
        {
            "action": "issue_invoices",
            "_selected_action": [invoice.pk],
            "confirm": "yes",
        },
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
        {
            "action": "issue_invoices",
            "_selected_action": [invoice.pk],
            "confirm": "yes",
        },
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


# -- issue 9: totals, preview before issuing, billing sources, list, PDF ---------


def test_change_page_shows_line_amounts_vat_per_rate_and_total(coach_http, trajectory):
    invoice = InvoiceFactory(trajectory=trajectory)
    InvoiceLineFactory(invoice=invoice, quantity=2, unit_price="95.00")
    InvoiceLineFactory(invoice=invoice, unit_price="250.00", vat_rate="0")
    page = coach_http.get(
        reverse("admin:dossiers_invoice_change", args=[invoice.pk])
    ).content.decode()
    assert "€\xa0190,00" in page  # the first line's amount
    assert "Btw 21%" in page and "€\xa039,90" in page
    assert "Vrijgesteld van btw" in page
    assert "€\xa0479,90" in page  # the total
    # The running totals while typing come from a static script, not an inline one.
    assert "dossiers/invoice_totals.js" in page
    assert "<script>" not in page.split("</head>", 1)[1]


def test_issuing_shows_the_pdf_preview_and_issues_on_post(coach_http, trajectory):
    invoice = InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory)).invoice
    url = reverse("admin:dossiers_invoice_issue", args=[invoice.pk])
    change = reverse("admin:dossiers_invoice_change", args=[invoice.pk])
    assert url in coach_http.get(change).content.decode()

    page = coach_http.get(url)
    assert page.status_code == 200
    pdf_url = reverse("admin:dossiers_invoice_pdf", args=[invoice.pk])
    assert f'src="{pdf_url}"' in page.content.decode()
    invoice.refresh_from_db()
    assert not invoice.is_issued  # looking is not issuing
    assert AuditEvent.objects.filter(action="view", object_id=str(invoice.pk)).exists()
    preview = coach_http.get(pdf_url)
    assert preview["X-Frame-Options"] == "SAMEORIGIN"

    response = coach_http.post(url)
    assert response.status_code == 302 and response["Location"] == change
    invoice.refresh_from_db()
    assert invoice.is_issued and invoice.number


def test_issue_page_refuses_outsider_anonymous_and_other_methods(
    client, outsider_http, coach_http, trajectory
):
    invoice = InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory)).invoice
    url = reverse("admin:dossiers_invoice_issue", args=[invoice.pk])
    assert outsider_http.get(url).status_code == 404
    assert outsider_http.post(url).status_code == 404
    assert client.get(url).status_code == 302  # to the login page
    assert coach_http.put(url).status_code == 405
    invoice.refresh_from_db()
    assert not invoice.is_issued


def test_issue_action_asks_for_confirmation_first(coach_http, trajectory):
    invoice = InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory)).invoice
    response = coach_http.post(
        CHANGELIST,
        {"action": "issue_invoices", "_selected_action": [invoice.pk], "index": 0},
    )
    assert response.status_code == 200
    assert reverse("admin:dossiers_invoice_pdf", args=[invoice.pk]) in (
        response.content.decode()
    )
    invoice.refresh_from_db()
    assert not invoice.is_issued


def test_invoice_without_service_date_cannot_be_issued(coach, trajectory):
    from django.core.exceptions import ValidationError

    invoice = InvoiceLineFactory(
        invoice=InvoiceFactory(trajectory=trajectory, service_from=None)
    ).invoice
    with pytest.raises(ValidationError):
        services.invoice_issue(actor=coach, invoice=invoice)


def _add_form(trajectory, **fields):
    return {
        "trajectory": str(trajectory.pk),
        "billing_name": "",
        "billing_address": "",
        "service_from": "2026-11-02",
        **lines_management(1),
        "lines-0-position": "1",
        "lines-0-description": "Coachingsessie",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "95",
        "lines-0-vat_rate": "21",
        **fields,
    }


def test_billing_details_taken_from_the_clients_previous_invoice(
    coach_http, trajectory
):
    InvoiceFactory(
        trajectory=TrajectoryFactory(client=trajectory.client, coach=trajectory.coach),
        billing_name="J. de Vries",
        billing_address="Dorpsstraat 1\n8441 AA Heerenveen",
        reference="PO-17",
    )
    response = coach_http.post(
        reverse("admin:dossiers_invoice_add"),
        _add_form(trajectory, billing_source="previous"),
    )
    assert response.status_code == 302
    new = Invoice.objects.filter(lines__isnull=False).get()
    assert (new.billing_name, new.billing_address, new.reference) == (
        "J. de Vries",
        "Dorpsstraat 1\n8441 AA Heerenveen",
        "PO-17",
    )


def test_billing_details_taken_from_the_organisation(coach, coach_http):
    from refleact.testing.factories import OrganisationFactory

    org = OrganisationFactory(
        billing_name="Gemeente Heerenveen, afd. HR",
        billing_address="Postbus 15000\n8440 GA Heerenveen",
    )
    client = ClientFactory(coaches=[coach], kind="contact", organisation=org)
    trajectory = TrajectoryFactory(client=client, coach=coach)
    response = coach_http.post(
        reverse("admin:dossiers_invoice_add"),
        _add_form(trajectory, billing_source="organisation"),
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.billing_name == "Gemeente Heerenveen, afd. HR"
    assert invoice.billing_address == "Postbus 15000\n8440 GA Heerenveen"


def test_missing_billing_source_is_a_form_error(coach_http, trajectory):
    response = coach_http.post(
        reverse("admin:dossiers_invoice_add"),
        _add_form(trajectory, billing_source="previous"),
    )
    assert response.status_code == 200
    assert "billing_source" in response.context["adminform"].form.errors
    assert not Invoice.objects.exists()


def test_previous_invoice_of_another_coachs_trajectory_is_not_offered(
    coach, coach_http, outsider
):
    # A training for an organisation, by another coach: this coach cannot see it.
    from refleact.testing.factories import OrganisationFactory

    org = OrganisationFactory()
    theirs = TrajectoryFactory(
        client=None, organisation=org, holder_id=org.holder_id, coach=outsider
    )
    InvoiceFactory(trajectory=theirs, billing_name="Iemand van de ander")
    mine = TrajectoryFactory(
        client=None, organisation=org, holder_id=org.holder_id, coach=coach
    )
    assert "previous" not in services.invoice_billing_sources(
        user=coach, trajectory=mine
    )


def test_list_shows_euros_and_filters_unpaid_and_overdue(
    coach, coach_http, trajectory, settings
):
    import time_machine

    settings.INVOICE_PAYMENT_TERM_DAYS = 14
    paid, unpaid, late, draft = (
        InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory)).invoice
        for _ in range(4)
    )
    with time_machine.travel(datetime.date(2026, 10, 1)):
        services.invoice_issue(actor=coach, invoice=late)  # due 15 October
    with time_machine.travel(datetime.date(2026, 11, 20)):
        services.invoice_issue(actor=coach, invoice=paid)
        services.invoice_mark_paid(
            actor=coach, invoice=paid, paid_on=datetime.date(2026, 11, 21)
        )
        services.invoice_issue(actor=coach, invoice=unpaid)  # due 4 December
    with time_machine.travel(datetime.date(2026, 11, 25)):
        page = coach_http.get(CHANGELIST)
        assert "€\xa0114,95" in page.content.decode()  # 95 + 21% VAT

        def shown(query):
            response = coach_http.get(CHANGELIST, {"payment": query})
            assert response.status_code == 200
            return set(response.context["cl"].result_list)

        assert shown("unpaid") == {unpaid, late}
        assert shown("overdue") == {late}
    assert draft.status == "draft"


def test_payment_term_comes_from_the_setting_unless_the_owner_sets_one(
    coach, trajectory, settings
):
    settings.INVOICE_PAYMENT_TERM_DAYS = 30
    day = datetime.date(2026, 11, 2)
    first = InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory)).invoice
    issued = services.invoice_issue(actor=coach, invoice=first, today=day)
    assert issued.due_date == datetime.date(2026, 12, 2)
    details = PracticeDetails.load()
    details.payment_term_days = 7
    details.save()
    second = InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory)).invoice
    issued = services.invoice_issue(actor=coach, invoice=second, today=day)
    assert issued.due_date == datetime.date(2026, 11, 9)


def _pdf_text(response, tmp_path) -> str:
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(response.content)
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_pdf_states_the_service_period_and_keeps_iban_with_its_number(
    coach, coach_http, trajectory, tmp_path
):
    PracticeDetails.objects.create(
        pk=1,
        # A long name, so the footer line fills up and would break somewhere.
        name="Refleact coaching, training en advies voor mens en organisatie",
        kvk_number="12345678",
        vat_id="NL001234567B01",
        iban="NL91ABNA0417164300",
    )
    invoice = InvoiceFactory(
        trajectory=trajectory,
        service_from=datetime.date(2026, 11, 2),
        service_until=datetime.date(2026, 11, 30),
    )
    InvoiceLineFactory(invoice=invoice)
    services.invoice_issue(actor=coach, invoice=invoice)
    text = _pdf_text(
        coach_http.get(reverse("admin:dossiers_invoice_pdf", args=[invoice.pk])),
        tmp_path,
    )
    assert "2 november 2026 t/m 30 november 2026" in text
    iban_lines = [line for line in text.splitlines() if "IBAN" in line]
    assert len(iban_lines) >= 2  # the letterhead, the footer (and the payment note)
    assert all("IBAN NL91ABNA0417164300" in line for line in iban_lines)


def test_service_period_cannot_end_before_it_starts(coach_http, trajectory):
    response = coach_http.post(
        reverse("admin:dossiers_invoice_add"),
        _add_form(
            trajectory,
            billing_name="X",
            billing_address="Y",
            service_until="2026-11-01",
        ),
    )
    assert response.status_code == 200
    assert "service_until" in response.context["adminform"].form.errors
