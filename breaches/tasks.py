"""Breach tasks: ids in, sweeps over database state, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from breaches import escalation, sending


@shared_task(name="breaches.notices_send")
def breach_notices_send_task(breach_id: str | None = None) -> int:
    return sending.breach_notices_send(breach_id=breach_id).sent


@shared_task(name="breaches.escalate")
def breaches_escalate_task() -> int:
    return escalation.breaches_escalate()
