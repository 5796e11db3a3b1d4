"""Versions of the privacy policy, and which client logins have seen the current one.

Policy: "Refleact behoudt zich het recht voor om wijzigingen aan te brengen in dit
privacybeleid." A version's text is Markdown; once its effective date is reached
it is issued and never changes (a correction is a new version).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Language


class PolicyVersion(models.Model):
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    effective_on = models.DateField(_("effective from"))
    text = models.TextField(_("text (Markdown)"))
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("privacy policy version")
        verbose_name_plural = _("privacy policy versions")
        ordering = ["-effective_on", "-version", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], name="policy_version_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.language})"

    def clean(self) -> None:
        if self.version == 0:
            raise ValidationError({"version": _("Versions are numbered from 1.")})

    def is_issued(self, *, today=None) -> bool:
        """An issued version (its date reached) is fixed: it may be shown as current."""
        return self.effective_on <= (today or timezone.localdate())


class PolicyNotice(models.Model):
    """A client login has a new policy version to see; the e-mail was sent once.

    Created by the policy-change sweep (``consent.tasks.policy_change_notify``):
    one row per login and version, so a second run sends nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.CASCADE,
        related_name="policy_notices",
    )
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Claimed by a conditional UPDATE before the e-mail goes out.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy change notice")
        verbose_name_plural = _("policy change notices")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"], name="policy_notice_once"
            ),
        ]
        indexes = [
            # Serves the sweep's "notices whose e-mail has not gone out".
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="policy_notice_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} v{self.version}"
