"""The erasure journal, the retention log and the holders' pseudonyms.

No row here holds personal data: holder ids (random UUIDs that name no one
without the erased rows), fixed rules, counts per model label.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureJournalEntry(models.Model):
    """One erased holder. Also appended to ERASURE_JOURNAL_PATH, outside backups.

    ``reapply_erasures`` replays it after a restore: destroys the key again,
    deletes every row of the holder and blanks the ``rewritten`` fields of
    other holders' rows.
    """

    holder_id = models.UUIDField(_("holder"), unique=True)
    kind = models.CharField(_("kind"), max_length=64)
    rule = models.CharField(_("rule"), max_length=16)
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    kept = models.JSONField(_("kept"), default=dict, blank=True)
    # The fields of other holders' rows the erasure rewrote to take the holder
    # out (an organisation's training naming them): [model label, pk, field
    # name], never a value. reapply_erasures blanks them on restored rows.
    rewritten = models.JSONField(_("rewritten fields"), default=list, blank=True)
    # Set once the entry's line is in ERASURE_JOURNAL_PATH (after the data
    # commit, before the key goes); a sweep appends it for entries still
    # without it, so a crash between the commit and the append loses no line.
    journal_written_at = models.DateTimeField(_("journal written at"), null=True)
    # Set once the holder's key was destroyed (after the line was appended); a
    # sweep repeats the destruction for entries still without it.
    key_destroyed_at = models.DateTimeField(_("key destroyed at"), null=True)

    class Meta:
        verbose_name = _("erasure journal entry")
        verbose_name_plural = _("erasure journal")
        ordering = ["erased_at", "id"]
        indexes = [
            # Serves keys_destroy_pending: the appends and destructions that
            # did not happen.
            models.Index(
                fields=["erased_at"],
                condition=models.Q(journal_written_at__isnull=True)
                | models.Q(key_destroyed_at__isnull=True),
                name="erasure_pending",
            )
        ]

    def __str__(self) -> str:
        return f"erasure {self.holder_id}"

    def as_line(self) -> dict:
        return {
            "holder_id": str(self.holder_id),
            "kind": self.kind,
            "rule": self.rule,
            "erased_at": self.erased_at.isoformat(),
            "kept": self.kept,
            "rewritten": self.rewritten,
        }


class RetentionLogEntry(models.Model):
    """What the retention sweep did with one trajectory, and under which rule."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    trajectory_id = models.UUIDField(_("trajectory"), db_index=True)
    rule = models.CharField(_("rule"), max_length=16)
    holder_erased = models.BooleanField(_("client or organisation erased"))
    removed = models.JSONField(_("removed"), default=dict, blank=True)
    kept = models.JSONField(_("kept"), default=dict, blank=True)

    class Meta:
        verbose_name = _("retention log entry")
        verbose_name_plural = _("retention log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"retention {self.trajectory_id} {self.rule}"


def new_pseudonym() -> str:
    # Random, never derived from the client's data.
    return "Cliënt " + secrets.token_hex(2).upper()


class HolderPseudonym(models.Model):
    """The pseudonym of a holder's knowledge content, stable until it is erased."""

    holder_id = models.UUIDField(unique=True)
    pseudonym = models.CharField(max_length=32, default=new_pseudonym)

    class Meta:
        verbose_name = _("pseudonym")
        verbose_name_plural = _("pseudonyms")

    def __str__(self) -> str:
        return self.pseudonym
