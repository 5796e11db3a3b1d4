"""Benchmark: breach notices to 1,000 and 10,000 affected clients over real SMTP.

    python bench/breach.py [--sizes 1000 10000]

Production settings with fresh keys, SQLite files in a temporary directory, and
an aiosmtpd server on loopback in a child process (on the same two cores, so the
figures are conservative; in a process of its own because aiosmtpd allocates a
class per message that it never frees, which tracemalloc would otherwise count
as the sender's). For each size: that many clients, one
breach recorded, assessed, decided, selected and confirmed through the
services, then ``breaches.sending.breach_notices_send`` (the task's service)
timed until every notice is accepted. Memory: the rows are set back to queued
and the same fan-out runs again under tracemalloc; peak_mb is its peak of
Python allocations. memory_ratio is peak_mb_10k / peak_mb_1k: at most 1.2 means
the fan-out holds a batch, not the whole list. The last six lines are
``name: value`` for scripts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import socket
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Counting:
    """aiosmtpd handler counting accepted messages into a shared counter."""

    def __init__(self, counter) -> None:
        self.counter = counter

    @property
    def accepted(self) -> int:
        return self.counter.value

    async def handle_DATA(self, server, session, envelope):
        with self.counter.get_lock():
            self.counter.value += 1
        return "250 2.0.0 queued"


def _serve(counter, port: int, ready, stop) -> None:
    """Run the SMTP server in a child process until told to stop."""
    from aiosmtpd.controller import Controller

    controller = Controller(Counting(counter), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _setup(workdir: Path, smtp_port: int) -> None:
    sys.path.insert(0, str(ROOT))
    from refleact.localenv import new_key

    os.environ.update(
        REFLEACT_SKIP_LOCAL_ENV="1",
        DJANGO_SETTINGS_MODULE="refleact.settings",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 50,
        FIELD_ENCRYPTION_KEYS=new_key(),
        BLIND_INDEX_KEY=new_key(),
        DJANGO_ALLOWED_HOSTS="localhost",
        DATABASE_URL=f"sqlite:///{workdir / 'data.sqlite3'}",
        KEYSTORE_DATABASE_URL=f"sqlite:///{workdir / 'keystore.sqlite3'}",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        SEALED_FILES_DIR=str(workdir / "sealed"),
        ERASURE_JOURNAL_PATH=str(workdir / "erasures.jsonl"),
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("migrate", database="keystore", verbosity=0)


def _practice(size: int):
    """Add clients up to ``size`` in all, and a breach ready to send; return it."""
    from django.db import transaction
    from django.utils import timezone

    from breaches import services
    from breaches.models.register import Decision
    from clients.models import Client
    from refleact.testing.factories import ClientFactory
    from refleact.testing.personas import make_user

    owner = make_user(f"owner{size}", role="owner")
    for start in range(Client.objects.count(), size, 500):
        with transaction.atomic():
            for _ in range(min(500, size - start)):
                ClientFactory()
    breach = services.breach_record(
        actor=owner,
        discovered_at=timezone.now(),
        discovered_how="Bench.",
        summary="Bench.",
        nature=["stolen"],
        reporter_name="Bench",
        reporter_role="eigenaar",
        reporter_email="bench@refleact.invalid",
        notice_text=(
            "Een laptop van de praktijk is gestolen. De gegevens waren versleuteld. "
            "Wij hebben de wachtwoorden gewijzigd."
        ),
    )
    services.risk_assess(
        breach=breach, actor=owner, dpc=Decimal(1), ei=Decimal("0.5"), reasoning="x"
    )
    services.breach_decide(
        breach=breach,
        actor=owner,
        ap_decision=Decision.NOTIFY,
        clients_decision=Decision.NOTIFY,
        reasoning="x",
    )
    services._send_on_commit = lambda breach: None  # the bench calls the service
    selection = services.selection_propose(breach=breach, actor=owner)
    services.breach_confirm_affected(selection=selection, actor=owner)
    services.breach_notices_release(breach=breach, actor=owner)
    return breach


def _run(size: int, handler: Counting) -> tuple[float, float]:
    from breaches import sending
    from breaches.models import Notice

    breach = _practice(size)
    notices = Notice.objects.filter(breach=breach)
    assert notices.count() == size, notices.count()
    before = handler.accepted
    start = time.perf_counter()
    result = sending.breach_notices_send(breach_id=breach.pk)
    seconds = time.perf_counter() - start
    assert result.sent == size and handler.accepted - before == size, result

    notices.update(status=Notice.Status.QUEUED, sent_at=None)
    tracemalloc.start()
    sending.breach_notices_send(breach_id=breach.pk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 10000])
    args = parser.parse_args()
    counter = multiprocessing.Value("i", 0)
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    handler = Counting(counter)
    port = _port()
    server = multiprocessing.Process(
        target=_serve, args=(counter, port, ready, stop), daemon=True
    )
    server.start()
    if not ready.wait(30):
        sys.exit("The local SMTP server did not start within 30 s.")
    workdir = Path(tempfile.mkdtemp(prefix="refleact-bench-breach-"))
    try:
        _setup(workdir, port)
        small, large = args.sizes
        seconds_1k, peak_1k = _run(small, handler)
        print(f"{small} notices: {seconds_1k:.1f} s, peak {peak_1k:.1f} MB", flush=True)
        seconds_10k, peak_10k = _run(large, handler)
        print(f"{large} notices: {seconds_10k:.1f} s, peak {peak_10k:.1f} MB")
    finally:
        stop.set()
        server.join(10)
        shutil.rmtree(workdir, ignore_errors=True)
    lines = {
        "seconds_1k": f"{seconds_1k:.1f}",
        "seconds_10k": f"{seconds_10k:.1f}",
        "notices_per_second": f"{large / seconds_10k:.0f}",
        "peak_mb_1k": f"{peak_1k:.1f}",
        "peak_mb_10k": f"{peak_10k:.1f}",
        "memory_ratio": f"{peak_10k / peak_1k:.2f}",
    }
    for name, value in lines.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
