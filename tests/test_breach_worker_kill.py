"""Exactly once when a real Celery worker is killed with SIGKILL mid-fan-out.

The test starts its own worker on its own queue (killing CI's worker would break
the rest of run 2), with production settings pointed at an aiosmtpd server on
loopback through EMAIL_URL. The server records the Nth message as accepted and
then kills the worker before answering "250": the kill lands inside the window
breaches/sending.py documents (accepted, not yet marked sent). A second worker
runs the task again. Every client then holds exactly one message, except the
Nth, whose resend carries the same Message-ID and whose row counts the
interrupted attempt.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

import pytest
from django.db import connections

from breaches import services
from breaches.models import Notice
from breaches.tasks import breach_notices_send_task
from breaches.tests.conftest import free_port, ready_to_send, record
from refleact.testing.factories import ClientFactory, TrajectoryFactory
from tests.conftest import clean_env
from tests.test_celery import real_broker  # noqa: F401 (a fixture)

BASE_DIR = Path(__file__).resolve().parent.parent
CLIENTS = 6
KILL_AT = 3  # the message during whose "250" the first worker dies
WAIT_SECONDS = 60


class KillingHandler:
    """Accept every message; before answering the KILL_AT-th, SIGKILL the worker."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, str]] = []  # (recipient, Message-ID)
        self.victim: subprocess.Popen | None = None

    async def handle_DATA(self, server, session, envelope):
        message_id = message_from_bytes(envelope.content)["Message-ID"]
        for recipient in envelope.rcpt_tos:
            self.accepted.append((recipient, message_id))
        if self.victim is not None and len(self.accepted) == KILL_AT:
            victim, self.victim = self.victim, None
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(timeout=10)  # dead before it can read the answer
        return "250 2.0.0 queued"


def _worker(queue: str, smtp_port: int, log: Path) -> subprocess.Popen:
    default, keystore = connections["default"], connections["keystore"]
    if default.vendor != "postgresql":
        pytest.skip("the worker needs the PostgreSQL test databases of run 2")

    def url(connection) -> str:
        s = connection.settings_dict
        return (
            f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )

    env = clean_env(
        REFLEACT_SKIP_LOCAL_ENV="1",
        # The production settings: settings_test would force the locmem backend.
        DJANGO_SETTINGS_MODULE="refleact.settings",
        DJANGO_SECRET_KEY=os.environ["DJANGO_SECRET_KEY"],
        FIELD_ENCRYPTION_KEYS=os.environ["FIELD_ENCRYPTION_KEYS"],
        BLIND_INDEX_KEY=os.environ["BLIND_INDEX_KEY"],
        DJANGO_ALLOWED_HOSTS="localhost",
        DATABASE_URL=url(default),
        KEYSTORE_DATABASE_URL=url(keystore),
        CELERY_BROKER_URL=os.environ["CELERY_BROKER_URL"],
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
    )
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "refleact",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                f"--queues={queue}",
                f"--hostname={queue}@%h",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + WAIT_SECONDS
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return process


def _wait(condition, what: str) -> None:
    # Bounded polling for another process, as tests/test_celery.py does.
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    handler = KillingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_every_client_gets_one_notice_when_the_worker_is_killed_mid_fan_out(
    real_broker,  # noqa: F811
    smtp,
    owner,
    coach,
    tmp_path,
    monkeypatch,
):
    people = [ClientFactory(coaches=[coach]) for _ in range(CLIENTS)]
    for person in people:
        TrajectoryFactory(client=person, coach=coach)
    breach = record(owner)
    ready_to_send(breach, owner)
    # Release without its own enqueue: the test sends the task to its own queue.
    monkeypatch.setattr(services, "_send_on_commit", lambda breach: None)
    services.breach_notices_release(breach=breach, actor=owner)
    queue = f"breach-kill-{os.getpid()}"

    first = _worker(queue, smtp.port, tmp_path / "first.log")
    smtp.victim = first
    try:
        breach_notices_send_task.apply_async(args=[str(breach.pk)], queue=queue)
        _wait(lambda: first.poll() is not None, "the first worker to be killed")
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    assert len(smtp.accepted) == KILL_AT
    assert Notice.objects.filter(status=Notice.Status.SENT).count() == KILL_AT - 1

    second = _worker(queue, smtp.port, tmp_path / "second.log")
    try:
        breach_notices_send_task.apply_async(args=[str(breach.pk)], queue=queue)
        _wait(
            lambda: not Notice.objects.exclude(status=Notice.Status.SENT).exists(),
            "the second worker to send the rest",
        )
    finally:
        second.terminate()
        second.wait(timeout=30)

    per_client = Counter(recipient for recipient, _id in smtp.accepted)
    assert set(per_client) == {p.email for p in people}
    twice = [address for address, n in per_client.items() if n > 1]
    # The one duplicate allowed: the message accepted as the worker died.
    assert len(twice) == 1 and per_client[twice[0]] == 2
    ids = {
        message_id for recipient, message_id in smtp.accepted if recipient == twice[0]
    }
    notice = Notice.objects.get(client__in=[p for p in people if p.email == twice[0]])
    assert ids == {notice.message_id}
    assert notice.interrupted_attempts == 1
    assert Notice.objects.filter(interrupted_attempts__gt=0).count() == 1
    assert len(smtp.accepted) == CLIENTS + 1
