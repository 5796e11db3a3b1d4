from celery import shared_task

from refleact.accounts import services


@shared_task(name="accounts.login_records_purge")
def login_records_purge() -> int:
    """Delete login attempts and access logs older than the stated retention."""
    return services.login_records_purge()
