from celery import shared_task

from refleact.audit import services


@shared_task(name="audit.audit_events_purge")
def audit_events_purge() -> int:
    """Delete access-log rows older than the declared retention."""
    return services.audit_events_purge()
