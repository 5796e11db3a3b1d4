"""After a restore: erase again every holder the erasure journal names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from refleact.erasure.journal import (
    journal_erasures,
    journal_file_holders,
    journal_path,
)
from refleact.erasure.services import holder_reapply, rewritten_blank


def taken_at_parse(value: str) -> dt.datetime:
    """The restored data backup's time (MANIFEST taken_at); without an offset,
    in TIME_ZONE."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--data-taken-at: not an ISO 8601 time, e.g. 2026-12-02T09:00:00+00:00.")
        ) from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = _(
        "After restoring a backup: destroy again the key of every holder in the "
        "erasure journal (file and table, merged) and delete all their rows."
    )
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--journal",
            help=_("The journal file (default: ERASURE_JOURNAL_PATH)."),
        )
        parser.add_argument(
            "--data-taken-at",
            help=_(
                "When the restored data backup was taken (its MANIFEST taken_at, "
                "ISO 8601): the fields an erasure after that time rewrote in "
                "other holders' rows are blanked. Without it nothing is blanked: "
                "the fields are listed for review."
            ),
        )

    def handle(
        self,
        *args,
        journal: str | None = None,
        data_taken_at: str | None = None,
        **options,
    ) -> None:
        path = Path(journal) if journal else journal_path()
        if journal and not path.is_file():
            raise CommandError(_("The journal file does not exist."))
        taken_at = taken_at_parse(data_taken_at) if data_taken_at else None
        # Per holder, the fields its erasure rewrote in other holders' rows and
        # its erasure time: blanked again only on rows restored from before it.
        entries = journal_erasures(path)
        # The holders whose line the live file holds: the others get theirs back.
        journalled = set(journal_file_holders())
        holders = sorted(entries, key=str)
        blanked = 0
        review: dict = {}
        for holder_id in holders:
            entry = entries[holder_id]
            blank = (
                taken_at is not None
                and entry.erased_at is not None
                and entry.erased_at > taken_at
            )
            erasure = holder_reapply(
                holder_id=holder_id,
                rewritten=entry.rewritten,
                blank=blank,
                erased_at=entry.erased_at,
                journalled=journalled,
            )
            blanked += len(erasure.rewritten)
            if not blank and (taken_at is None or entry.erased_at is None):
                fields = rewritten_blank(entry.rewritten, save=False)
                if fields:
                    review[holder_id] = fields
        self.stdout.write(
            _("%(count)s erased holders applied again.") % {"count": len(holders)}
        )
        if blanked:
            self.stdout.write(
                _(
                    "%(count)s fields blanked that erasures after the restored "
                    "data backup had rewritten."
                )
                % {"count": blanked}
            )
        for holder_id, fields in review.items():
            self.stdout.write(
                _(
                    "Holder %(holder)s: fields its erasure rewrote that may name "
                    "it again (not blanked; review them):"
                )
                % {"holder": holder_id}
            )
            for label, pk, name in fields:
                self.stdout.write(f"  {label} {pk} {name}")
        if review and taken_at is None:
            self.stdout.write(
                _(
                    "Nothing was blanked. If the restored data backup was taken "
                    "before these erasures, run again with --data-taken-at TIME "
                    "(the backup's MANIFEST taken_at) to blank them."
                )
            )
