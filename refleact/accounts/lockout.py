"""What django-axes stores as the username: a keyed digest, never the typed name.

Clients will log in by e-mail; an attempt table full of typed e-mail addresses
would be a plaintext copy of them. The digest is keyed with BLIND_INDEX_KEY, so
it cannot be reversed by hashing guesses without the key, yet the same login
name always gives the same digest and lockouts still work per name.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from refleact.localenv import decode_key


def login_name_digest(request, credentials: dict | None = None) -> str:
    """Return the keyed digest axes stores in place of the typed login name."""
    typed = ""
    if credentials:
        typed = credentials.get("username") or credentials.get("email") or ""
    elif request is not None:
        data = getattr(request, "POST", {}) or {}
        typed = data.get("username") or data.get("email") or ""
    key = decode_key(settings.BLIND_INDEX_KEY, variable="BLIND_INDEX_KEY")
    mac = hmac.new(
        key, b"refleact-login-name:" + typed.strip().lower().encode(), hashlib.sha256
    )
    return "h:" + mac.hexdigest()[:32]
