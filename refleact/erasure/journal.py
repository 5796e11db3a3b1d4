"""The erasure journal: a table in the data database and a file outside it.

The file (ERASURE_JOURNAL_PATH, one JSON object a line) lives outside every
database and backup set, so that after a restore ``reapply_erasures`` still knows
whom to erase again. Lines hold holder ids, rules and counts: no personal data.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings


def journal_path() -> Path:
    return Path(settings.ERASURE_JOURNAL_PATH)


def journal_append(line: dict) -> None:
    """Append one entry to the journal file and flush it to disk."""
    path = journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def journal_line_holder(raw: bytes | str) -> uuid.UUID | None:
    """The holder id of one journal line, or None for a damaged line."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return uuid.UUID(json.loads(text)["holder_id"])
    except (ValueError, KeyError, TypeError, AttributeError):
        # UnicodeDecodeError and json.JSONDecodeError are ValueErrors.
        return None


def journal_file_read(path: Path | None = None) -> tuple[list[uuid.UUID], int]:
    """Return the holder ids in the journal file and the number of damaged lines.

    A damaged line (not UTF-8, not JSON, no holder id) is skipped and counted;
    blank lines are neither. A file that cannot be read at all raises OSError.
    """
    path = path or journal_path()
    if not path.exists():
        return [], 0
    holders: list[uuid.UUID] = []
    damaged = 0
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            holder = journal_line_holder(line)
            if holder is None:
                damaged += 1
            else:
                holders.append(holder)
    return holders, damaged


def journal_file_holders(path: Path | None = None) -> Iterator[uuid.UUID]:
    """Yield the holder ids in the journal file; a damaged line is skipped."""
    yield from journal_file_read(path)[0]


def journal_holders(path: Path | None = None) -> set[uuid.UUID]:
    """Return every erased holder id: the file and the table, merged."""
    from refleact.erasure.models import ErasureJournalEntry

    holders = set(journal_file_holders(path))
    holders.update(ErasureJournalEntry.objects.values_list("holder_id", flat=True))
    return holders
