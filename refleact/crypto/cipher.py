"""The stored value format: AES-256-GCM with a versioned header.

A sealed value is the URL-safe base64 text (with padding) of::

    version (1 byte, currently 1) | data key id (16 bytes, a UUID) | nonce (12) | ciphertext+tag

Like Django's password hashers naming their algorithm in every hash, the header
says how and with which key a value was sealed, so formats and keys can change
without guessing. The nonce is 96 random bits from the OS per value; at the volumes
one data key seals (one holder's fields) a random-nonce collision is out of reach.
The header is not part of the associated data and need not be: a changed key id
selects another key and a changed version is refused, so either fails to open.

The associated data (not stored) binds the value to its place: model label, field
name and primary key (see ``fields.EncryptedFieldMixin``). A value copied to another
row or column fails to open instead of showing someone else's data.
"""

from __future__ import annotations

import binascii
import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 1
_VERSION_BYTE = bytes([VERSION])
_NONCE_AT = 1 + 16
_CIPHERTEXT_AT = _NONCE_AT + 12
SHORTEST = _CIPHERTEXT_AT + 16  # an empty plaintext still carries its 16-byte tag


class MalformedValue(ValueError):
    """The stored text is not a sealed value of a known format."""


def seal(aead: AESGCM, key_id: uuid.UUID | bytes, plaintext: bytes, aad: bytes) -> str:
    """Return the stored text for plaintext, sealed under key_id and bound to aad."""
    nonce = os.urandom(12)
    kid = key_id.bytes if isinstance(key_id, uuid.UUID) else key_id
    raw = _VERSION_BYTE + kid + nonce + aead.encrypt(nonce, plaintext, aad)
    # base64.urlsafe_b64encode, without its slower translate step.
    text = binascii.b2a_base64(raw, newline=False).decode("ascii")
    return text.replace("+", "-").replace("/", "_")


def parse(token: str) -> tuple[bytes, bytes]:
    """Return (the 16 bytes of the data key id, the decoded value); check the header.

    On the read path of every value, so it avoids ``base64.urlsafe_b64decode``
    (its translate step costs more than the decryption) and UUID objects.
    """
    try:
        raw = binascii.a2b_base64(token.replace("-", "+").replace("_", "/"))
    except (binascii.Error, ValueError, TypeError, AttributeError) as exc:
        raise MalformedValue("not base64") from exc
    if len(raw) < SHORTEST or raw[0] != VERSION:
        raise MalformedValue("unknown format version or truncated value")
    return raw[1:_NONCE_AT], raw


def key_id_of(token: str) -> tuple[uuid.UUID, bytes]:
    """Return the data key id named in a stored value's header, and its raw bytes."""
    kid, raw = parse(token)
    return uuid.UUID(bytes=kid), raw


def open_raw(aead: AESGCM, raw: bytes, aad: bytes) -> bytes:
    """Return the plaintext of a decoded value; raise InvalidTag when it fails."""
    return aead.decrypt(raw[_NONCE_AT:_CIPHERTEXT_AT], raw[_CIPHERTEXT_AT:], aad)


__all__ = [
    "AESGCM",
    "InvalidTag",
    "MalformedValue",
    "key_id_of",
    "open_raw",
    "parse",
    "seal",
]
