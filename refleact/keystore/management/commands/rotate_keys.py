from django.core.management.base import BaseCommand

from refleact.crypto import masterkeys
from refleact.keystore import services


class Command(BaseCommand):
    help = (
        "Re-wrap every data key under the newest master key (the first of "
        "FIELD_ENCRYPTION_KEYS). Rewrites no data rows; safe to interrupt and rerun."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Stop after this many keys (for testing).",
        )

    def handle(self, *args, batch_size, limit, **options):
        if batch_size < 1:
            from django.core.management.base import CommandError

            raise CommandError("--batch-size must be at least 1")
        newest = masterkeys.newest()
        done = services.keys_rotate(batch_size=batch_size, limit=limit)
        left = (
            services.DataKey.objects.using("keystore")
            .exclude(master_key_id=newest.id)
            .count()
        )
        self.stdout.write(f"Re-wrapped {done} data keys under master key {newest.id}.")
        self.stdout.write(f"Data keys still on older master keys: {left}.")
