from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refleact.crypto import blind


class Command(BaseCommand):
    help = gettext_lazy(
        "Write the blind-index digests of every row into the key store, remove "
        "those of rows that are gone, and record each index's definition. migrate "
        "runs it for the indexes whose definition changed; run it by hand after "
        "changing BLIND_INDEX_KEY or when the check keystore.E005 asks. Safe to run "
        "again at any time."
    )
    # It is what the check keystore.E005 asks for: that error must not stop it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        for model in apps.get_models():
            if not blind.index_fields(model):
                continue
            rows, removed = blind.indexes_rebuild(model, batch=batch_size)
            self.stdout.write(
                _("%(model)s: %(rows)d rows indexed, %(removed)d stale entries removed")
                % {"model": model._meta.label, "rows": rows, "removed": removed}
            )
