"""Benchmark: the client's export ("Download mijn gegevens") at 100 and 1,000 entries.

    python bench/export.py [--sizes 100,1000] [--formats json,pdf,zip]

For each size, a fresh pair of temporary SQLite files (the project's settings),
migrated, then one client with one coaching trajectory holding that many dossier
entries (bulk inserts through the project's models). Each download (JSON, PDF,
zip) of another client with one entry is read once to warm up (WeasyPrint's
fonts and caches); then each download of the client is read to the end under
``tracemalloc``: peak is the largest traced Python heap during the
download, above what was allocated before it. ``rss_peak_mb`` is the process's
resident high-water mark during the downloads (reset through
/proc/self/clear_refs), above the resident size before them: it also counts
what Pango and HarfBuzz allocate outside Python.

The last lines are ``name: value`` for scripts: ``peak_mb_small`` and
``peak_mb_large`` are the largest peak of the three downloads; the goal is
``memory_ratio`` (large / small) at most 1.2: memory does not grow with the
number of entries.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("json", "pdf", "zip")
BODY = (
    "We bespraken het Johari-venster en wat de cliënt in de komende weken wil "
    "oefenen: feedback vragen, grenzen aangeven en een vast moment voor reflectie. "
)


def _seed(entries: int, *, tag: str):
    from django.contrib.auth import get_user_model

    from clients.models import Client
    from dossiers.models import DossierEntry, Trajectory
    from refleact.testing.personas import make_user

    coach = get_user_model().objects.filter(is_staff=True).first() or make_user(
        "coach.bench", role="coach"
    )
    client = Client(
        first_name="Voornaam",
        last_name="Achternaam",
        email=f"client.{tag}@voorbeeld.example",
        phone="+31612345678",
        language="nl",
    )
    client.save()
    trajectory = Trajectory(
        client=client,
        coach=coach,
        holder_id=client.holder_id,
        kind=Trajectory.Kind.COACHING,
        learning_question="Hoe houd ik overzicht in drukke weken?",
        status=Trajectory.Status.ACTIVE,
    )
    trajectory.save()
    for start in range(0, entries, 500):
        DossierEntry.objects.bulk_create(
            DossierEntry(
                trajectory=trajectory,
                holder_id=client.holder_id,
                kind=DossierEntry.Kind.PROGRESS,
                title=f"Sessie {n}",
                body=BODY,
            )
            for n in range(start, min(entries, start + 500))
        )
    return client


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _download(client, fmt: str) -> int:
    from portal import export

    make = {
        "json": export.export_json_chunks,
        "pdf": export.export_pdf_chunks,
        "zip": export.export_zip_chunks,
    }[fmt]
    return sum(len(chunk) for chunk in make(client=client))


def _child(entries: int, formats: tuple[str, ...]) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # no connection.queries_log (bench/retention.py)

    for alias in ("default", "keystore"):
        call_command("migrate", database=alias, verbosity=0)
    warm = _seed(1, tag="warm")
    client = _seed(entries, tag="bench")
    for fmt in formats:
        _download(warm, fmt)  # WeasyPrint's fonts and caches, once per process
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
    rss_before = _rss_kb("VmRSS")
    results = []
    for fmt in formats:
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        size = _download(client, fmt)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        results.append(f"{fmt} {peak / 1e6:.2f} {elapsed:.2f} {size}")
    rss = (_rss_kb("VmHWM") - rss_before) / 1e3
    print(" ".join(results), f"rss {rss:.1f}")


def _run(entries: int, formats: tuple[str, ...]) -> dict[str, tuple[float, ...]]:
    workdir = Path(tempfile.mkdtemp(prefix="refleact-bench-export-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "refleact.settings_test",
        "DATABASE_URL": f"sqlite:///{workdir / 'data.sqlite3'}",
        "KEYSTORE_DATABASE_URL": f"sqlite:///{workdir / 'keystore.sqlite3'}",
        "ERASURE_JOURNAL_PATH": str(workdir / "erasures.jsonl"),
        "SEALED_FILES_DIR": str(workdir / "sealed"),
    }
    try:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(entries),
                "--formats",
                ",".join(formats),
            ],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    words = out.split()[-(4 * len(formats) + 2) :]
    result = {}
    for i in range(len(formats)):
        fmt, peak, seconds, size = words[4 * i : 4 * i + 4]
        result[fmt] = (float(peak), float(seconds), int(size))
    result["rss"] = (float(words[-1]),)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    formats = tuple(f for f in args.formats.split(",") if f in FORMATS)
    if args.child:
        sys.path.insert(0, str(ROOT))
        _child(args.child, formats)
        return
    small, large = (int(s) for s in args.sizes.split(","))
    runs = {"small": _run(small, formats), "large": _run(large, formats)}
    for name, run in runs.items():
        for fmt in formats:
            peak, seconds, size = run[fmt]
            print(f"{fmt}_peak_mb_{name}: {peak:.2f}")
            print(f"{fmt}_seconds_{name}: {seconds:.2f}")
            print(f"{fmt}_bytes_{name}: {size}")
        print(f"rss_peak_mb_{name}: {run['rss'][0]:.1f}")
    m_small = max(runs["small"][fmt][0] for fmt in formats)
    m_large = max(runs["large"][fmt][0] for fmt in formats)
    print(f"entries_small: {small}")
    print(f"entries_large: {large}")
    print(f"peak_mb_small: {m_small:.2f}")
    print(f"peak_mb_large: {m_large:.2f}")
    print(f"memory_ratio: {m_large / m_small:.2f}")


if __name__ == "__main__":
    main()
