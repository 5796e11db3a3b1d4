"""Who is a client in the portal, and for how long a session lasts.

``client_required`` is on every portal view that shows personal data: the login
must be a client's portal account (never staff), the session must not be idle
longer than PORTAL_SESSION_IDLE_MINUTES, and it must not have been ended by "log
out everywhere". Otherwise the visitor is sent to the portal's login.
"""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils import translation

from portal import selectors

SEEN = "portal_seen"
GENERATION = "portal_generation"
LANGUAGES = ("nl", "en")


def session_start(request, account) -> None:
    """Mark a fresh login's session as the portal's, for this generation."""
    request.session[GENERATION] = account.session_generation
    request.session[SEEN] = int(time.time())
    request.session.set_expiry(settings.PORTAL_SESSION_IDLE_MINUTES * 60)


def page_language(request, account=None) -> str:
    """The page's language: the switch (cookie), else the client's, else Dutch."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in LANGUAGES:
        return chosen
    if account is not None and account.client.language in LANGUAGES:
        return account.client.language
    return "nl"


def client_required(view):
    """Let only a live client session through; put account and client on request."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        account = selectors.account_for_user(user=request.user)
        now = int(time.time())
        idle = settings.PORTAL_SESSION_IDLE_MINUTES * 60
        if account is not None and (
            request.session.get(GENERATION) != account.session_generation
            or now - request.session.get(SEEN, 0) > idle
        ):
            logout(request)
            account = None
        if account is None:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        request.session[SEEN] = now
        request.session.set_expiry(idle)
        request.portal_account = account
        request.client = account.client
        with translation.override(page_language(request, account)):
            return view(request, *args, **kwargs)

    return wrapper


def public_page(view):
    """A portal page without login (login, links): in the switch's language."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override(page_language(request)):
            return view(request, *args, **kwargs)

    return wrapper
