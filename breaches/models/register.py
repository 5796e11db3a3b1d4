"""A data breach as the Autoriteit Persoonsgegevens' notification form asks for it.

Policy ("Datalek"): "Zo spoedig mogelijk, doch uiterlijk binnen 48 uur nadat
Refleact kennisneemt van een datalek ... stelt Refleact de cliënten ... hiervan op
de hoogte". GDPR art. 33(5): every breach is documented, notified or not.

Free text is sealed with the practice key: it describes the breach, never a
client, but a typed text may hold a name by mistake, and the reporter's contact
details are a staff member's personal data.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from refleact.crypto.fields import (
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedTextField,
)
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.crypto.models import EncryptedModel, HolderIdField

# Policy: "uiterlijk binnen 48 uur"; GDPR art. 33(1): "not later than 72 hours".
CLIENT_DEADLINE = timedelta(hours=48)
AP_DEADLINE = timedelta(hours=72)
# Issue 13: a breach still lacking a decision, a selection or sends by now escalates.
ESCALATE_AFTER = timedelta(hours=24)


class Nature(models.TextChoices):
    READ = "read", _("read by someone not entitled to")
    COPIED = "copied", _("copied")
    CHANGED = "changed", _("changed")
    DELETED = "deleted", _("deleted or destroyed")
    LOST = "lost", _("lost")
    STOLEN = "stolen", _("stolen")
    OTHER = "other", _("other")


class DataCategory(models.TextChoices):
    IDENTIFICATION = "identification", _("names")
    CONTACT = "contact", _("contact details (e-mail, phone)")
    CONTENT = "content", _("dossier content and progress notes")
    EVALUATION = "evaluation", _("evaluations")
    FINANCIAL = "financial", _("invoices and billing data")
    LOGIN = "login", _("login details")


class Consequence(models.TextChoices):
    PHYSICAL = "physical", _("physical")
    MATERIAL = "material", _("material")
    NON_MATERIAL = "non_material", _("non-material")


class Decision(models.TextChoices):
    UNDECIDED = "", _("not decided yet")
    NOTIFY = "notify", _("notify")
    DO_NOT_NOTIFY = "do_not_notify", _("do not notify")


class NotToldReason(models.TextChoices):
    NONE = "", _("-")
    UNINTELLIGIBLE = "unintelligible", _("the data were unintelligible (encrypted)")
    RISK_REMOVED = "risk_removed", _("the risk was removed by measures taken")
    PUBLIC_NOTICE = (
        "public_notice",
        _("disproportionate effort: a public notice instead"),
    )
    OTHER = "other", _("other (see the reasoning)")


class Breach(EncryptedModel):
    """One data breach, from awareness to its last report."""

    holder_id = HolderIdField(default=PRACTICE_HOLDER_ID)
    # Awareness: both clocks start here (policy: "nadat Refleact kennisneemt").
    discovered_at = models.DateTimeField(_("discovered at"))
    discovered_how = EncryptedTextField(_("how it was discovered"))
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    ongoing = models.BooleanField(_("still ongoing"), default=False)
    summary = EncryptedTextField(_("what happened"))
    nature = models.JSONField(_("nature"), default=list, blank=True)
    loss_of_confidentiality = models.BooleanField(
        _("loss of confidentiality"), default=False
    )
    loss_of_integrity = models.BooleanField(_("loss of integrity"), default=False)
    loss_of_availability = models.BooleanField(_("loss of availability"), default=False)
    data_categories = models.JSONField(_("data affected"), default=list, blank=True)
    special_categories = models.BooleanField(
        _("special categories of data involved"), default=False
    )
    special_categories_note = EncryptedTextField(
        _("special categories: which"), blank=True
    )
    people_min = models.PositiveIntegerField(
        _("people, at least"), null=True, blank=True
    )
    people_max = models.PositiveIntegerField(
        _("people, at most"), null=True, blank=True
    )
    records_min = models.PositiveIntegerField(
        _("records, at least"), null=True, blank=True
    )
    records_max = models.PositiveIntegerField(
        _("records, at most"), null=True, blank=True
    )
    systems_affected = EncryptedTextField(_("systems affected"), blank=True)
    trajectory_kinds = models.JSONField(
        _("trajectories affected (kinds)"), default=list, blank=True
    )
    measures_before = EncryptedTextField(_("measures in place beforehand"), blank=True)
    # Written by breach_record from the key store's state: counts and key ids,
    # never a value (a fact, not a guess).
    encryption_fact = models.TextField(_("encryption at discovery"), editable=False)
    consequences_established = EncryptedTextField(
        _("consequences established"), blank=True
    )
    consequences_expected = EncryptedTextField(_("consequences expected"), blank=True)
    consequence_kinds = models.JSONField(
        _("kinds of consequence"), default=list, blank=True
    )
    measures_taken = EncryptedTextField(_("measures taken"), blank=True)
    measures_planned = EncryptedTextField(_("measures planned"), blank=True)
    # The one e-mail with content: the practice's general description, checked
    # against every client's known data before anything is sent (breaches/check.py).
    notice_text = EncryptedTextField(
        _("notice to clients (Dutch)"),
        blank=True,
        help_text=_(
            "The nature of the breach, the data affected, the consequences and the "
            "measures, in general terms. Never a name or other personal data."
        ),
    )
    notice_text_en = EncryptedTextField(
        _("notice to clients (English)"),
        blank=True,
        help_text=_("For clients who prefer English; empty: the Dutch text."),
    )
    not_told_reason = models.CharField(
        _("if clients are not told: why"),
        max_length=24,
        choices=NotToldReason.choices,
        blank=True,
    )
    cross_border = models.BooleanField(_("cross-border aspects"), default=False)
    cross_border_note = EncryptedTextField(_("cross-border: which"), blank=True)
    reporter_name = EncryptedCharField(_("reporter's name"), max_length=200)
    reporter_role = EncryptedCharField(_("reporter's role"), max_length=200)
    reporter_email = EncryptedEmailField(_("reporter's e-mail"))
    reporter_phone = EncryptedCharField(
        _("reporter's phone"), max_length=20, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(
        _("recorded at"), default=timezone.now, editable=False
    )
    # The owner's decision (issue 13, point 2), with its reasoning.
    ap_decision = models.CharField(
        _("report to the AP"),
        max_length=16,
        choices=Decision.choices,
        blank=True,
        editable=False,
    )
    clients_decision = models.CharField(
        _("notify clients"),
        max_length=16,
        choices=Decision.choices,
        blank=True,
        editable=False,
    )
    decision_reasoning = EncryptedTextField(
        _("reasoning of the decision"), blank=True, editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(
        _("decided at"), null=True, blank=True, editable=False
    )
    # The owner's go for the notices, after the text passed the check.
    notices_released_at = models.DateTimeField(
        _("notices released at"), null=True, blank=True, editable=False
    )
    notices_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notices released by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Set by the escalation sweep in the same UPDATE that claims the alert, so
    # the alert goes out once (breaches/escalation.py).
    escalated_at = models.DateTimeField(
        _("escalated at"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("data breach")
        verbose_name_plural = _("data breaches")
        ordering = ["-discovered_at"]
        indexes = [
            # Serves the escalation sweep and the dashboard: open breaches only.
            models.Index(
                fields=["discovered_at"],
                name="breach_open_discovered",
                condition=models.Q(closed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        # No personal data: the kind and the moment of awareness.
        when = date_format(timezone.localtime(self.discovered_at), "DATETIME_FORMAT")
        return str(_("Data breach of %(when)s") % {"when": when})

    @property
    def reference(self) -> str:
        return f"DL-{str(self.pk)[:8].upper()}"

    @property
    def client_deadline(self):
        return self.discovered_at + CLIENT_DEADLINE

    @property
    def ap_deadline(self):
        return self.discovered_at + AP_DEADLINE

    @property
    def is_decided(self) -> bool:
        return bool(self.ap_decision and self.clients_decision)


class RiskAssessment(EncryptedModel):
    """One ENISA severity assessment; a newer version supersedes it, both kept."""

    class Band(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        VERY_HIGH = "very_high", _("very high")

    holder_id = HolderIdField(default=PRACTICE_HOLDER_ID)
    breach = models.ForeignKey(
        Breach, on_delete=models.PROTECT, related_name="assessments"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    dpc = models.DecimalField(
        _("data processing context (1-4)"), max_digits=3, decimal_places=2
    )
    ei = models.DecimalField(
        _("ease of identification (0.25-1)"), max_digits=3, decimal_places=2
    )
    cb_confidentiality = models.DecimalField(
        _("circumstance: loss of confidentiality"), max_digits=3, decimal_places=2
    )
    cb_integrity = models.DecimalField(
        _("circumstance: loss of integrity"), max_digits=3, decimal_places=2
    )
    cb_availability = models.DecimalField(
        _("circumstance: loss of availability"), max_digits=3, decimal_places=2
    )
    cb_malicious = models.DecimalField(
        _("circumstance: malicious intent"), max_digits=3, decimal_places=2
    )
    score = models.DecimalField(_("severity"), max_digits=4, decimal_places=2)
    band = models.CharField(_("band"), max_length=12, choices=Band.choices)
    proposes_ap = models.BooleanField(_("proposes: report to the AP"))
    proposes_clients = models.BooleanField(_("proposes: notify clients"))
    reasoning = EncryptedTextField(_("reasoning"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["breach", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["breach", "version"], name="assessment_version_once"
            )
        ]

    def __str__(self) -> str:
        return str(_("Assessment %(version)s") % {"version": self.version})


class ApReport(EncryptedModel):
    """A report to the Autoriteit Persoonsgegevens: the first, then follow-ups."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("initial report")
        COMPLEMENTARY = "complementary", _("complementary report")
        WITHDRAWN = "withdrawn", _("withdrawal")

    holder_id = HolderIdField(default=PRACTICE_HOLDER_ID)
    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reported_at = models.DateTimeField(_("reported at"))
    ap_reference = models.CharField(_("AP reference number"), max_length=64, blank=True)
    note = EncryptedTextField(_("what was reported"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("report to the AP")
        verbose_name_plural = _("reports to the AP")
        ordering = ["breach", "reported_at"]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.reported_at), "DATETIME_FORMAT")
        return f"{self.get_kind_display()} {when}"
