"""Staff sessions end after a while without a request (STAFF_SESSION_IDLE_MINUTES).

A coach who walks away from an unlocked laptop leaves the admin open on every
dossier of their clients; an hour of inactivity closes it. Client sessions (the
portal) keep Django's own expiry.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone

LAST_SEEN_KEY = "_refleact_last_seen"
# The session is written at most once a minute for this, not on every request.
_WRITE_EVERY_SECONDS = 60


class StaffSessionIdleMiddleware:
    """Log a staff member out once the session was idle longer than the setting."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        minutes = getattr(settings, "STAFF_SESSION_IDLE_MINUTES", 0)
        user = getattr(request, "user", None)
        if minutes and user is not None and user.is_authenticated and user.is_staff:
            now = int(timezone.now().timestamp())
            last = request.session.get(LAST_SEEN_KEY)
            if isinstance(last, int) and now - last > minutes * 60:
                # The request goes on as anonymous: the admin sends it to login.
                logout(request)
            elif not isinstance(last, int) or now - last >= _WRITE_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
