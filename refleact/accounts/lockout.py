"""What django-axes stores as the username: a keyed digest, never the typed name.

Clients will log in by e-mail; an attempt table full of typed e-mail addresses
would be a plaintext copy of them. The digest is keyed with BLIND_INDEX_KEY, so
it cannot be reversed by hashing guesses without the key, yet the same login
name always gives the same digest and lockouts still work per name.
"""

from __future__ import annotations

import hashlib
import hmac

from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_session_hash, get_credentials
from axes.models import AccessLog
from django.conf import settings

from refleact.accounts.models import User
from refleact.localenv import decode_key


def login_name_digest(request, credentials: dict | None = None) -> str:
    """Return the keyed digest axes stores in place of the typed login name."""
    typed = ""
    if credentials:
        typed = credentials.get("username") or credentials.get("email") or ""
    elif request is not None:
        data = getattr(request, "POST", {}) or {}
        typed = data.get("username") or data.get("email") or ""
    return _digest(typed, key=_key())


def accounts_by_login_digest() -> dict[str, tuple[int, str]]:
    """Return each account's (pk, username), keyed by its login name's digest.

    One query and one HMAC per account, so a page of login records of any length
    names their accounts at the same cost.
    """
    key = _key()
    accounts = User.objects.values_list("pk", "username")
    return {_digest(username, key=key): (pk, username) for pk, username in accounts}


def _key() -> bytes:
    return decode_key(settings.BLIND_INDEX_KEY, variable="BLIND_INDEX_KEY")


def _digest(typed: str, *, key: bytes) -> str:
    mac = hmac.new(
        key, b"refleact-login-name:" + typed.strip().lower().encode(), hashlib.sha256
    )
    return "h:" + mac.hexdigest()[:32]


class DigestAccessLogHandler(AxesDatabaseHandler):
    """axes' database handler, storing the digest in access logs too.

    The stock handler writes ``user.get_username()`` into each AccessLog row and
    logs it on every login and logout; this one stores the same keyed digest as the
    attempt rows, and logs nothing that names the user.
    """

    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        credentials = get_credentials(user.get_username())
        self.clean_expired_user_attempts(request, credentials)
        if not axes_settings.AXES_DISABLE_ACCESS_LOG:
            AccessLog.objects.create(
                username=login_name_digest(request, credentials),
                ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent,
                http_accept=request.axes_http_accept,
                path_info=request.axes_path_info,
                attempt_time=request.axes_attempt_time,
                session_hash=get_client_session_hash(request),
            )
        if axes_settings.AXES_RESET_ON_SUCCESS:
            # Matches the failures through AXES_USERNAME_CALLABLE, i.e. the digest.
            self.reset_user_attempts(request, credentials)

    def user_logged_out(self, sender, request, user, **kwargs) -> None:
        credentials = get_credentials(user.get_username()) if user else None
        self.clean_expired_user_attempts(request, credentials)
        if credentials and not axes_settings.AXES_DISABLE_ACCESS_LOG:
            AccessLog.objects.filter(
                username=login_name_digest(request, credentials),
                logout_time__isnull=True,
                session_hash=get_client_session_hash(request),
            ).update(logout_time=request.axes_attempt_time)
