"""The "restore in progress" marker: a file next to ERASURE_JOURNAL_PATH.

``restore_run`` writes it before it changes anything and removes it only after
the erasures are re-applied and ``encryption_status`` verified the result; a
restore that fails (or does not verify) leaves it in place. While it exists,
``/readyz`` answers 503 naming "restore" (refleact/health.py), so a load
balancer sends no traffic to a half-restored site.

A file, not a key-store row: a key-store restore replaces the key store's
tables, and the marker must outlive exactly that. The file is seen by every
process that sees the same ERASURE_JOURNAL_PATH: on more than one machine, keep
that path on storage they share (docs/operations.md). Remove the file by hand
only once the problem a failed restore reported is resolved.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from refleact.erasure.journal import journal_path

SUFFIX = ".restore-in-progress"


def marker_path() -> Path:
    journal = journal_path()
    return journal.with_name(journal.name + SUFFIX)


def marker_set() -> Path:
    path = marker_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dt.datetime.now(dt.UTC).isoformat(timespec="seconds") + "\n")
    return path


def marker_clear() -> None:
    marker_path().unlink(missing_ok=True)


def restore_in_progress() -> bool:
    try:
        return marker_path().exists()
    except OSError:
        return True  # cannot tell: not ready
