"""Consent's beat task: a sweep over database state, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from consent import services


@shared_task(name="consent.policy_change_notify")
def policy_change_notify_task() -> int:
    return services.policy_change_notify()
