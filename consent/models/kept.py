"""What of a client's consent outlives the client, sealed under the practice key.

Policy: "Refleact bewaart graag een naam en mailadres van haar cliënten. Zij vraagt
aan het begin en eind van de begeleiding hiervoor toestemming." When a client is
erased (refleact/erasure/README.md), the fields the inventory declares
``keep_with_consent`` are copied into a ``ContactRecord`` if that consent is
current, with the ledger entries that prove it (``KeptConsentRecord``); PR
material still consented to is kept with its proof (``KeptOccasion``) until it
is withdrawn. All are new rows under ``PRACTICE_HOLDER_ID``: a row's holder
never changes. The owner removes them (``consent.services.contact_record_remove``,
``kept_occasion_remove``), e.g. when the client's withdrawal arrives.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Language
from consent.models.ledger import ConsentRecord, Occasion, Purpose
from refleact.crypto.fields import (
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedTextField,
)
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.crypto.models import EncryptedModel, HolderIdField


class ContactRecord(EncryptedModel):
    """The minimal contact details of an erased client, kept with consent.

    ``values`` maps "<app>.<Model>.<field>" of each field declared
    ``keep_with_consent`` for this purpose to its value, so a field declared
    later is kept with no change here or in the sweep.
    """

    holder_id = HolderIdField(default=PRACTICE_HOLDER_ID)
    purpose = models.ForeignKey(
        Purpose,
        verbose_name=_("purpose"),
        on_delete=models.PROTECT,
        related_name="contact_records",
    )
    values = EncryptedJSONField(_("contact details"), default=dict)
    kept_at = models.DateTimeField(_("kept since"), default=timezone.now)

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        ordering = ["-kept_at"]

    def __str__(self) -> str:
        # An id only: the values are the person's name and e-mail.
        return f"{self._meta.verbose_name} {str(self.pk)[:8]}"


class KeptOccasion(EncryptedModel):
    """A PR request whose material the erased client's consent still covers."""

    holder_id = HolderIdField(default=PRACTICE_HOLDER_ID)
    purpose = models.ForeignKey(
        Purpose,
        verbose_name=_("purpose"),
        on_delete=models.PROTECT,
        related_name="kept_occasions",
    )
    what = models.CharField(_("what"), max_length=16, choices=Occasion.What.choices)
    medium = EncryptedCharField(_("where"), max_length=200)
    material = EncryptedTextField(_("material"))
    material_digest = models.CharField(_("material digest (SHA-256)"), max_length=64)
    created_at = models.DateTimeField(_("created"))
    kept_at = models.DateTimeField(_("kept since"), default=timezone.now)

    class Meta:
        verbose_name = _("kept PR material")
        verbose_name_plural = _("kept PR material")
        ordering = ["-kept_at"]

    def __str__(self) -> str:
        return f"{self.get_what_display()} {str(self.pk)[:8]}"


class KeptConsentRecord(EncryptedModel):
    """A ledger entry re-sealed under the practice key: the proof of what is kept.

    Belongs to exactly one contact record or kept PR request and goes with it.
    """

    holder_id = HolderIdField(default=PRACTICE_HOLDER_ID)
    contact = models.ForeignKey(
        ContactRecord,
        verbose_name=_("contact record"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proof",
    )
    occasion = models.ForeignKey(
        KeptOccasion,
        verbose_name=_("kept PR material"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proof",
    )
    # The receipt the client holds: the same id as the ledger entry it copies.
    receipt_id = models.UUIDField(_("receipt id"), default=uuid.uuid4)
    purpose = models.ForeignKey(
        Purpose,
        verbose_name=_("purpose"),
        on_delete=models.PROTECT,
        related_name="kept_records",
    )
    decision = models.CharField(
        _("decision"), max_length=16, choices=ConsentRecord.Decision.choices
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=ConsentRecord.Stage.choices, blank=True
    )
    policy_version = models.PositiveIntegerField(
        _("policy version"), null=True, blank=True
    )
    material_digest = models.CharField(
        _("material digest (SHA-256)"), max_length=64, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"))
    recorded_at = models.DateTimeField(_("recorded at"))
    method = models.CharField(
        _("how"), max_length=16, choices=ConsentRecord.Method.choices
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence_note = EncryptedTextField(_("evidence"), blank=True)
    language = models.CharField(
        _("language shown"), max_length=2, choices=Language.choices
    )

    class Meta:
        verbose_name = _("kept consent record")
        verbose_name_plural = _("kept consent records")
        ordering = ["decided_at", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                name="kept_record_one_owner",
                condition=(
                    models.Q(contact__isnull=False, occasion__isnull=True)
                    | models.Q(contact__isnull=True, occasion__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.receipt_id}"
