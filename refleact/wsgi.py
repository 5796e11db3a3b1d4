"""WSGI entry point: refuses to start without keys, then runs the key checks."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refleact.settings")

from refleact import startup  # noqa: E402

startup.refuse_unless_ready()
application = get_wsgi_application()
