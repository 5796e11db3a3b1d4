"""The register of each time personal data leaves the practice.

Policy ("Delen met anderen"): "We zullen uw informatie niet delen met anderen
zonder uw toestemming, tenzij dit noodzakelijk is in het kader van de uitvoering
van de overeenkomst ... of tenzij dit een wettelijke verplichting is."
Append-only like the ledger; the client sees their own rows in the portal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models.append_only import AppendOnlyModel, AppendOnlyQuerySet
from refleact.crypto.fields import EncryptedCharField, EncryptedTextField
from refleact.crypto.models import EncryptedModel


class Disclosure(AppendOnlyModel, EncryptedModel):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice sent to the organisation")
        REPORT = "report", _("report sent to the organisation")
        INTERVISION = "intervision", _("intervision case (anonymous)")
        LEGAL = "legal", _("disclosure under a legal duty")
        OTHER = "other", _("other")

    class Basis(models.TextChoices):
        AGREEMENT = "agreement", _("needed for the agreement")
        CONSENT = "consent", _("consent")
        LEGAL_OBLIGATION = "legal_obligation", _("legal obligation")
        ANONYMOUS = "anonymous", _("anonymous: no personal data")

    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    recipient = EncryptedCharField(_("recipient"), max_length=200)
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    consent_record = models.ForeignKey(
        "consent.ConsentRecord",
        verbose_name=_("consent receipt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    # refleact.inventory Category values: which kinds of data left the practice.
    categories = models.JSONField(_("categories of data"), default=list)
    note = EncryptedTextField(_("note"), blank=True)
    disclosed_at = models.DateTimeField(_("disclosed at"))
    recorded_at = models.DateTimeField(
        _("recorded at"), default=timezone.now, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-disclosed_at"]
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {str(self.pk)[:8]}"
