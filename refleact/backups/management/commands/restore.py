"""Restore a backup; always re-apply the erasures of the newest journal."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from refleact.backups.services import DATA, KEYS, RestorePlan, restore_run


class Command(BaseCommand):
    help = (
        "Restore the backup in DIR into the databases of DATABASE_URL and "
        "KEYSTORE_DATABASE_URL (replacing what they hold) and SEALED_FILES_DIR, "
        "migrate both, then re-apply every erasure of the newest journal "
        "(ERASURE_JOURNAL_PATH, --journal and the backup's copy, merged) and "
        "verify with encryption_status. Exit 2: refused, nothing changed; 1: "
        "failed; 3: restored, but the verification reports a problem."
    )
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", metavar="DIR")
        only = parser.add_mutually_exclusive_group()
        only.add_argument(
            "--data-only", action="store_true", help="Restore only the data set."
        )
        only.add_argument(
            "--keys-only", action="store_true", help="Restore only the key store."
        )
        parser.add_argument(
            "--journal",
            metavar="PATH",
            help="A further erasure journal file to merge with ERASURE_JOURNAL_PATH.",
        )

    def handle(
        self, *args, directory, data_only, keys_only, journal, **options
    ) -> None:
        sets = (DATA,) if data_only else (KEYS,) if keys_only else (DATA, KEYS)
        plan = RestorePlan(
            directory=Path(directory),
            sets=sets,
            journal=Path(journal) if journal else None,
        )
        restore_run(plan=plan, say=self.stdout.write)
