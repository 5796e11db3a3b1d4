"""Blind indexes built with the code's definition: a check, and a rebuild after migrate.

The key store records per index the definition its digests were built with
(``keystore.BlindIndexBuild``, written by ``blind.indexes_rebuild``). When the
code's definition differs (bits, kind, sources or BLIND_INDEX_KEY changed), lookups
compute digests the store does not hold: clients cannot log in by e-mail and
duplicates slip past the uniqueness check. So:

- after ``migrate`` (post_migrate, once both databases have no migration left to
  apply) the stale indexes are rebuilt; with nothing stale that costs one query;
- the check ``keystore.E005`` and /readyz ("blind_indexes") report what is still
  stale, unless a migration is pending (``migrate`` will rebuild then).
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections, router
from django.db.migrations.executor import MigrationExecutor

from refleact.crypto import blind, blindstore

ALIASES = ("default", "keystore")


def migrations_pending() -> bool:
    """True if either database has a migration left to apply."""
    for alias in ALIASES:
        executor = MigrationExecutor(connections[alias])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return True
    return False


def stale() -> list[str]:
    """Return the names of the indexes to rebuild; empty before the key store is migrated."""
    if not blindstore.tables_exist():
        return []
    return [field.index_name() for field in blind.stale_indexes()]


@checks.register("refleact_keys")
def check_blind_indexes(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if getattr(settings, "CONFIGURATION_PROBLEMS", None):
        # A missing or malformed BLIND_INDEX_KEY cannot be compared with the
        # builds; the start-up refusal names the problem (Celery's worker runs
        # the checks before it, and a traceback here would hide that message).
        return []
    try:
        names = stale()
        if not names or migrations_pending():
            return []
    except DatabaseError as exc:
        return [
            checks.Warning(
                f"The blind-index builds could not be read: {type(exc).__name__}.",
                id="keystore.W002",
            )
        ]
    return [
        checks.Error(
            f"Blind index {name} was built with another definition (bits, sources or "
            "BLIND_INDEX_KEY) than the code's: lookups by it find nothing.",
            hint="Run `manage.py blind_indexes_rebuild` (migrate does it too).",
            id="keystore.E005",
        )
        for name in names
    ]


def rebuild_after_migrate(sender, using=None, verbosity=1, stdout=None, **kwargs):
    """post_migrate of the key store: rebuild the stale indexes.

    Only after ``migrate --database keystore``, which operations.md runs after
    ``default``: while a test run creates the ``default`` test database, the
    ``keystore`` connection still names the real key store, which this must never
    touch. Skipped while a migration is pending on either database (the rows
    would be read with a schema not yet theirs); E005 then says what to run.
    """
    if using != "keystore":
        return
    try:
        if not blindstore.tables_exist():
            return
        blind.empty_indexes_record()
        if not stale() or migrations_pending():
            return
        for field in blind.stale_indexes():
            connection = connections[router.db_for_write(field.model)]
            with connection.cursor() as cursor:
                tables = connection.introspection.table_names(cursor)
            if field.model._meta.db_table not in tables:
                return
    except DatabaseError:
        return  # the check reports what it cannot read
    rebuilt = blind.stale_indexes_rebuild()
    if rebuilt and verbosity and stdout is not None:
        stdout.write(f"Blind indexes rebuilt: {', '.join(rebuilt)}\n")
