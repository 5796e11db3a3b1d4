"""The measure of issue 11, point 6, and the evaluation records it runs on.

- ``identifiers_removed``: the share of listed identifiers of which no occurrence is
  left in the scrubbed text; an occurrence is a case-sensitive match on word
  boundaries that does not lie inside an occurrence of one of the record's keep
  strings ("Roos" may go while "Roos van Leary" stays).
- ``keep_kept``: the share of keep strings still present in the scrubbed text.

The command ``scrub_text --report``, ``bench/scrubber.py`` and the tests all use it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .entities import Subject
from .scrub import scrub_text


@dataclass(frozen=True)
class Score:
    identifiers: int
    identifiers_removed: int
    keep: int
    keep_kept: int

    @property
    def removed_share(self) -> float:
        return self.identifiers_removed / self.identifiers if self.identifiers else 1.0

    @property
    def kept_share(self) -> float:
        return self.keep_kept / self.keep if self.keep else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.identifiers + other.identifiers,
            self.identifiers_removed + other.identifiers_removed,
            self.keep + other.keep,
            self.keep_kept + other.keep_kept,
        )


ZERO = Score(0, 0, 0, 0)


def occurrences(needle: str, text: str) -> Iterator[tuple[int, int]]:
    """Yield the case-sensitive, word-bounded occurrences of ``needle`` in ``text``."""
    for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text):
        yield m.span()


def identifier_left(identifier: str, scrubbed: str, keep: Iterable[str]) -> bool:
    """Return whether ``identifier`` still occurs in ``scrubbed`` outside every keep string."""
    kept = [
        (m.start(), m.end())
        for k in keep
        if k
        for m in re.finditer(re.escape(k), scrubbed)
    ]
    return any(
        not any(ks <= s and e <= ke for ks, ke in kept)
        for s, e in occurrences(identifier, scrubbed)
    )


def score_record(record: dict, scrubbed: str) -> Score:
    """Score one scrubbed text against its record's ``identifiers`` and ``keep``."""
    keep = list(record.get("keep") or ())
    identifiers = [i["text"] for i in record.get("identifiers") or ()]
    removed = sum(not identifier_left(i, scrubbed, keep) for i in identifiers)
    kept = sum(k in scrubbed for k in keep)
    return Score(len(identifiers), removed, len(keep), kept)


def misses(record: dict, scrubbed: str) -> tuple[list[str], list[str]]:
    """Return the identifiers left in and the keep strings lost, for a failing test."""
    keep = list(record.get("keep") or ())
    left = [
        i["text"]
        for i in record.get("identifiers") or ()
        if identifier_left(i["text"], scrubbed, keep)
    ]
    return left, [k for k in keep if k not in scrubbed]


def is_evaluation_record(record: dict) -> bool:
    """Return whether ``record`` carries ``identifiers`` or ``keep`` to score against."""
    return "identifiers" in record or "keep" in record


class BadRecord(ValueError):
    """A line of a JSONL file that is not a JSON object; ``line`` counts from 1."""

    def __init__(self, line: int):
        super().__init__(f"line {line} is not a JSON object")
        self.line = line


def read_records(path: Path | str) -> list[dict]:
    """Return the records of a JSONL file (one JSON object a line, blank lines skipped)."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise BadRecord(number) from None
            if not isinstance(record, dict):
                raise BadRecord(number)
            records.append(record)
    return records


def score_records(records: Iterable[dict], scrub: Callable[[dict], str]) -> Score:
    """Score ``scrub`` (record -> scrubbed text) over the evaluation records."""
    total = ZERO
    for record in records:
        if is_evaluation_record(record):
            total += score_record(record, scrub(record))
    return total


def scrub_record(record: dict) -> str:
    """Scrub one record's ``text`` for its ``client`` (the default placeholders)."""
    subject = Subject.from_mapping(record.get("client") or {})
    return scrub_text(record.get("text") or "", subject=subject).text


def report(records: list[dict], scrub: Callable[[dict], str] = scrub_record) -> dict:
    """Return the report lines of point 6: the two shares, notes per second, records.

    Time counts the scrubbing of every evaluation record and nothing else: one
    untimed run on the first record first loads what any scrubber loads once per
    process (our name lists, deduce's lookup tables), the same for every scrubber.
    """
    scored = [r for r in records if is_evaluation_record(r)]
    if scored:
        scrub(scored[0])
    total = ZERO
    elapsed = 0.0
    for record in scored:
        started = time.perf_counter()
        scrubbed = scrub(record)
        elapsed += time.perf_counter() - started
        total += score_record(record, scrubbed)
    return {
        "identifiers_removed": round(total.removed_share, 4),
        "keep_kept": round(total.kept_share, 4),
        "notes_per_second": round(len(scored) / elapsed, 1) if elapsed else 0.0,
        "records": len(scored),
    }
