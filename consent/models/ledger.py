"""Purposes, per-occasion requests and the consent ledger.

After the Kantara Consent Receipt and ISO/IEC TS 27560: each record says who
(the client, as key holder), what (purpose, occasion, the digest of the exact
material shown), under which policy version, when it was decided and recorded,
how, by whom, and in which language. Records are never changed or deleted
(``append_only``); the current state is the latest decision per client, purpose
and occasion (``consent.selectors.consent_state``).
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Language
from consent.models.append_only import AppendOnlyModel, AppendOnlyQuerySet
from refleact.crypto.fields import EncryptedCharField, EncryptedTextField
from refleact.crypto.models import EncryptedModel
from refleact.inventory.declarations import declarations

# The purposes the policy itself names. Their rows are made on first use
# (consent.selectors.purpose_get), so code never depends on the data migration's
# rows still being there (a test database flushed between tests has none).
CONTACT_AFTER = "contact-after"  # Policy: "naam en mailadres ... na afloop"
PR_PUBLICATION = "pr-publication"  # Policy: "PR en publicatiedoeleinden"

BUILT_IN_PURPOSES = {
    CONTACT_AFTER: {
        "name": "contact after the trajectory",
        "per_occasion": False,
        "fields": [
            "clients.Client.first_name",
            "clients.Client.last_name",
            "clients.Client.email",
        ],
    },
    PR_PUBLICATION: {
        "name": "PR and publication",
        "per_occasion": True,
        "fields": ["consent.Occasion.medium", "consent.Occasion.material"],
    },
}

BUILT_IN_NAMES = {
    CONTACT_AFTER: _("contact after the trajectory"),
    PR_PUBLICATION: _("PR and publication"),
}
BUILT_IN_DESCRIPTIONS = {
    CONTACT_AFTER: _(
        "Keep the client's name and e-mail address once all their trajectories "
        "have closed, to stay in touch."
    ),
    PR_PUBLICATION: _(
        "Use a testimonial, an opinion, a company logo or a case description in "
        "a named publication or medium, asked for each occasion with the exact "
        "material."
    ),
}


def material_digest(material: str) -> str:
    """Return the SHA-256 (hex) of the exact material shown, as UTF-8."""
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class Purpose(models.Model):
    """What a consent is for. Each purpose names the inventory fields it covers."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    per_occasion = models.BooleanField(
        _("asked per occasion"),
        default=False,
        help_text=_("Asked again for each use, with the exact material."),
    )
    # "app_label.Model.field" of declared inventory fields (refleact.inventory).
    fields = models.JSONField(_("inventory fields covered"), default=list)
    built_in = models.BooleanField(_("named by the policy"), default=False)
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )

    class Meta:
        verbose_name = _("consent purpose")
        verbose_name_plural = _("consent purposes")
        ordering = ["-built_in", "name"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        """The name in the reader's language for the policy's own purposes."""
        return BUILT_IN_NAMES.get(self.key, self.name)

    @property
    def explanation(self):
        return BUILT_IN_DESCRIPTIONS.get(self.key, self.description)

    def clean(self) -> None:
        declared = {f"{d.model}.{d.field}".lower() for d in declarations()}
        if not isinstance(self.fields, list) or not self.fields:
            raise ValidationError(
                {"fields": _("Name the inventory fields this purpose covers.")}
            )
        unknown = [
            str(f)
            for f in self.fields
            if not isinstance(f, str) or f.lower() not in declared
        ]
        if unknown:
            raise ValidationError(
                {
                    "fields": _("Not a declared inventory field: %(fields)s")
                    % {"fields": ", ".join(unknown)}
                }
            )


class Occasion(AppendOnlyModel, EncryptedModel):
    """One request to use material for PR or publication: what, where, the material.

    Fixed once created: the client decides on exactly this material, whose digest
    each decision records.
    """

    class What(models.TextChoices):
        TESTIMONIAL = "testimonial", _("testimonial")
        OPINION = "opinion", _("opinion")
        LOGO = "logo", _("company logo")
        CASE = "case", _("case description")

    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="consent_occasions",
    )
    purpose = models.ForeignKey(
        Purpose,
        verbose_name=_("purpose"),
        on_delete=models.PROTECT,
        related_name="occasions",
    )
    what = models.CharField(_("what"), max_length=16, choices=What.choices)
    medium = EncryptedCharField(
        _("where"), max_length=200, help_text=_("The publication or medium.")
    )
    material = EncryptedTextField(
        _("material"), help_text=_("The exact text or material to be published.")
    )
    material_digest = models.CharField(
        _("material digest (SHA-256)"), max_length=64, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("PR request")
        verbose_name_plural = _("PR requests")
        ordering = ["-created_at"]
        base_manager_name = "objects"

    def __str__(self) -> str:
        # Ids and choices only: the medium and material are the client's data.
        return f"{self.get_what_display()} {str(self.pk)[:8]}"


class ConsentRecord(AppendOnlyModel, EncryptedModel):
    """One event in the consent ledger. Never changed, never deleted by the app."""

    class Decision(models.TextChoices):
        GIVEN = "given", _("given")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")
        # Events the system writes.
        REQUESTED = "requested", _("requested")
        EXPIRED = "expired", _("expired")

    class Method(models.TextChoices):
        PORTAL = "portal", _("portal click")
        EMAIL_REPLY = "email_reply", _("e-mail reply")
        EVALUATION_FORM = "evaluation_form", _("evaluation form")
        COACH = "coach", _("recorded by the coach")
        SYSTEM = "system", _("written by the system")

    class Stage(models.TextChoices):
        # When a "requested" event for contact after the trajectory was raised.
        ACTIVATION = "activation", _("trajectory became active")
        CLOSING = "closing", _("trajectory closed")

    receipt_id = models.UUIDField(
        _("receipt id"), default=uuid.uuid4, unique=True, editable=False
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="consent_records",
    )
    purpose = models.ForeignKey(
        Purpose,
        verbose_name=_("purpose"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    occasion = models.ForeignKey(
        Occasion,
        verbose_name=_("occasion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    # The trajectory a "requested" event was raised for: an id, not a foreign key,
    # so deleting a trajectory never has to change the ledger.
    trajectory_ref = models.UUIDField(_("trajectory"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, blank=True
    )
    policy_version = models.PositiveIntegerField(
        _("policy version"), null=True, blank=True
    )
    material_digest = models.CharField(
        _("material digest (SHA-256)"), max_length=64, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence_note = EncryptedTextField(
        _("evidence"),
        blank=True,
        help_text=_("How the client gave this answer, e.g. a signed form or call."),
    )
    language = models.CharField(
        _("language shown"), max_length=2, choices=Language.choices
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-decided_at"]
        base_manager_name = "objects"
        indexes = [
            # Serves consent_state: the latest event per client, purpose, occasion.
            models.Index(
                fields=["client", "purpose", "occasion", "-decided_at"],
                name="consent_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.receipt_id}"
