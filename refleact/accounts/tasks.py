from importlib import import_module

from celery import shared_task
from django.conf import settings

from refleact.accounts import services


@shared_task(name="accounts.login_records_purge")
def login_records_purge() -> int:
    """Delete login attempts and access logs older than the stated retention."""
    return services.login_records_purge()


@shared_task(name="accounts.sessions_clear_expired")
def sessions_clear_expired() -> None:
    """Delete expired sessions (Django's ``clearsessions``); idempotent.

    A session row holds the user id of a login, a half-finished login or a
    portal link's token until it is deleted: expired rows would otherwise stay.
    """
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
