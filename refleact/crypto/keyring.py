"""Data keys in memory: unwrap, cache for a short bounded time, create, destroy.

The cache maps data key ids (and holder ids) to ready AES-GCM objects, so a page
listing 100 clients unwraps each key once, and the keys a page lacks are fetched
in one key-store query (``preload``), not one per row.

KEY_CACHE_SECONDS (default 60) bounds how long another running process can still
open the values of a key destroyed meanwhile; the destroying process forgets the
key at once.

Ordering across the two databases (no transaction spans both):
- ``cipher_for_holder(create=True)`` commits a new data key in the key store
  before the data transaction that uses it commits. A rolled-back data
  transaction leaves an orphan key, swept later by ``keystore.orphan_keys_sweep``.
- ``destroy`` must be called only after the data-side changes have committed
  (use ``transaction.on_commit``), so a failed data transaction never leaves rows
  whose key is gone.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import IntegrityError, transaction

from refleact.crypto import masterkeys
from refleact.crypto.errors import CryptoError, KeyErased, KeyMissing

KEYSTORE = "keystore"
_MAX_ENTRIES = 20_000
_ERASED = object()  # negative cache entry for a tombstoned key


class _Cache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[uuid.UUID, tuple[object, float]] = {}
        self._by_holder: dict[uuid.UUID, tuple[uuid.UUID, float]] = {}

    def get_key(self, key_id: uuid.UUID):
        entry = self._by_key.get(key_id)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def get_holder(self, holder_id: uuid.UUID) -> uuid.UUID | None:
        entry = self._by_holder.get(holder_id)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, key_id: uuid.UUID, holder_id: uuid.UUID | None, value) -> None:
        expires = time.monotonic() + settings.KEY_CACHE_SECONDS
        with self._lock:
            if len(self._by_key) >= _MAX_ENTRIES:
                # Bounded: drop everything rather than track recency; refills are cheap.
                self._by_key.clear()
                self._by_holder.clear()
            self._by_key[key_id] = (value, expires)
            if holder_id is not None and value is not _ERASED:
                self._by_holder[holder_id] = (key_id, expires)

    def forget(self, key_id: uuid.UUID | None, holder_id: uuid.UUID | None) -> None:
        with self._lock:
            self._by_key.pop(key_id, None)
            self._by_holder.pop(holder_id, None)

    def clear(self) -> None:
        with self._lock:
            self._by_key.clear()
            self._by_holder.clear()


_cache = _Cache()


def clear_cache() -> None:
    """Forget every unwrapped key in this process (tests, key rotation, shredding)."""
    _cache.clear()


def _models():
    from refleact.keystore.models import DataKey, Tombstone

    return DataKey, Tombstone


def _unwrap(row) -> AESGCM:
    master = masterkeys.by_id().get(row.master_key_id)
    if master is None:
        raise KeyMissing(
            f"data key {row.id} is wrapped by master key {row.master_key_id}, "
            "which is not in FIELD_ENCRYPTION_KEYS"
        )
    try:
        return AESGCM(master.unwrap(bytes(row.wrapped), row.id))
    except InvalidTag as exc:
        raise KeyMissing(
            f"data key {row.id} fails to unwrap (tampered key store)"
        ) from exc


def _remember(row) -> AESGCM:
    aead = _unwrap(row)
    _cache.put(row.id, row.holder_id, aead)
    return aead


def preload(holder_ids: Iterable[uuid.UUID]) -> None:
    """Load, in one key-store query, the keys of these holders not yet cached."""
    missing = {h for h in holder_ids if h is not None and _cache.get_holder(h) is None}
    if not missing:
        return
    DataKey, _ = _models()
    for row in DataKey.objects.using(KEYSTORE).filter(holder_id__in=missing):
        _remember(row)


def cipher_for_key(key_id: uuid.UUID) -> AESGCM:
    """Return the AES-GCM object of a data key; raise KeyErased or KeyMissing."""
    cached = _cache.get_key(key_id)
    if cached is _ERASED:
        raise KeyErased(f"data key {key_id} was destroyed")
    if cached is not None:
        return cached
    DataKey, Tombstone = _models()
    row = DataKey.objects.using(KEYSTORE).filter(id=key_id).first()
    if row is not None:
        return _remember(row)
    tomb = Tombstone.objects.using(KEYSTORE).filter(key_id=key_id).first()
    if tomb is not None:
        _cache.put(key_id, None, _ERASED)
        raise KeyErased(f"data key {key_id} was destroyed")
    raise KeyMissing(f"data key {key_id} is not in the key store and has no tombstone")


def cipher_for_holder(
    holder_id: uuid.UUID, *, create: bool
) -> tuple[uuid.UUID, AESGCM]:
    """Return (key id, AES-GCM) of a holder's data key, creating it if allowed.

    A new key is committed in the key store at once, before the caller's data
    transaction commits. Raise KeyErased when the holder's key was destroyed: an
    erased holder never gets a new key, so its rows stay read-only.
    """
    key_id = _cache.get_holder(holder_id)
    if key_id is not None:
        aead = _cache.get_key(key_id)
        if aead is not None and aead is not _ERASED:
            return key_id, aead
    DataKey, Tombstone = _models()
    row = DataKey.objects.using(KEYSTORE).filter(holder_id=holder_id).first()
    if row is not None:
        return row.id, _remember(row)
    if Tombstone.objects.using(KEYSTORE).filter(holder_id=holder_id).exists():
        raise KeyErased(f"the data key of holder {holder_id} was destroyed")
    if not create:
        raise KeyMissing(f"holder {holder_id} has no data key")
    return _create(holder_id)


def _create(holder_id: uuid.UUID) -> tuple[uuid.UUID, AESGCM]:
    DataKey, _ = _models()
    master = masterkeys.newest()
    key_id = uuid.uuid4()
    raw = AESGCM.generate_key(bit_length=256)
    try:
        # Its own transaction on the key store: committed before the data side uses it.
        with transaction.atomic(using=KEYSTORE):
            DataKey.objects.using(KEYSTORE).create(
                id=key_id,
                holder_id=holder_id,
                master_key_id=master.id,
                wrapped=master.wrap(raw, key_id, os.urandom(12)),
            )
    except IntegrityError:
        # Another process created this holder's key first: use theirs.
        row = DataKey.objects.using(KEYSTORE).get(holder_id=holder_id)
        return row.id, _remember(row)
    aead = AESGCM(raw)
    _cache.put(key_id, holder_id, aead)
    return key_id, aead


def destroy(holder_id: uuid.UUID, *, reason: str) -> bool:
    """Crypto-shred a holder: tombstone its key, overwrite it, delete it.

    Caller must have committed the data-side changes first. Safe to run twice:
    return False when there was no key to destroy.
    """
    DataKey, Tombstone = _models()
    with transaction.atomic(using=KEYSTORE):
        row = (
            DataKey.objects.using(KEYSTORE)
            .select_for_update()
            .filter(holder_id=holder_id)
            .first()
        )
        if row is None:
            return False
        Tombstone.objects.using(KEYSTORE).create(
            key_id=row.id, holder_id=holder_id, reason=reason
        )
        # Overwrite before delete: with SQLite's secure_delete the page is zeroed;
        # on PostgreSQL the old tuple stays until VACUUM (see keystore/README.md).
        DataKey.objects.using(KEYSTORE).filter(id=row.id).update(
            wrapped=os.urandom(len(bytes(row.wrapped))), master_key_id="destroyed"
        )
        DataKey.objects.using(KEYSTORE).filter(id=row.id).delete()
    _cache.forget(row.id, holder_id)
    _cache.put(row.id, None, _ERASED)
    return True


__all__ = [
    "CryptoError",
    "cipher_for_holder",
    "cipher_for_key",
    "clear_cache",
    "destroy",
    "preload",
]
