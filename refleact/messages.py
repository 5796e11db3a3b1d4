"""Flash messages in an encrypted browser cookie.

The admin's messages name objects ("The client “…” was added"). Kept in a
server-side table they would be plaintext personal data at rest; in Django's
cookie storage they are signed but readable by anyone who sees the cookie.
Here the signed cookie value is also sealed with AES-GCM under a key derived
from SECRET_KEY, so it is neither stored on the server nor readable on the way.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage

_AAD = b"refleact-messages-cookie"


def _aead() -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"refleact-messages-cookie",
    ).derive(settings.SECRET_KEY.encode())
    return AESGCM(key)


class EncryptedCookieStorage(CookieStorage):
    """Django's cookie storage, with the cookie's value sealed."""

    def _encode_parts(self, messages, encode_empty=False):
        signed = super()._encode_parts(messages, encode_empty=encode_empty)
        if signed is None:
            return None
        nonce = os.urandom(12)
        sealed = nonce + _aead().encrypt(nonce, signed.encode(), _AAD)
        return base64.urlsafe_b64encode(sealed).decode("ascii")

    def _decode(self, data):
        if not data:
            return None
        try:
            raw = base64.urlsafe_b64decode(data.encode("ascii"))
            signed = _aead().decrypt(raw[:12], raw[12:], _AAD).decode()
        except (InvalidTag, ValueError, binascii.Error, UnicodeError):
            self.used = True  # drop a damaged or foreign cookie, as Django does
            return None
        return super()._decode(signed)
