"""Dossiers' beat task: a sweep over database state, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from dossiers import retention


@shared_task(name="dossiers.retention_sweep", acks_late=True)
def retention_sweep_task() -> int:
    return retention.retention_sweep().processed
