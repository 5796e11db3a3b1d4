"""Celery: no broker means tasks run in-process; a broker means a real worker."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.utils import timezone

from refleact.accounts.tasks import login_records_purge as login_records_purge_task
from refleact.accounts.tasks import sessions_clear_expired
from refleact.celery import app
from refleact.localenv import new_key
from tests.conftest import clean_env, run

WORKER_WAIT_SECONDS = 30

SHOW_CELERY_MODE = (
    "from refleact.celery import app; "
    "print(app.conf.task_always_eager, app.conf.broker_url or '-')"
)


def _settings_env(**variables: str) -> dict[str, str]:
    return clean_env(
        REFLEACT_SKIP_LOCAL_ENV="1",
        DJANGO_SETTINGS_MODULE="refleact.settings",
        DJANGO_SECRET_KEY="s" * 50,
        FIELD_ENCRYPTION_KEYS=new_key(),
        BLIND_INDEX_KEY=new_key(),
        **variables,
    )


def test_no_broker_configured_means_tasks_run_eagerly():
    result = run(["-c", SHOW_CELERY_MODE], env=_settings_env())

    assert result.stdout.split() == ["True", "-"], result.stderr


def test_a_configured_broker_means_a_real_worker():
    env = _settings_env(CELERY_BROKER_URL="redis://127.0.0.1:6379/15")

    result = run(["-c", SHOW_CELERY_MODE], env=env)

    assert result.stdout.split() == ["False", "redis://127.0.0.1:6379/15"]


@pytest.mark.django_db(databases="__all__")
def test_eager_task_runs_in_process_and_its_effect_is_visible_at_once():
    old = AccessLog.objects.create(username="h:old", user_agent="t")
    AccessLog.objects.filter(pk=old.pk).update(
        attempt_time=timezone.now() - timedelta(days=365)
    )

    result = login_records_purge_task.delay()

    assert result.get() == 1
    assert not AccessLog.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(databases="__all__")
def test_expired_sessions_are_cleared_by_a_daily_beat_task():
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    expired, live = SessionStore(), SessionStore()
    for store in (expired, live):
        store["portal_pending_login"] = {"user": "1", "generation": 0, "at": 0}
        store.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    sessions_clear_expired.delay().get()
    sessions_clear_expired.delay().get()  # a rerun finds nothing to do

    assert list(Session.objects.values_list("session_key", flat=True)) == [
        live.session_key
    ]
    schedule = app.conf.beat_schedule
    assert any(
        entry["task"] == "accounts.sessions_clear_expired"
        for entry in schedule.values()
    )


def test_worker_refuses_to_start_without_keys():
    env = clean_env(REFLEACT_SKIP_LOCAL_ENV="1")

    result = run(
        ["-m", "celery", "-A", "refleact", "worker", "--pool=solo"], env=env, timeout=60
    )

    assert result.returncode == 2
    refusals = [
        line
        for line in result.stderr.splitlines()
        if line.startswith("Refleact refuses to start")
    ]
    assert len(refusals) == 1 and "DJANGO_SECRET_KEY" in refusals[0]
    assert "Traceback" not in result.stderr


def test_worker_refuses_cleanly_without_keys_next_to_a_migrated_key_store(tmp_path):
    # After `demo` (README, first command) the key store exists and records its
    # blind-index builds; started without keys, the worker's system checks must
    # not crash on the missing BLIND_INDEX_KEY before the refusal is printed.
    urls = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data.sqlite3'}",
        "KEYSTORE_DATABASE_URL": f"sqlite:///{tmp_path / 'keystore.sqlite3'}",
    }
    configured = clean_env(DJANGO_SETTINGS_MODULE="refleact.settings_test", **urls)
    for alias in ("default", "keystore"):
        migrated = run(
            ["manage.py", "migrate", "--database", alias, "-v0"], env=configured
        )
        assert migrated.returncode == 0, migrated.stderr

    result = run(
        ["-m", "celery", "-A", "refleact", "worker", "--pool=solo"],
        env=clean_env(REFLEACT_SKIP_LOCAL_ENV="1", **urls),
        timeout=60,
    )

    assert result.returncode == 2, result.stderr[-2000:]
    assert "Refleact refuses to start" in result.stderr
    assert "Traceback" not in result.stderr


def test_beat_refuses_to_start_without_keys(tmp_path):
    env = clean_env(REFLEACT_SKIP_LOCAL_ENV="1")
    schedule = str(tmp_path / "beat-schedule")

    result = run(
        ["-m", "celery", "-A", "refleact", "beat", "--schedule", schedule],
        env=env,
        timeout=60,
    )

    # Beat routes stderr through its logger, so the line carries a log prefix.
    assert result.returncode == 2
    assert "Refleact refuses to start: DJANGO_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def real_broker():
    """Send tasks to the broker in CELERY_BROKER_URL instead of running them here."""
    if not os.environ.get("CELERY_BROKER_URL"):
        pytest.skip(
            "integration test needs CELERY_BROKER_URL and a running worker "
            "(.ci/run starts both)"
        )
    # settings_test runs tasks eagerly for every other test.
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_real_worker_purges_old_login_records(real_broker):
    old_logs = [
        AccessLog.objects.create(username=f"h:old{n}", user_agent="t") for n in range(3)
    ]
    recent = AccessLog.objects.create(username="h:recent", user_agent="t")
    AccessLog.objects.filter(pk__in=[log.pk for log in old_logs]).update(
        attempt_time=timezone.now() - timedelta(days=365)
    )

    login_records_purge_task.delay()

    # The only wait in the suite: bounded polling for another process.
    deadline = time.monotonic() + WORKER_WAIT_SECONDS
    while AccessLog.objects.filter(username__startswith="h:old").exists():
        assert time.monotonic() < deadline, (
            f"no worker purged the rows within {WORKER_WAIT_SECONDS} s; is "
            "`celery -A refleact worker` running against the test databases?"
        )
        time.sleep(0.2)
    assert AccessLog.objects.filter(pk=recent.pk).exists()
