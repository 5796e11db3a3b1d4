"""Quotes ("offertes"): what a trajectory will cost, before it is planned.

Policy: the practice's communication covers "initiatie, offerte, planning en
facturering". A quote belongs to its trajectory and is sealed with the
trajectory's holder key, like the dossier: erasing the client (destroying that
key) erases its quotes too. An invoice made from a quote copies its lines, and
those are kept under the invoice's legal duty.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.invoices import PricedLine, totals
from refleact.crypto.fields import EncryptedCharField, EncryptedTextField
from refleact.crypto.models import EncryptedModel


class Quote(EncryptedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("not yet accepted")
        ACCEPTED = "accepted", _("accepted")

    trajectory = models.ForeignKey(
        "dossiers.Trajectory",
        verbose_name=_("trajectory"),
        on_delete=models.CASCADE,
        related_name="quotes",
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
    )
    billing_name = EncryptedCharField(_("addressed to"), max_length=200)
    billing_address = EncryptedTextField(_("address"), blank=True)
    valid_until = models.DateField(_("valid until"))
    accepted_at = models.DateTimeField(
        _("accepted at"), null=True, blank=True, editable=False
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=_(
            "The coach who recorded the acceptance; empty when the client "
            "accepted it themself."
        ),
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # For the screen only: no name, so it may also appear in the admin log.
        return _("Quote %(id)s") % {"id": str(self.pk)[:8]}

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED

    def totals(self, lines=None) -> dict:
        """Return subtotal, VAT per rate and total, as an invoice of these lines would."""
        return totals(list(self.lines.all()) if lines is None else lines)


class QuoteLine(EncryptedModel, PricedLine):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    description = EncryptedCharField(_("description"), max_length=300)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(self.description)
