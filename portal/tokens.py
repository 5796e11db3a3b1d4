"""Single-use links: random tokens, stored only as their SHA-256 digest.

Like ``django.contrib.auth.tokens``, a token says nothing about the account and
is compared in constant time; unlike it, a token is a row, so it can be spent
once, expire, and be revoked when a newer link of its purpose is sent ("only the
newest invitation link works").
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32  # 256 bits: guessing is hopeless, so a plain digest suffices


def token_new() -> str:
    """Return a fresh URL-safe token (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """Return the hex SHA-256 of a token: the only form the database holds."""
    return hashlib.sha256(b"refleact-portal-token:" + token.encode()).hexdigest()


def token_matches(token: str, digest: str) -> bool:
    return hmac.compare_digest(token_digest(token), digest)


def token_looks_valid(token: str) -> bool:
    """True for a string that could be a token (bad input is refused before a query)."""
    return (
        isinstance(token, str)
        and 20 <= len(token) <= 64
        and all(c.isalnum() or c in "-_" for c in token)
    )
