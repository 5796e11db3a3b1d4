"""The erasure journal: a table in the data database and a file outside it.

The file (ERASURE_JOURNAL_PATH, one JSON object a line) lives outside every
database and backup set, so that after a restore ``reapply_erasures`` still knows
whom to erase again. Lines hold holder ids, rules, counts and the fields of
other holders' rows the erasure rewrote (model label, pk, field name; no value):
no personal data. A line from before ``rewritten`` was recorded reads as having
rewritten nothing. Each line carries the erasure's time (``erased_at``):
``reapply_erasures`` blanks the rewritten fields only when the restored data
backup was taken before it (README.md, "Mentions in what others hold").
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings


def journal_path() -> Path:
    return Path(settings.ERASURE_JOURNAL_PATH)


def journal_append(line: dict) -> None:
    """Append one entry to the journal file and flush it to disk.

    A write cut short earlier (a full disk) may have left a fragment without
    its newline: it is ended first, so the fragment reads as one damaged line
    and this entry as a line of its own.
    """
    path = journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(line, sort_keys=True) + "\n").encode("utf-8")
    with path.open("a+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size:
            handle.seek(size - 1)
            if handle.read(1) != b"\n":
                data = b"\n" + data
        handle.write(data)  # append mode: always at the end
        handle.flush()
        os.fsync(handle.fileno())


@dataclass
class Journalled:
    """One erased holder as the journal knows it: the fields its erasure
    rewrote in other holders' rows, and when it was erased (None: unknown)."""

    rewritten: list[list[str]] = field(default_factory=list)
    erased_at: dt.datetime | None = None

    def merge(self, rewritten, erased_at: dt.datetime | None) -> None:
        # The earliest time: the first erasure, the one that rewrote the
        # fields (a rerun or a reapply appends a later line for the same list).
        self.rewritten = rewritten_clean(self.rewritten + rewritten_clean(rewritten))
        if erased_at is not None and (
            self.erased_at is None or erased_at < self.erased_at
        ):
            self.erased_at = erased_at


def _time_parse(value) -> dt.datetime | None:
    """An aware datetime from a line's ``erased_at``, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _line_parse(
    raw: bytes | str,
) -> tuple[uuid.UUID, list[list[str]], dt.datetime | None] | None:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        line = json.loads(text)
        holder = uuid.UUID(line["holder_id"])
    except (ValueError, KeyError, TypeError, AttributeError):
        # UnicodeDecodeError and json.JSONDecodeError are ValueErrors.
        return None
    return (
        holder,
        rewritten_clean(line.get("rewritten")),
        _time_parse(line.get("erased_at")),
    )


def rewritten_clean(items) -> list[list[str]]:
    """The well-formed [model label, pk, field name] items of a rewritten list,
    each once, in order; anything else (an old line has none) is left out."""
    clean: list[list[str]] = []
    if not isinstance(items, list):
        return clean
    seen: set[tuple[str, ...]] = set()
    for item in items:
        if (
            isinstance(item, list | tuple)
            and len(item) == 3
            and all(isinstance(part, str) and part for part in item)
            and tuple(item) not in seen
        ):
            seen.add(tuple(item))
            clean.append(list(item))
    return clean


def journal_line_holder(raw: bytes | str) -> uuid.UUID | None:
    """The holder id of one journal line, or None for a damaged line."""
    parsed = _line_parse(raw)
    return parsed[0] if parsed else None


def _file_lines(
    path: Path | None,
) -> Iterator[tuple[uuid.UUID, list, dt.datetime | None] | None]:
    """Yield each non-blank line of the journal file parsed, None when damaged.

    A file that cannot be read at all raises OSError.
    """
    path = path or journal_path()
    if not path.exists():
        return
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield _line_parse(line)


def journal_file_entries(
    path: Path | None = None,
) -> tuple[dict[uuid.UUID, list[list[str]]], int]:
    """Return, per holder in the journal file, the fields its erasure rewrote
    (its lines merged), and the number of damaged lines.

    A damaged line (not UTF-8, not JSON, no holder id) is skipped and counted;
    blank lines are neither. A file that cannot be read at all raises OSError.
    """
    erasures, damaged = journal_file_erasures(path)
    return {holder: e.rewritten for holder, e in erasures.items()}, damaged


def journal_file_erasures(
    path: Path | None = None,
) -> tuple[dict[uuid.UUID, Journalled], int]:
    """Return, per holder in the journal file, its lines merged (the fields
    its erasure rewrote; the earliest erasure time), and the number of
    damaged lines. A file that cannot be read at all raises OSError."""
    entries: dict[uuid.UUID, Journalled] = {}
    damaged = 0
    for parsed in _file_lines(path):
        if parsed is None:
            damaged += 1
            continue
        holder, rewritten, erased_at = parsed
        entries.setdefault(holder, Journalled()).merge(rewritten, erased_at)
    return entries, damaged


def journal_file_read(path: Path | None = None) -> tuple[list[uuid.UUID], int]:
    """Return the holder ids in the journal file and the number of damaged lines.

    A damaged line (not UTF-8, not JSON, no holder id) is skipped and counted;
    blank lines are neither. A file that cannot be read at all raises OSError.
    """
    holders: list[uuid.UUID] = []
    damaged = 0
    for parsed in _file_lines(path):
        if parsed is None:
            damaged += 1
        else:
            holders.append(parsed[0])
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


def journal_rewritten(path: Path | None = None) -> dict[uuid.UUID, list[list[str]]]:
    """Return every erased holder id with the fields its erasure rewrote in
    other holders' rows: the file and the table, merged.

    A restored table from before the erasure lacks the entry: the file's line
    still names the fields. A file line from before the fields were recorded
    names none: the table's entry, if it is there, does.
    """
    return {holder: e.rewritten for holder, e in journal_erasures(path).items()}


def journal_erasures(path: Path | None = None) -> dict[uuid.UUID, Journalled]:
    """Return every erased holder id with the fields its erasure rewrote and
    its erasure time (the earliest the file's lines and the table's entry
    give; None when neither gives one): the file and the table, merged."""
    from refleact.erasure.models import ErasureJournalEntry

    entries = journal_file_erasures(path)[0]
    rows = ErasureJournalEntry.objects.values_list(
        "holder_id", "rewritten", "erased_at"
    )
    for holder, rewritten, erased_at in rows.iterator(chunk_size=500):
        entries.setdefault(holder, Journalled()).merge(rewritten or [], erased_at)
    return entries
