"""Clients and organisations: the policy's minimal data set, and nothing else.

Policy: "naam, achternaam en Contactinformatie: e-mail, telefoonnummer". No
address, no date of birth: billing addresses are entered on the invoice itself.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refleact.crypto.blind import BlindIndexField
from refleact.crypto.fields import (
    ERASED,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedTextField,
)
from refleact.crypto.models import EncryptedModel, HolderIdField

# Sized for a practice of up to 10,000 clients and a platform of up to 1,000,000
# (issue 16), by CipherSweet's C = R / 2^bits, the rows expected to share a
# digest, aiming for 2 <= C < sqrt(R):
#   e-mail (R = clients):      R = 10,000: C = 2.4;  R = 1,000,000: C = 244 (< 1,000)
#   name tokens (R ~ 2.5/client): 10,000: C = 6.1;   1,000,000: C = 610 (< 1,581)
# 12 bits hold 2 <= C < sqrt(R) for e-mail from 8,192 to 16.7 million rows. An
# exact lookup opens about C + 1 candidates (8 bits: 40 at 10,000, 3,900 at
# 1,000,000). What the digests leak, and the rebuild after a change of bits:
# refleact/crypto/README.md, "Sizing".
BLIND_INDEX_BITS = 12


class Language(models.TextChoices):
    DUTCH = "nl", "Nederlands"
    ENGLISH = "en", "English"


class Organisation(EncryptedModel):
    """A company or institution that contracts Refleact; a key holder of its own."""

    holder_id = HolderIdField(default=uuid.uuid4)
    name = EncryptedCharField(_("name"), max_length=200)
    name_index = BlindIndexField(
        source="name", kind=BlindIndexField.TOKENS, bits=BLIND_INDEX_BITS
    )
    # Billing details needed for invoices (copied onto each invoice when issued).
    billing_name = EncryptedCharField(_("billing name"), max_length=200, blank=True)
    billing_address = EncryptedTextField(_("billing address"), blank=True)
    billing_email = EncryptedEmailField(_("billing e-mail"), blank=True)
    billing_reference = EncryptedCharField(
        _("purchase order or reference"), max_length=100, blank=True
    )
    # Organisations have no coach of their own: a coach sees those of their
    # clients and trajectories, and the ones they created (before first use).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return str(self.name)


class Client(EncryptedModel):
    """A private person, an organisation's contact person, or a training participant."""

    class Kind(models.TextChoices):
        PRIVATE = "private", _("private person")
        CONTACT = "contact", _("contact person of an organisation")
        PARTICIPANT = "participant", _("training participant")

    holder_id = HolderIdField(default=uuid.uuid4)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.PRIVATE
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
    )
    first_name = EncryptedCharField(_("first name"), max_length=100)
    last_name = EncryptedCharField(_("last name"), max_length=150)
    email = EncryptedEmailField(_("e-mail"))
    phone = EncryptedCharField(
        _("phone"), max_length=20, blank=True, help_text=_("For example 06 12345678.")
    )
    language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=Language.choices,
        default=Language.DUTCH,
    )
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coaches"),
        related_name="clients",
        blank=True,
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    # One client per e-mail: checked by opening candidates under a lock, not by a
    # unique constraint on the (deliberately colliding) truncated index.
    email_index = BlindIndexField(
        source="email", unique_plaintext=True, bits=BLIND_INDEX_BITS
    )
    name_index = BlindIndexField(
        source=("first_name", "last_name"),
        kind=BlindIndexField.TOKENS,
        bits=BLIND_INDEX_BITS,
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Sortable without opening values; moved forward by services on any new work.
    last_activity_at = models.DateTimeField(
        _("last activity"), default=timezone.now, db_index=True, editable=False
    )

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["-last_activity_at"]

    def clean(self) -> None:
        from clients.phone import phone_normalise

        # Text only: not ERASED, nor the marker of a value that cannot be opened
        # (normalising it would replace the stored value).
        if isinstance(self.phone, str) and self.phone:
            try:
                self.phone = phone_normalise(self.phone)
            except ValidationError as exc:
                raise ValidationError({"phone": exc.messages}) from exc
        if self.kind == self.Kind.CONTACT and self.organisation_id is None:
            raise ValidationError(
                {"organisation": _("A contact person belongs to an organisation.")}
            )

    def __str__(self) -> str:
        if self.first_name is ERASED:
            return str(ERASED)
        return f"{self.first_name} {self.last_name}".strip()
