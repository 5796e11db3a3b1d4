"""Where blind-index digests are stored: the key store, never the data database.

``blind.py`` computes the digests; this module writes, looks up and deletes them
as ``keystore.BlindIndexEntry`` rows (one per digest and row). The order of
writes follows the keys' (refleact/crypto/README.md, "Blind indexes"):

- a row's new digests are committed in the key store before its data
  transaction, so a committed row is always findable; a rolled-back data
  transaction leaves an extra entry, which only makes a row a candidate that
  opening then rejects;
- its digests that no longer apply are deleted after the data transaction has
  committed (a crash in between leaves such a harmless extra too);
- ``keyring.destroy`` deletes every entry of a holder in the transaction that
  destroys its key (``holder_entries_delete``).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count

KEYSTORE = "keystore"
BATCH = 500


def _entry_model():
    # Not imported at module level: the key store's models load after this
    # framework module (keyring does the same).
    from refleact.keystore.models import BlindIndexEntry

    return BlindIndexEntry


def entries_write(rows: Iterable[tuple[str, uuid.UUID, uuid.UUID, set[str]]]) -> None:
    """Commit (index, row id, holder id, digests) in one key-store transaction."""
    entry = _entry_model()
    made = [
        entry(index=index, digest=d, row_id=row_id, holder_id=holder_id)
        for index, row_id, holder_id, digests in rows
        for d in digests
    ]
    if not made:
        return
    with transaction.atomic(using=KEYSTORE):
        entry.objects.using(KEYSTORE).bulk_create(
            made, ignore_conflicts=True, batch_size=BATCH
        )


def stale_delete(index: str, row_id: uuid.UUID, keep: set[str]) -> None:
    """Delete the row's digests of this index other than ``keep``."""
    entries = _entry_model().objects.using(KEYSTORE).filter(index=index, row_id=row_id)
    if keep:
        entries = entries.exclude(digest__in=sorted(keep))
    entries.delete()


def stale_delete_on_commit(
    index: str, row_id: uuid.UUID, keep: set[str], *, using: str
) -> None:
    """Run ``stale_delete`` once the data transaction on ``using`` has committed."""
    transaction.on_commit(
        functools.partial(stale_delete, index, row_id, set(keep)), using=using
    )


def candidate_ids(index: str, digests: list[str]) -> list[uuid.UUID]:
    """Return the ids of the rows holding every one of these digests."""
    if not digests:
        return []
    entries = (
        _entry_model().objects.using(KEYSTORE).filter(index=index, digest__in=digests)
    )
    if len(digests) > 1:
        # One entry per (row, digest): a row with all of them has len(digests).
        entries = (
            entries.values("row_id")
            .annotate(n=Count("digest"))
            .filter(n=len(digests))
            .order_by()
        )
    return list(entries.values_list("row_id", flat=True))


def stored(index: str, row_id: uuid.UUID) -> set[str]:
    """Return the digests the key store holds for one row (checks and tests)."""
    entries = _entry_model().objects.using(KEYSTORE).filter(index=index, row_id=row_id)
    return set(entries.values_list("digest", flat=True))


def rows_other_than(index: str, row_ids: set[uuid.UUID]) -> int:
    """Delete the index's entries of rows not in ``row_ids``; return how many."""
    entries = _entry_model().objects.using(KEYSTORE).filter(index=index)
    gone = {r for r in entries.values_list("row_id", flat=True) if r not in row_ids}
    removed = 0
    ids = sorted(gone)
    for start in range(0, len(ids), BATCH):
        removed += entries.filter(row_id__in=ids[start : start + BATCH]).delete()[0]
    return removed


def holder_entries_delete(holder_id: uuid.UUID) -> int:
    """Delete every entry of a holder. Caller runs it in the key-store transaction
    that destroys the holder's key."""
    deleted, _ = (
        _entry_model().objects.using(KEYSTORE).filter(holder_id=holder_id).delete()
    )
    return deleted


def drop_index_column(table: str, column: str):
    """Return a migration function that drops a blind-index column if it exists.

    The indexes used to be columns of the data tables. A column-less field
    cannot be removed by ``RemoveField`` (it has no column to drop), so the
    migrations that moved them out drop the old column themselves, with the
    SQLite indexes on it first (SQLite refuses to drop an indexed column).
    """

    def run(apps, schema_editor) -> None:
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cursor, table)
            ]
            if column not in columns:
                return
            quote = schema_editor.quote_name
            if connection.vendor == "sqlite":
                cursor.execute(f"PRAGMA index_list({quote(table)})")
                for row in cursor.fetchall():
                    name = row[1]
                    cursor.execute(f"PRAGMA index_info({quote(name)})")
                    if any(info[2] == column for info in cursor.fetchall()):
                        cursor.execute(f"DROP INDEX {quote(name)}")
            cursor.execute(f"ALTER TABLE {quote(table)} DROP COLUMN {quote(column)}")

    return run


def _build_model():
    from refleact.keystore.models import BlindIndexBuild

    return BlindIndexBuild


def built_definitions() -> dict[str, str]:
    """Return each index's recorded definition (what its digests were built with)."""
    return dict(
        _build_model().objects.using(KEYSTORE).values_list("index", "definition")
    )


def built_record(index: str, definition: str) -> None:
    """Record that the index's digests are now those of ``definition``."""
    from django.utils import timezone

    _build_model().objects.using(KEYSTORE).update_or_create(
        index=index, defaults={"definition": definition, "built_at": timezone.now()}
    )


def has_entries(index: str) -> bool:
    return _entry_model().objects.using(KEYSTORE).filter(index=index).exists()


def tables_exist() -> bool:
    """True when the key store holds both tables (``migrate`` has run on it)."""
    from django.db import connections

    connection = connections[KEYSTORE]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    return {_entry_model()._meta.db_table, _build_model()._meta.db_table} <= tables
