"""The Celery app: idempotent sweeps over database state, scheduled in code.

Tasks take ids, never personal data (the broker stores arguments). Every task is
a sweep that is safe to run twice, so acks_late plus reject_on_worker_lost
redelivers work from a crashed worker without losing or duplicating it.
"""

from __future__ import annotations

import logging.config
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import (
    beat_init,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_init,
)

from refleact import structuredlog

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refleact.settings")

app = Celery("refleact")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    task_time_limit=15 * 60,
    task_soft_time_limit=14 * 60,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    # The worker logs through Django's LOGGING (JSON lines, the safety filters),
    # as the web process does; see _logging_from_django below.
    worker_hijack_root_logger=False,
    timezone="Europe/Amsterdam",
    beat_schedule={
        "login-records-purge": {
            "task": "accounts.login_records_purge",
            "schedule": crontab(minute=17, hour=3),
        },
        # Expired sessions (Django's clearsessions): they name a user until deleted.
        "sessions-clear-expired": {
            "task": "accounts.sessions_clear_expired",
            "schedule": crontab(minute=27, hour=3),
        },
        # The access log's declared retention (refleact/audit/inventory.py).
        "audit-events-purge": {
            "task": "audit.audit_events_purge",
            "schedule": crontab(minute=53, hour=3),
        },
        "orphan-files-sweep": {
            "task": "keystore.orphan_files_sweep",
            "schedule": crontab(minute=23, hour=4),
        },
        "policy-change-notify": {
            "task": "consent.policy_change_notify",
            "schedule": crontab(minute=7, hour="*"),
        },
        "retention-sweep": {
            "task": "dossiers.retention_sweep",
            "schedule": crontab(minute=37, hour=2),
        },
        # Breach notices, retried with backoff (breaches/sending.py).
        "breach-notices-send": {
            "task": "breaches.notices_send",
            "schedule": crontab(minute="*/5"),
        },
        "breaches-escalate": {
            "task": "breaches.escalate",
            "schedule": crontab(minute="*/15"),
        },
        "orphan-keys-sweep": {
            "task": "keystore.orphan_keys_sweep",
            "schedule": crontab(minute=47, hour="*/6"),
        },
    },
)
app.autodiscover_tasks()


# Beat too: a scheduler without keys would enqueue sweeps no worker may run.
@beat_init.connect
@worker_init.connect
def _refuse_unless_ready(**_kwargs) -> None:
    from refleact import startup

    startup.refuse_unless_ready()


# A receiver here stops Celery from configuring logging itself: the worker and
# beat write the web process's JSON lines through its filters.
@setup_logging.connect
def _logging_from_django(**_kwargs) -> None:
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


# The task that was running before this one: an eager task run inside another
# task (or a request) must give the outer task its id back when it ends.
_outer_tasks: dict[str, tuple[str | None, str | None]] = {}


@task_prerun.connect
def _name_task_on_log_lines(task_id=None, task=None, **_kwargs) -> None:
    _outer_tasks[task_id] = (
        structuredlog.task_id_var.get(),
        structuredlog.task_name_var.get(),
    )
    structuredlog.task_started(task_id, getattr(task, "name", None))


@task_postrun.connect
def _unname_task(task_id=None, **_kwargs) -> None:
    outer_id, outer_name = _outer_tasks.pop(task_id, (None, None))
    if outer_id is None:
        structuredlog.task_finished()
    else:
        structuredlog.task_started(outer_id, outer_name)
