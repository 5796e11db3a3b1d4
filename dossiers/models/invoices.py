"""Invoices: kept under the legal duty to keep financial records (7 years).

Policy: "tenzij dit een wettelijke verplichting is (zoals in het geval van de
financiële administratie)". Billing data is entered on the invoice itself and
sealed with the practice key, so it survives the client's crypto-shredding for
as long as the law requires, and no longer.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refleact.crypto.fields import EncryptedCharField, EncryptedTextField
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.crypto.models import EncryptedModel, HolderIdField

CENT = Decimal("0.01")
RETENTION_YEARS = 7  # Dutch fiscal record-keeping duty (AWR art. 52)


class PracticeDetails(models.Model):
    """The practice's own details, printed on every invoice. One row, edited by the owner."""

    name = models.CharField(_("name"), max_length=200, default="Refleact")
    address = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode_city = models.CharField(_("postcode and city"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    kvk_number = models.CharField(_("KvK number"), max_length=20, blank=True)
    vat_id = models.CharField(_("VAT id"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    payment_term_days = models.PositiveSmallIntegerField(
        _("payment term (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the configured term (INVOICE_PAYMENT_TERM_DAYS)."),
    )

    class Meta:
        verbose_name = _("practice details")
        verbose_name_plural = _("practice details")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> PracticeDetails:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    def payment_term(self) -> int:
        """Return the days between an invoice's date and its due date."""
        if self.payment_term_days is not None:
            return self.payment_term_days
        return settings.INVOICE_PAYMENT_TERM_DAYS


class InvoiceSequence(models.Model):
    """The last invoice number handed out in a year: numbers run without gaps."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice number sequence")
        verbose_name_plural = _("invoice number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Invoice(EncryptedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ISSUED = "issued", _("issued")

    holder_id = HolderIdField(default=PRACTICE_HOLDER_ID)
    trajectory = models.ForeignKey(
        "dossiers.Trajectory",
        verbose_name=_("trajectory"),
        null=True,
        blank=True,
        # The invoice outlives the trajectory's personal data (legal duty).
        on_delete=models.SET_NULL,
        related_name="invoices",
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
    )
    number = models.CharField(_("number"), max_length=16, blank=True, editable=False)
    issue_date = models.DateField(
        _("invoice date"), null=True, blank=True, editable=False
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, editable=False)
    credit_for = models.OneToOneField(
        "self",
        verbose_name=_("credits invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credited_by",
        editable=False,
    )
    billing_name = EncryptedCharField(_("billing name"), max_length=200)
    billing_address = EncryptedTextField(_("billing address"))
    reference = EncryptedCharField(_("your reference"), max_length=100, blank=True)
    # The date or period of the service, which an invoice must state (Wet OB art. 35a).
    service_from = models.DateField(
        _("service date (or first day)"), null=True, blank=True
    )
    service_until = models.DateField(
        _("last day of the service"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a service on one day."),
    )
    paid_at = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="invoice_number_unique",
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return self.number
        return _("draft invoice %(id)s") % {"id": str(self.pk)[:8]}

    def clean(self) -> None:
        if (
            self.service_from
            and self.service_until
            and self.service_until < self.service_from
        ):
            raise ValidationError(
                {"service_until": _("The last day lies before the first.")}
            )

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def is_credit(self) -> bool:
        return self.credit_for_id is not None

    def totals(self, lines=None) -> dict:
        """Return subtotal, VAT per rate and total, rounded per rate to cents."""
        return totals(list(self.lines.all()) if lines is None else lines)


class PricedLine(models.Model):
    """What invoice and quote lines share: quantity, price, VAT rate, position."""

    class VatRate(models.TextChoices):
        HIGH = "21", _("21% VAT")
        LOW = "9", _("9% VAT")
        EXEMPT = "0", _("exempt from VAT (e.g. CRKBO-registered training)")

    VAT_PERCENT = {"21": Decimal("21"), "9": Decimal("9"), "0": Decimal("0")}

    quantity = models.DecimalField(
        _("quantity"), max_digits=8, decimal_places=2, default=1
    )
    unit_price = models.DecimalField(
        _("unit price (excl. VAT)"), max_digits=10, decimal_places=2
    )
    vat_rate = models.CharField(
        _("VAT"), max_length=2, choices=VatRate.choices, default=VatRate.HIGH
    )
    position = models.PositiveSmallIntegerField(_("line"), default=0)

    class Meta:
        abstract = True

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, ROUND_HALF_UP)


def totals(lines) -> dict:
    """Return subtotal, VAT per rate and total of priced lines, VAT rounded per rate."""
    subtotal = sum((line.amount for line in lines), Decimal("0"))
    vat: dict[str, Decimal] = {}
    for line in lines:
        vat[line.vat_rate] = vat.get(line.vat_rate, Decimal("0")) + line.amount
    vat_amounts = {
        rate: (base * PricedLine.VAT_PERCENT[rate] / 100).quantize(CENT, ROUND_HALF_UP)
        for rate, base in vat.items()
    }
    return {
        "subtotal": subtotal.quantize(CENT),
        "vat": [
            {
                "rate": rate,
                "label": PricedLine.VatRate(rate).label,
                "base": vat[rate].quantize(CENT),
                "amount": amount,
            }
            for rate, amount in sorted(vat_amounts.items())
        ],
        "total": (subtotal + sum(vat_amounts.values(), Decimal("0"))).quantize(CENT),
    }


class InvoiceLine(EncryptedModel, PricedLine):
    holder_id = HolderIdField(default=PRACTICE_HOLDER_ID)
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = EncryptedCharField(_("description"), max_length=300)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(self.description)
