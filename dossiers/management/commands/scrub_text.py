"""Scrub coaching notes from a JSONL file, or report how well the scrubbing scores."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refleact.pseudonymiser.score import BadRecord, read_records, scrub_record
from refleact.pseudonymiser.score import report as report_lines


class Command(BaseCommand):
    help = gettext_lazy(
        "Scrub the notes of a JSONL file (one record a line: client, text) and print "
        "each record with 'scrubbed' added; with --report print the scores instead."
    )
    # Reads a file and writes standard output: no database, so no checks of it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help=gettext_lazy("A JSONL file of records."))
        parser.add_argument(
            "--report",
            action="store_true",
            help=gettext_lazy(
                "Print identifiers_removed, keep_kept, notes_per_second and records, "
                "over the records that have identifiers or keep."
            ),
        )

    def handle(self, *args, file, report: bool, **options):
        try:
            records = read_records(file)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s")
                % {"file": file, "reason": error.strerror}
            ) from None
        except BadRecord as error:
            raise CommandError(
                _("%(file)s line %(line)s is not a JSON object.")
                % {"file": file, "line": error.line}
            ) from None
        if report:
            for name, value in report_lines(records).items():
                self.stdout.write(f"{name}: {value}")
            return
        for record in records:
            line = {**record, "scrubbed": scrub_record(record)}
            self.stdout.write(json.dumps(line, ensure_ascii=False))
