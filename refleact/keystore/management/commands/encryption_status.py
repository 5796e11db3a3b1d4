from django.core.management.base import BaseCommand, CommandError

from refleact.crypto.unopenable import Cause, Unopenable
from refleact.erasure.survivors import erased_holders_present
from refleact.keystore import services

_CAUSES = {
    Cause.KEY_MISSING: "key missing (the key store may be damaged; restoring it "
    "from a backup may repair the value)",
    Cause.ALTERED: "altered (the stored value was changed outside the application)",
}


class Command(BaseCommand):
    help = (
        "Show which master keys are in use, how many data keys each wraps, the number "
        "of tombstones, and which stored values fail to open and why (their places, "
        "never the values)."
    )
    # A diagnosis tool: it must run exactly when the "refleact_keys" check fails.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-verify", action="store_true", help="Skip opening every stored value."
        )

    def handle(self, *args, no_verify, **options):
        status = services.encryption_status(verify=False)
        for position, (key_id, count) in enumerate(status.keys_per_master.items()):
            role = "newest, wraps new keys" if position == 0 else "older, unwraps only"
            self.stdout.write(f"master key {key_id} ({role}): {count} data keys")
        for key_id, count in sorted(status.unknown_masters.items()):
            self.stdout.write(
                f"master key {key_id} (NOT CONFIGURED): {count} data keys"
            )
        self.stdout.write(f"tombstones: {status.tombstones}")
        survivors = self._erased_present()
        if no_verify:
            if survivors:
                raise CommandError(self._SURVIVORS)
            return
        # Each damaged value as it is found: a table of them is never held.
        services.values_verify(status=status, on_unopenable=self._report)
        self.stdout.write(f"values checked: {status.values_checked}")
        self.stdout.write(f"values erased: {sum(status.erased.values())}")
        failed = sum(status.failures.values())
        causes = ", ".join(
            f"{cause}: {status.causes[cause]}"
            for cause in Cause
            if status.causes[cause]
        )
        self.stdout.write(
            f"values failing to open: {failed}" + (f" ({causes})" if causes else "")
        )
        for place, count in sorted(status.failures.items()):
            self.stdout.write(f"  {place}: {count}")
        if failed or status.unknown_masters:
            raise CommandError("Some encrypted values cannot be opened.")
        if survivors:
            raise CommandError(self._SURVIVORS)

    _SURVIVORS = (
        "Holders the erasure journal says are erased still have keys or rows "
        "(a restore?): run manage.py reapply_erasures."
    )

    def _erased_present(self) -> int:
        """Warn, by holder id only, for each journalled holder that still exists."""
        found = erased_holders_present()
        for holder_id, what in sorted(found.items(), key=lambda item: str(item[0])):
            self.stdout.write(
                f"WARNING: erased holder {holder_id} still has: {', '.join(what)}"
            )
        return len(found)

    def _report(self, marker: Unopenable) -> None:
        self.stdout.write(f"cannot be opened: {marker.place}: {_CAUSES[marker.cause]}")
