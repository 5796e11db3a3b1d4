"""Start-up gate for processes that run no system checks by themselves.

WSGI, ASGI and the Celery worker call ``refuse_unless_ready``: it stops the
process with one clear line when a key is missing, or when the key store holds
data keys that no configured master key can unwrap.
"""

from __future__ import annotations

import sys

import django
from django.core import checks

from refleact import localenv


def refuse_unless_ready() -> None:
    """Exit with one clear line unless configuration and key store are usable."""
    from django.conf import settings

    settings.INSTALLED_APPS  # noqa: B018  (load the settings module)
    localenv.refuse_if_misconfigured()
    django.setup()
    errors = [
        m for m in checks.run_checks(tags=["refleact_keys"]) if m.level >= checks.ERROR
    ]
    if errors:
        sys.stderr.write(f"Refleact refuses to start: {errors[0].msg}\n")
        sys.exit(2)
