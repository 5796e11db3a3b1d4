"""Pseudonymised dossier content kept for knowledge building.

Policy: "gepseudonimiseerd wanneer de inhoud ten dienste van kennisopbouw/
professionalisering van de coach wordt gesteld". New rows under the practice
key, written by the retention sweep: no link to the client or the trajectory,
and the month of closing instead of its date. The coach who wrote the content is
kept: the knowledge is theirs to build on ("professionalisering van de coach"),
and the access rule (the coach and the owner) needs it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from refleact.crypto.fields import EncryptedJSONField
from refleact.crypto.filefield import EncryptedFileField
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.crypto.models import EncryptedModel, HolderIdField


class KnowledgeCase(EncryptedModel):
    """One pseudonymised trajectory."""

    holder_id = HolderIdField(default=PRACTICE_HOLDER_ID)
    pseudonym = models.CharField(_("pseudonym"), max_length=32)
    kind = models.CharField(_("kind"), max_length=16)
    closed_in = models.DateField(_("closed in (month)"))
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # No creation time: an exact one equals the sweep's RetentionLogEntry.at and
    # so names the trajectory, and through its audit rows the erased holder. The
    # case keeps the month it closed in, nothing finer.

    class Meta:
        verbose_name = _("knowledge case")
        verbose_name_plural = _("knowledge cases")
        ordering = ["-closed_in", "pseudonym"]

    def __str__(self) -> str:
        return f"{self.pseudonym} ({self.kind})"


class KnowledgeItem(EncryptedModel):
    """One row of the trajectory's content, its kept fields scrubbed.

    ``content`` maps each field the inventory marks for pseudonymisation to its
    scrubbed text, so a field declared later is kept with no change here.
    """

    holder_id = HolderIdField(default=PRACTICE_HOLDER_ID)
    case = models.ForeignKey(
        KnowledgeCase, on_delete=models.CASCADE, related_name="items"
    )
    source = models.CharField(_("source"), max_length=64)
    content = EncryptedJSONField(_("content"), default=dict, blank=True)
    attachment = EncryptedFileField(_("attachment"))

    class Meta:
        verbose_name = _("knowledge item")
        verbose_name_plural = _("knowledge items")
        ordering = ["source", "id"]

    def __str__(self) -> str:
        return self.source
