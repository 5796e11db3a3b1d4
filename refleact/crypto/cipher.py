"""The stored value format: AES-256-GCM with a versioned header.

A sealed value is the URL-safe base64 text of::

    version (1 byte, currently 1) | data key id (16 bytes, a UUID) | nonce (12) | ciphertext+tag

Like Django's password hashers naming their algorithm in every hash, the header
says how and with which key a value was sealed, so formats and keys can change
without guessing. The associated data (not stored) binds the value to its place:
model label, field name and primary key. A value copied to another row or column
fails to open instead of showing someone else's data.
"""

from __future__ import annotations

import base64
import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 1
_HEADER = 1 + 16 + 12
_VERSION_BYTE = bytes([VERSION])


class MalformedValue(ValueError):
    """The stored text is not a sealed value of a known format."""


def seal(aead: AESGCM, key_id: uuid.UUID, plaintext: bytes, aad: bytes) -> str:
    """Return the stored text for plaintext, sealed under key_id and bound to aad."""
    nonce = os.urandom(12)
    header = _VERSION_BYTE + key_id.bytes + nonce
    return base64.urlsafe_b64encode(
        header + aead.encrypt(nonce, plaintext, aad)
    ).decode("ascii")


def key_id_of(token: str) -> tuple[uuid.UUID, bytes]:
    """Return the data key id named in a stored value's header, and its raw bytes."""
    try:
        raw = base64.urlsafe_b64decode(token)
    except (ValueError, TypeError) as exc:
        raise MalformedValue("not base64") from exc
    if len(raw) < _HEADER + 16 or raw[0] != VERSION:
        raise MalformedValue("unknown format version or truncated value")
    return uuid.UUID(bytes=raw[1:17]), raw


def open_raw(aead: AESGCM, raw: bytes, aad: bytes) -> bytes:
    """Return the plaintext of a decoded value; raise InvalidTag when it fails."""
    return aead.decrypt(raw[17:_HEADER], raw[_HEADER:], aad)


__all__ = ["AESGCM", "InvalidTag", "MalformedValue", "key_id_of", "open_raw", "seal"]
