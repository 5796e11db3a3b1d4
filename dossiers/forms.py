"""Forms of the invoice and quote pages: amounts read as typed, billing sources."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from dossiers import services
from dossiers.amounts import AmountField
from dossiers.models import Invoice, InvoiceLine, Quote, QuoteLine


def euros(value: Decimal) -> str:
    """Return an amount for the screen in the active language: "€ 24,95"."""
    return f"€\u00a0{number_format(value, 2)}"


class PricedLineForm(forms.ModelForm):
    """A line whose quantity and price are typed as text: "24,95" is 24.95."""

    quantity = AmountField(
        label=_("quantity"), max_digits=8, decimal_places=2, initial=Decimal("1")
    )
    unit_price = AmountField(
        label=_("unit price (excl. VAT)"), max_digits=10, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Hooks for static/dossiers/invoice_totals.js, which totals the lines live.
        for name in ("quantity", "unit_price"):
            self.fields[name].widget.attrs.update({"size": 8, "data-amount": name})
        self.fields["vat_rate"].widget.attrs["data-amount"] = "vat_rate"


class InvoiceLineForm(PricedLineForm):
    class Meta:
        model = InvoiceLine
        fields = ("position", "description", "quantity", "unit_price", "vat_rate")


class QuoteLineForm(PricedLineForm):
    class Meta:
        model = QuoteLine
        fields = ("position", "description", "quantity", "unit_price", "vat_rate")


class InvoiceForm(forms.ModelForm):
    """A draft invoice; its billing details may be taken from an earlier source."""

    class BillingSource:
        TYPED = ""
        PREVIOUS = "previous"
        ORGANISATION = "organisation"

    billing_source = forms.ChoiceField(
        label=_("Billing details"),
        required=False,
        choices=[
            (BillingSource.TYPED, _("as entered below")),
            (BillingSource.PREVIOUS, _("from the client's previous invoice")),
            (BillingSource.ORGANISATION, _("from the organisation's billing details")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Taken when the invoice is saved; the fields below then show them."
        ),
    )

    class Meta:
        model = Invoice
        fields = (
            "trajectory",
            "billing_source",
            "billing_name",
            "billing_address",
            "reference",
            "service_from",
            "service_until",
        )

    # Set by the admin per request (get_form): whose invoices "previous" may read.
    request_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "service_from" in self.fields:
            self.fields["service_from"].required = True
        if self.data.get(self.add_prefix("billing_source")):
            # The chosen source fills them in clean().
            for name in ("billing_name", "billing_address"):
                if name in self.fields:
                    self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("billing_source")
        if not source:
            return cleaned
        trajectory = cleaned.get("trajectory")
        sources = services.invoice_billing_sources(
            user=self.request_user, trajectory=trajectory
        )
        if source not in sources:
            message = (
                _("This trajectory's client has no earlier invoice.")
                if source == self.BillingSource.PREVIOUS
                else _("This trajectory has no organisation with billing details.")
            )
            self.add_error("billing_source", message)
            return cleaned
        for name, value in sources[source].items():
            cleaned[name] = value
            setattr(self.instance, name, value)
        return cleaned


class QuoteForm(forms.ModelForm):
    class Meta:
        model = Quote
        fields = ("trajectory", "billing_name", "billing_address", "valid_until")
