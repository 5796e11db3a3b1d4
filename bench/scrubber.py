"""Benchmark: our pseudonymiser against deduce on the same coaching notes.

    pip install -r bench/requirements.txt
    python bench/scrubber.py [FILE.jsonl ...] [--deduce-cache var/deduce-cache] [--repeat 5]

Without files it runs every ``*.jsonl`` in ../shared/data/. Both scrubbers get the
client's name: ours through ``scrub_text(subject=...)``, deduce (3.0.6, GPL-3.0,
benchmark only) as its patient metadata (first name, initials, surname). Both are
scored by the one measure of issue 11, point 6 (``refleact.pseudonymiser.score``).
Speed counts only the scrubbing of each note, not deduce's start-up (which builds
its lookup cache on first use, ~80 s): after one untimed warm-up note each, the best
of --repeat passes over the notes, ours and deduce's alternating. One block per file, then the totals over all
files as the last seven lines, ``name: value``:

ours_identifiers_removed, ours_keep_kept, deduce_identifiers_removed,
deduce_keep_kept, ours_notes_per_second, deduce_notes_per_second,
speed_ratio_vs_deduce (ours / deduce).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from refleact.pseudonymiser.score import (  # noqa: E402
    is_evaluation_record,
    read_records,
    report,
    scrub_record,
)


def deduce_scrubber(cache: Path):
    """Return a record -> scrubbed text function backed by deduce."""
    cache.mkdir(parents=True, exist_ok=True)
    from deduce import Deduce  # GPL-3.0: imported here only
    from deduce.person import Person

    logging.disable(logging.CRITICAL)  # importing deduce sets the root logger to DEBUG
    engine = Deduce(cache_path=cache)

    def scrub(record: dict) -> str:
        client = record.get("client") or {}
        first = client.get("first_name") or ""
        patient = Person(
            first_names=first.split() or None,
            initials="".join(p[0] for p in first.replace("-", " ").split()) or None,
            surname=client.get("last_name") or None,
        )
        result = engine.deidentify(
            record.get("text") or "", metadata={"patient": patient}
        )
        return result.deidentified_text

    return scrub


def best_rate(records: list[dict], scrubbers: list, repeat: int) -> list[float]:
    """Return each scrubber's notes per second, best of ``repeat`` alternating passes.

    Alternating the passes gives both scrubbers the same share of whatever else the
    machine is doing; the best pass is the one least disturbed by it.
    """
    notes = [r for r in records if is_evaluation_record(r)]
    best = [float("inf")] * len(scrubbers)
    for _ in range(repeat):
        for i, scrub in enumerate(scrubbers):
            started = time.perf_counter()
            for record in notes:
                scrub(record)
            best[i] = min(best[i], time.perf_counter() - started)
    return [round(len(notes) / b, 1) for b in best]


def compare(records: list[dict], deduce, repeat: int) -> dict:
    """Return the seven figures for ``records``."""
    ours = report(records, scrub_record)
    theirs = report(records, deduce)
    ours["notes_per_second"], theirs["notes_per_second"] = best_rate(
        records, [scrub_record, deduce], repeat
    )
    ratio = ours["notes_per_second"] / theirs["notes_per_second"]
    return {
        "ours_identifiers_removed": ours["identifiers_removed"],
        "ours_keep_kept": ours["keep_kept"],
        "deduce_identifiers_removed": theirs["identifiers_removed"],
        "deduce_keep_kept": theirs["keep_kept"],
        "ours_notes_per_second": ours["notes_per_second"],
        "deduce_notes_per_second": theirs["notes_per_second"],
        "speed_ratio_vs_deduce": round(ratio, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument(
        "--deduce-cache", type=Path, default=ROOT / "var" / "deduce-cache"
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="timed passes (best counts)"
    )
    args = parser.parse_args()
    files = args.files or sorted((ROOT.parent / "shared" / "data").glob("*.jsonl"))
    if not files:
        parser.error("no JSONL files given or found in ../shared/data/")
    deduce = deduce_scrubber(args.deduce_cache)
    everything: list[dict] = []
    for path in files:
        records = read_records(path)
        everything += records
        print(f"file: {path.name} ({len(records)} records)")
        for name, value in compare(records, deduce, args.repeat).items():
            print(f"  {name}: {value}")
    print(f"all files: {len(everything)} records")
    for name, value in compare(everything, deduce, args.repeat).items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
