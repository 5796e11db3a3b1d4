"""The stored value format: AES-256-GCM with a versioned header.

A sealed value is stored as these bytes (a BLOB in SQLite, bytea in PostgreSQL)::

    version (1 byte, currently 2) | data key id (16 bytes, a UUID) | nonce (12) | ciphertext+tag

Like Django's password hashers naming their algorithm in every hash, the header
says how and with which key a value was sealed, so formats and keys can change
without guessing. The nonce is 96 random bits from the OS per value; at the volumes
one data key seals (one holder's fields) a random-nonce collision is out of reach.
The header is not part of the associated data and need not be: a changed key id
selects another key and a changed version is refused, so either fails to open.

The associated data (not stored) binds the value to its place: model label, field
name and primary key (see ``fields.EncryptedFieldMixin``). A value copied to another
row or column fails to open instead of showing someone else's data.

Versions: 1 bound the primary key as its canonical text (36 characters); 2 binds
its 16 bytes, which costs less to make on the read path of every row. Both open;
new values are sealed as version 2.

(Until migration 0002 of each app, values were stored as the URL-safe base64 text
of the same bytes; ``text_to_binary`` converts them.)
"""

from __future__ import annotations

import binascii
from os import urandom as _urandom

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 2
VERSIONS = frozenset({1, 2})  # the versions that open
_VERSION_BYTE = bytes([VERSION])
_NONCE_AT = 1 + 16
_CIPHERTEXT_AT = _NONCE_AT + 12
SHORTEST = _CIPHERTEXT_AT + 16  # an empty plaintext still carries its 16-byte tag


class Ciphertext(bytes):
    """Stored bytes of a sealed value, marked as such for ``update()``.

    ``update(field=...)`` of an encrypted field takes only these (and None): plain
    ``bytes`` could be plaintext (``upload.read()``). Wrap bytes read with
    ``values()`` in one to write them back as they are. (``seal`` itself returns
    plain bytes: a bytes subclass is tracked by the garbage collector, which on
    the write path of every value costs more than the sealing.)
    """

    __slots__ = ()


def seal(aead: AESGCM, key_id: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Return the stored value for plaintext, sealed under key_id and bound to aad.

    key_id is the data key id's 16 bytes (``uuid.UUID.bytes``).
    """
    nonce = _urandom(12)
    return _VERSION_BYTE + key_id + nonce + aead.encrypt(nonce, plaintext, aad)


def text_to_binary(text: str) -> bytes:
    """Return the bytes of a value stored in the earlier text form (base64)."""
    return binascii.a2b_base64(text.replace("-", "+").replace("_", "/"))


__all__ = ["AESGCM", "Ciphertext", "InvalidTag", "seal", "text_to_binary"]
