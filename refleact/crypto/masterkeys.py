"""Master keys from FIELD_ENCRYPTION_KEYS.

Format: each key is 32 random bytes in URL-safe base64 (44 characters); the
variable is a comma-separated list, newest first. The first key wraps new data
keys; every listed key can unwrap. A key's id is the first 8 bytes of
SHA-256("refleact-master-key-id:" + raw key), in hex: stable, public, and
revealing nothing of the key. Data keys record the id of the master key that
wraps them.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from refleact.localenv import ConfigurationError, decode_key


@dataclass(frozen=True)
class MasterKey:
    id: str
    aead: AESGCM

    def wrap(self, data_key: bytes, key_id: uuid.UUID, nonce: bytes) -> bytes:
        return nonce + self.aead.encrypt(nonce, data_key, _wrap_aad(key_id))

    def unwrap(self, wrapped: bytes, key_id: uuid.UUID) -> bytes:
        return self.aead.decrypt(
            bytes(wrapped[:12]), bytes(wrapped[12:]), _wrap_aad(key_id)
        )


def _wrap_aad(key_id: uuid.UUID) -> bytes:
    # Binds a wrapped key to its row: a wrapped key copied to another row fails.
    return b"refleact-data-key:" + key_id.bytes


def master_key_id(raw: bytes) -> str:
    return hashlib.sha256(b"refleact-master-key-id:" + raw).digest()[:8].hex()


@lru_cache(maxsize=8)
def _parse(value: tuple[str, ...]) -> tuple[MasterKey, ...]:
    keys = []
    for text in value:
        raw = decode_key(text, variable="FIELD_ENCRYPTION_KEYS")
        keys.append(MasterKey(id=master_key_id(raw), aead=AESGCM(raw)))
    if not keys:
        raise ConfigurationError("FIELD_ENCRYPTION_KEYS is not set")
    return tuple(keys)


def master_keys() -> tuple[MasterKey, ...]:
    """Return the configured master keys, newest first."""
    from django.conf import settings

    return _parse(tuple(k.strip() for k in settings.FIELD_ENCRYPTION_KEYS if k.strip()))


def newest() -> MasterKey:
    return master_keys()[0]


def by_id() -> dict[str, MasterKey]:
    return {key.id: key for key in master_keys()}
