"""Carry out the due retention actions of closed trajectories (also daily in beat)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dossiers.retention import retention_sweep


class Command(BaseCommand):
    help = _(
        "Delete or pseudonymise the personal data of trajectories whose grace "
        "period after closing has passed, and remove invoices past their legal "
        "retention."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Print what would happen and change nothing."),
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        would = _("would be ") if dry_run else ""

        def report(pk: int, rule: str, erased: bool) -> None:
            # Ids and rules only: no personal data on the terminal or in a log.
            # Written as the sweep goes, so nothing is collected per trajectory.
            line = _("trajectory %(pk)s: %(would)s%(rule)s") % {
                "pk": pk,
                "would": would,
                "rule": _("pseudonymised") if rule == "pseudonymise" else _("deleted"),
            }
            if erased:
                line += _(", client or organisation %(would)serased") % {"would": would}
            self.stdout.write(line)

        def report_unused(kind: str, pk) -> None:
            line = (
                _("client %(pk)s: %(would)serased, unused")
                if kind == "clients.Client"
                else _("organisation %(pk)s: %(would)serased, unused")
            )
            self.stdout.write(line % {"pk": pk, "would": would})

        summary = retention_sweep(
            dry_run=dry_run, on_processed=report, on_unused=report_unused
        )
        self.stdout.write(
            _(
                "%(count)s trajectories processed, %(held)s held back, "
                "%(invoices)s invoices past retention removed, %(keys)s pending "
                "key destructions completed."
            )
            % {
                "count": summary.processed,
                "held": summary.held,
                "invoices": summary.invoices_removed,
                "keys": summary.keys_destroyed,
            }
        )
        self.stdout.write(
            _("%(count)s unused clients and organisations erased.")
            % {"count": summary.unused_erased}
        )
