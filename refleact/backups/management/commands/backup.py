"""Back up the data, the key store, the sealed files and the erasure journal."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from refleact.backups.services import DATA, KEYS, backup_take


class Command(BaseCommand):
    help = (
        "Write a backup into DIR: data/ (the data database and the sealed files), "
        "keys/ (the key store, kept for a shorter time), journal/ (a copy of the "
        "erasure journal) and MANIFEST (checksums). See docs/operations.md."
    )
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", metavar="DIR")
        only = parser.add_mutually_exclusive_group()
        only.add_argument("--data-only", action="store_true", help="Only data/.")
        only.add_argument("--keys-only", action="store_true", help="Only keys/.")

    def handle(self, *args, directory, data_only, keys_only, **options) -> None:
        sets = (DATA,) if data_only else (KEYS,) if keys_only else (DATA, KEYS)
        backup_take(directory=Path(directory), sets=sets, say=self.stdout.write)
