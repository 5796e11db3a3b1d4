"""The Celery app: idempotent sweeps over database state, scheduled in code.

Tasks take ids, never personal data (the broker stores arguments). Every task is
a sweep that is safe to run twice, so acks_late plus reject_on_worker_lost
redelivers work from a crashed worker without losing or duplicating it.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init, worker_init

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
    timezone="Europe/Amsterdam",
    beat_schedule={
        "login-records-purge": {
            "task": "accounts.login_records_purge",
            "schedule": crontab(minute=17, hour=3),
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
