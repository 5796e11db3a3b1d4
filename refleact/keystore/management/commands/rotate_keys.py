from django.core.management.base import BaseCommand, CommandError

from refleact.crypto import masterkeys
from refleact.keystore import services


class Command(BaseCommand):
    help = (
        "Re-wrap every data key under the newest master key (the first of "
        "FIELD_ENCRYPTION_KEYS). Rewrites no data rows; safe to interrupt and rerun."
    )
    # Its own checks: the "refleact_keys" check would refuse to run while keys under
    # a master key missing from the configuration exist, yet the others can rotate.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Stop after this many keys (a later run continues).",
        )

    def handle(self, *args, batch_size, limit, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        newest = masterkeys.newest()
        result = services.keys_rotate(batch_size=batch_size, limit=limit)
        self.stdout.write(
            f"Re-wrapped {result.rewrapped} data keys under master key {newest.id}."
        )
        self.stdout.write(
            f"Data keys still on other master keys: {services.keys_left_to_rotate()}."
        )
        if result.failed:
            for key_id in result.failed:
                self.stderr.write(f"data key {key_id} fails to unwrap; left as it was")
            raise CommandError(f"{len(result.failed)} data keys failed to unwrap.")
