"""After a restore: erase again every holder the erasure journal names."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from refleact.erasure.journal import journal_path, journal_rewritten
from refleact.erasure.services import holder_reapply


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

    def handle(self, *args, journal: str | None = None, **options) -> None:
        path = Path(journal) if journal else journal_path()
        if journal and not path.is_file():
            raise CommandError(_("The journal file does not exist."))
        # Per holder, the fields its erasure rewrote in other holders' rows:
        # blanked again on the restored rows.
        entries = journal_rewritten(path)
        holders = sorted(entries, key=str)
        for holder_id in holders:
            holder_reapply(holder_id=holder_id, rewritten=entries[holder_id])
        self.stdout.write(
            _("%(count)s erased holders applied again.") % {"count": len(holders)}
        )
