"""Benchmark: the retention sweep at 1,000 and 10,000 closed trajectories.

    python bench/retention.py [--sizes 1000,10000] [--entries 20]

For each size, a fresh pair of temporary SQLite files (the project's settings, so
the options production gives SQLite), migrated, then seeded with bulk inserts
through the project's models (clients with their keys and blind indexes,
trajectories closed for deletion and due, 20 dossier entries each). Then one
``retention_sweep``, twice per size on fresh seeds: timed (throughput, in
trajectories per second) and under ``tracemalloc`` (peak: the largest traced
Python heap during the sweep, above what seeding left; the tracer slows the
sweep several times over, so it is not timed).
The last lines are ``name: value`` for scripts; the goal is ``memory_ratio``
(10k / 1k) at most 1.2: the sweep's memory does not grow with the backlog.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 500


def _seed(trajectories: int, entries: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from clients.models import Client
    from dossiers.models import DossierEntry, Trajectory
    from refleact.testing.personas import make_user

    coach = make_user("coach.bench", role="coach")
    now = timezone.now()
    closed = now - dt.timedelta(days=60)
    for start in range(0, trajectories, BATCH):
        size = min(BATCH, trajectories - start)
        with transaction.atomic():
            clients = Client.objects.bulk_create(
                Client(
                    holder_id=uuid.uuid4(),
                    first_name=f"Voornaam{start + n}",
                    last_name="Achternaam",
                    email=f"client{start + n}@voorbeeld.example",
                    phone="+31612345678",
                )
                for n in range(size)
            )
            rows = Trajectory.objects.bulk_create(
                Trajectory(
                    client=c,
                    coach=coach,
                    holder_id=c.holder_id,
                    kind=Trajectory.Kind.COACHING,
                    learning_question="Hoe houd ik overzicht in drukke weken?",
                    status=Trajectory.Status.CLOSED,
                    status_changed_at=closed,
                    closed_at=closed,
                    retention=Trajectory.Retention.DELETE,
                    retention_due_on=(closed + dt.timedelta(days=30)).date(),
                    start_date=(closed - dt.timedelta(days=90)).date(),
                    end_date=closed.date(),
                )
                for c in clients
            )
            DossierEntry.objects.bulk_create(
                DossierEntry(
                    trajectory=t,
                    holder_id=t.holder_id,
                    kind=DossierEntry.Kind.PROGRESS,
                    title=f"Sessie {i}",
                    body="We bespraken het Johari-venster en de volgende stap.",
                )
                for t in rows
                for i in range(entries)
            )


def _child(trajectories: int, entries: int, traced: bool) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The sweep as the worker runs it in production: with DEBUG on (a developer's
    # .env.local) Django keeps every query in connection.queries_log, up to 9,000
    # per connection, which is the debug toolbar's memory, not the sweep's.
    settings.DEBUG = False

    from dossiers.retention import retention_sweep

    for alias in ("default", "keystore"):
        call_command("migrate", database=alias, verbosity=0)
    _seed(trajectories, entries)
    gc.collect()
    if traced:
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    summary = retention_sweep()
    elapsed = time.perf_counter() - started
    peak = 0.0
    if traced:
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    assert summary.processed == trajectories, summary.processed
    print(f"{trajectories / elapsed:.1f} {peak / 1e6:.2f}")


def _run(trajectories: int, entries: int, *, traced: bool) -> tuple[float, float]:
    workdir = Path(tempfile.mkdtemp(prefix="refleact-bench-retention-"))
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
            [sys.executable, __file__, "--child", str(trajectories), str(entries)]
            + (["--traced"] if traced else []),
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    throughput, peak = out.split()[-2:]
    return float(throughput), float(peak)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(ROOT))
        _child(*args.child, traced=args.traced)
        return
    small, large = (int(s) for s in args.sizes.split(","))
    # Each size twice, on freshly seeded databases: once timed, once under
    # tracemalloc, which slows Python several times over and would make the
    # throughput a measure of the tracer. Lines print as soon as they are known.
    t_small, _ = _run(small, args.entries, traced=False)
    print(f"throughput_1k: {t_small:.1f}", flush=True)
    _, m_small = _run(small, args.entries, traced=True)
    print(f"peak_mb_1k: {m_small:.2f}", flush=True)
    t_large, _ = _run(large, args.entries, traced=False)
    print(f"throughput_10k: {t_large:.1f}", flush=True)
    _, m_large = _run(large, args.entries, traced=True)
    print(f"peak_mb_10k: {m_large:.2f}")
    print(f"memory_ratio: {m_large / m_small:.2f}")


if __name__ == "__main__":
    main()
