"""Small values kept in the browser, sealed with a key derived from SECRET_KEY.

``django.core.signing`` signs: anyone who sees a signed cookie reads it. This
seals: AES-256-GCM under HKDF-SHA256(SECRET_KEY, info=purpose), a random nonce
per value, and associated data the caller names (the login a value belongs to),
so a value opens only for its purpose and in its context. Nothing is kept on
the server.
"""

from __future__ import annotations

import base64
import binascii
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_NONCE = 12


@lru_cache(maxsize=16)
def _aead(secret: str, purpose: str) -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"refleact-sealed-cookie:{purpose}".encode(),
    ).derive(secret.encode())
    return AESGCM(key)


def seal(plaintext: bytes, *, purpose: str, context: bytes) -> str:
    """Return plaintext sealed for purpose and context, as cookie-safe text."""
    nonce = os.urandom(_NONCE)
    sealed = _aead(settings.SECRET_KEY, purpose).encrypt(nonce, plaintext, context)
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(value: str, *, purpose: str, context: bytes) -> bytes | None:
    """Return what seal() sealed, or None for a damaged, foreign or stale value."""
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
        return _aead(settings.SECRET_KEY, purpose).decrypt(
            raw[:_NONCE], raw[_NONCE:], context
        )
    except (InvalidTag, ValueError, binascii.Error, UnicodeError):
        return None
