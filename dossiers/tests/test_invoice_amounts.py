"""Prices typed the Dutch way are read as meant, whatever the browser's language."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from dossiers.amounts import AmountError, parse_amount
from dossiers.models import Invoice, InvoiceLine
from refleact.testing.factories import ClientFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__")

ADD = reverse("admin:dossiers_invoice_add")


@pytest.fixture
def trajectory(coach):
    return TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)


def invoice_form(trajectory, price, quantity="1"):
    return {
        "trajectory": str(trajectory.pk),
        "billing_name": "Hoogland Installatietechniek",
        "billing_address": "Industrieweg 4\n8444 AB Heerenveen",
        "service_from": "2026-11-02",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-position": "1",
        "lines-0-description": "Coachingsessie",
        "lines-0-quantity": quantity,
        "lines-0-unit_price": price,
        "lines-0-vat_rate": "21",
    }


@pytest.mark.parametrize("language", ["nl", "en", "en-US,en;q=0.9"])
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("24,95", Decimal("24.95")),
        ("24.95", Decimal("24.95")),
        ("1.234,50", Decimal("1234.50")),
        ("1,234.50", Decimal("1234.50")),
        ("€ 95", Decimal("95.00")),
    ],
)
def test_price_is_read_as_typed_in_any_browser_language(
    coach_http, trajectory, language, typed, stored
):
    response = coach_http.post(
        ADD, invoice_form(trajectory, typed), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][
        0
    ].formset.errors
    assert InvoiceLine.objects.get().unit_price == stored


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("typed", ["1.234", "1,234", "24,9,5", "abc", "12,345"])
def test_ambiguous_or_malformed_price_is_a_form_error(
    coach_http, trajectory, language, typed
):
    response = coach_http.post(
        ADD, invoice_form(trajectory, typed), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert "unit_price" in errors[0]
    assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()


def test_ambiguous_price_says_how_to_write_it(coach_http, trajectory):
    response = coach_http.post(ADD, invoice_form(trajectory, "1.234"))
    assert "dubbelzinnig" in response.content.decode()
    assert "1234,00" in response.content.decode()


def test_price_field_is_a_text_input_shown_in_the_active_language(
    coach_http, trajectory
):
    # A number input would let the browser read "24,95" by its own language.
    page = coach_http.get(ADD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for name in ("unit_price", "quantity"):
        (tag,) = re.findall(rf'<input[^>]*name="lines-0-{name}"[^>]*>', page)
        assert 'type="text"' in tag and 'inputmode="decimal"' in tag


def test_too_many_decimals_is_refused_not_rounded(coach_http, trajectory):
    response = coach_http.post(ADD, invoice_form(trajectory, "0,125"))
    assert response.status_code == 200
    assert not InvoiceLine.objects.exists()


def test_parse_amount_rules():
    assert parse_amount("-3,5") == Decimal("-3.5")
    assert parse_amount("1.234.567,89") == Decimal("1234567.89")
    assert parse_amount("0,125") == Decimal("0.125")  # the field refuses 3 decimals
    for text in ("1.234", "1,234", "24,", ",5", "1,2.3", "1.23.4", ""):
        with pytest.raises(AmountError):
            parse_amount(text)
