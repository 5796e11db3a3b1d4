"""Data keys in memory: unwrap, cache for a short bounded time, create, destroy.

The cache maps data key ids (and holder ids) to ready AES-GCM objects, so a page
listing 100 clients unwraps each key once, and the keys a page lacks are fetched
in one key-store query (``preload``), not one per row.

KEY_CACHE_SECONDS (default 60) bounds how long another running process can still
open the values of a key destroyed meanwhile: an entry expires that long after it
was fetched, however often it is used. The destroying process forgets the key at
once. Entries are counted, and the cache is emptied when it reaches _MAX_ENTRIES.

Ordering across the two databases (no transaction spans both):
- A new data key is committed in the key store, in a transaction of its own, before
  the data transaction that uses it commits. A rolled-back data transaction leaves
  an orphan key that nothing uses; ``keystore.services.orphan_keys_sweep`` destroys
  it a day later.
- ``destroy`` must run only after the data-side changes have committed (use
  ``destroy_on_commit``), so a failed data transaction never leaves rows whose key
  is gone while the change that should have preceded the erasure is lost.
"""

from __future__ import annotations

import functools
import os
import threading
import time
import uuid
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import IntegrityError, transaction

from refleact.crypto import blindstore, masterkeys
from refleact.crypto.errors import CryptoError, KeyErased, KeyMissing

KEYSTORE = "keystore"
_MAX_ENTRIES = 20_000
# One key-store query names at most this many holders (SQLite's parameter limit
# is far above it; a page of rows needs one query).
_QUERY_BATCH = 500
_ERASED = object()  # negative cache entry: a tombstoned key or holder

# The cache's clock. Monotonic, so a wall-clock jump cannot stretch a key's stay in
# memory; tests replace it (time-machine does not move time.monotonic).
clock = time.monotonic


class _Cache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # key id (16 bytes) -> (AESGCM or _ERASED, expiry)
        self.by_key: dict[bytes, tuple[object, float]] = {}
        # holder id -> (key id bytes or _ERASED, expiry)
        self.by_holder: dict[uuid.UUID, tuple[object, float]] = {}

    def get_key(self, kid: bytes):
        entry = self.by_key.get(kid)
        if entry is None or entry[1] < clock():
            return None
        return entry[0]

    def get_holder(self, holder_id: uuid.UUID):
        entry = self.by_holder.get(holder_id)
        if entry is None or entry[1] < clock():
            return None
        return entry[0]

    def _make_room(self) -> None:
        if len(self.by_key) >= _MAX_ENTRIES or len(self.by_holder) >= _MAX_ENTRIES:
            # Bounded: drop everything rather than track recency; refills are cheap.
            self.by_key.clear()
            self.by_holder.clear()

    def put(self, kid: bytes, holder_id: uuid.UUID | None, aead: AESGCM) -> None:
        expires = clock() + settings.KEY_CACHE_SECONDS
        with self._lock:
            self._make_room()
            self.by_key[kid] = (aead, expires)
            if holder_id is not None:
                self.by_holder[holder_id] = (kid, expires)

    def put_many(self, entries: list[tuple[bytes, uuid.UUID, AESGCM]]) -> None:
        """Cache (key id, holder id, AES-GCM) triples, as ``put`` does one."""
        expires = clock() + settings.KEY_CACHE_SECONDS
        with self._lock:
            for kid, holder_id, aead in entries:
                self._make_room()
                self.by_key[kid] = (aead, expires)
                self.by_holder[holder_id] = (kid, expires)

    def put_erased(self, kid: bytes | None, holder_id: uuid.UUID | None) -> None:
        expires = clock() + settings.KEY_CACHE_SECONDS
        with self._lock:
            self._make_room()
            if kid is not None:
                self.by_key[kid] = (_ERASED, expires)
            if holder_id is not None:
                self.by_holder[holder_id] = (_ERASED, expires)

    def forget(self, kid: bytes, holder_id: uuid.UUID) -> None:
        with self._lock:
            self.by_key.pop(kid, None)
            self.by_holder.pop(holder_id, None)

    def clear(self) -> None:
        with self._lock:
            self.by_key.clear()
            self.by_holder.clear()


_cache = _Cache()


def clear_cache() -> None:
    """Forget every unwrapped key in this process (tests, key rotation, shredding)."""
    _cache.clear()


def _models():
    from refleact.keystore.models import DataKey, Tombstone

    return DataKey, Tombstone


def _holder(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _unwrap(row) -> AESGCM:
    return _unwrap_values(row.id, row.master_key_id, row.wrapped)


def _unwrap_values(key_id, master_key_id, wrapped, masters=None) -> AESGCM:
    master = (masters if masters is not None else masterkeys.by_id()).get(master_key_id)
    if master is None:
        raise KeyMissing(
            f"data key {key_id} is wrapped by master key {master_key_id}, "
            "which is not in FIELD_ENCRYPTION_KEYS"
        )
    try:
        return AESGCM(master.unwrap(bytes(wrapped), key_id))
    except InvalidTag as exc:
        raise KeyMissing(
            f"data key {key_id} fails to unwrap (tampered key store)"
        ) from exc


def _remember(row) -> AESGCM:
    aead = _unwrap(row)
    _cache.put(row.id.bytes, row.holder_id, aead)
    return aead


def preload(holder_ids: Iterable, *, create: bool = False) -> None:
    """Load the keys of these holders not yet cached, in one key-store query.

    Holders without a key cost one more query, for their tombstones (so their
    values read as erased without a query per value). With ``create``, holders that
    have neither get a new key, all committed in one key-store transaction.
    """
    wanted = {_holder(h) for h in holder_ids if h is not None}
    missing = [h for h in wanted if _cache.get_holder(h) is None]
    for start in range(0, len(missing), _QUERY_BATCH):
        _preload_batch(set(missing[start : start + _QUERY_BATCH]), create=create)


def _preload_batch(missing: set[uuid.UUID], *, create: bool) -> None:
    DataKey, Tombstone = _models()
    masters = masterkeys.by_id()
    loaded = []
    for key_id, holder_id, master_key_id, wrapped in (
        DataKey.objects.using(KEYSTORE)
        .filter(holder_id__in=missing)
        .values_list("id", "holder_id", "master_key_id", "wrapped")
    ):
        missing.discard(holder_id)
        try:
            aead = _unwrap_values(key_id, master_key_id, wrapped, masters)
        except KeyMissing:
            # Left uncached: opening a value then names its row in the error.
            continue
        loaded.append((key_id.bytes, holder_id, aead))
    _cache.put_many(loaded)
    if not missing:
        return
    for key_id, holder_id in (
        Tombstone.objects.using(KEYSTORE)
        .filter(holder_id__in=missing)
        .values_list("key_id", "holder_id")
    ):
        missing.discard(holder_id)
        _cache.put_erased(key_id.bytes, holder_id)
    if create and missing:
        _create_many(missing)


def aead_for_key_bytes(kid: bytes) -> AESGCM:
    """Return the AES-GCM object of the data key whose id has these 16 bytes.

    The read path of every value: a dictionary hit when the key is cached.
    """
    entry = _cache.by_key.get(kid)
    if entry is not None and entry[1] >= clock():
        if entry[0] is _ERASED:
            raise KeyErased(f"data key {uuid.UUID(bytes=kid)} was destroyed")
        return entry[0]
    return _load_key(uuid.UUID(bytes=kid))


def cipher_for_key(key_id: uuid.UUID) -> AESGCM:
    """Return the AES-GCM object of a data key; raise KeyErased or KeyMissing."""
    return aead_for_key_bytes(key_id.bytes)


def _load_key(key_id: uuid.UUID) -> AESGCM:
    DataKey, Tombstone = _models()
    row = DataKey.objects.using(KEYSTORE).filter(id=key_id).first()
    if row is not None:
        return _remember(row)
    tomb = Tombstone.objects.using(KEYSTORE).filter(key_id=key_id).first()
    if tomb is not None:
        _cache.put_erased(key_id.bytes, tomb.holder_id)
        raise KeyErased(f"data key {key_id} was destroyed")
    raise KeyMissing(f"data key {key_id} is not in the key store and has no tombstone")


def holder_key(holder_id, *, create: bool) -> tuple[bytes, AESGCM]:
    """Return (key id bytes, AES-GCM) of a holder's data key: the sealing path."""
    holder_id = _holder(holder_id)
    kid = _cache.get_holder(holder_id)
    if kid is _ERASED:
        raise KeyErased(f"the data key of holder {holder_id} was destroyed")
    if kid is not None:
        aead = _cache.get_key(kid)
        if aead is not None and aead is not _ERASED:
            return kid, aead
    DataKey, Tombstone = _models()
    row = DataKey.objects.using(KEYSTORE).filter(holder_id=holder_id).first()
    if row is not None:
        return row.id.bytes, _remember(row)
    if create:
        return _create(holder_id)  # refuses a tombstoned holder itself
    if Tombstone.objects.using(KEYSTORE).filter(holder_id=holder_id).exists():
        _cache.put_erased(None, holder_id)
        raise KeyErased(f"the data key of holder {holder_id} was destroyed")
    raise KeyMissing(f"holder {holder_id} has no data key")


def cipher_for_holder(
    holder_id: uuid.UUID, *, create: bool
) -> tuple[uuid.UUID, AESGCM]:
    """Return (key id, AES-GCM) of a holder's data key, creating it if allowed.

    A new key is committed in the key store at once, before the caller's data
    transaction commits. Raise KeyErased when the holder's key was destroyed: an
    erased holder never gets a new key, so its rows stay read-only.
    """
    kid, aead = holder_key(holder_id, create=create)
    return uuid.UUID(bytes=kid), aead


def is_erased(holder_id) -> bool:
    """Return True when the holder's data key was destroyed (a tombstone exists)."""
    if holder_id is None:
        return False
    holder_id = _holder(holder_id)
    cached = _cache.get_holder(holder_id)
    if cached is not None:
        return cached is _ERASED
    try:
        holder_key(holder_id, create=False)
    except KeyErased:
        return True
    except KeyMissing:
        return False  # a holder without a key yet (a new client) is not erased
    return False


def _new_row(holder_id: uuid.UUID, master) -> tuple[object, AESGCM]:
    DataKey, _ = _models()
    key_id = uuid.uuid4()
    raw = AESGCM.generate_key(bit_length=256)
    row = DataKey(
        id=key_id,
        holder_id=holder_id,
        master_key_id=master.id,
        wrapped=master.wrap(raw, key_id, os.urandom(12)),
    )
    return row, AESGCM(raw)


def _create(holder_id: uuid.UUID) -> tuple[bytes, AESGCM]:
    DataKey, Tombstone = _models()
    row, aead = _new_row(holder_id, masterkeys.newest())
    try:
        # Its own transaction on the key store: committed before the data side uses
        # it. The tombstone is checked in the same transaction, so an erased holder
        # never gets a new key.
        with transaction.atomic(using=KEYSTORE):
            erased = (
                Tombstone.objects.using(KEYSTORE).filter(holder_id=holder_id).exists()
            )
            if not erased:
                row.save(using=KEYSTORE, force_insert=True)
    except IntegrityError:
        # Another process created this holder's key first: use theirs.
        row = DataKey.objects.using(KEYSTORE).get(holder_id=holder_id)
        return row.id.bytes, _remember(row)
    if erased:
        _cache.put_erased(None, holder_id)
        raise KeyErased(f"the data key of holder {holder_id} was destroyed")
    _cache.put(row.id.bytes, holder_id, aead)
    return row.id.bytes, aead


def _create_many(holder_ids: set[uuid.UUID]) -> None:
    DataKey, Tombstone = _models()
    master = masterkeys.newest()
    try:
        with transaction.atomic(using=KEYSTORE):
            erased = set(
                Tombstone.objects.using(KEYSTORE)
                .filter(holder_id__in=holder_ids)
                .values_list("holder_id", flat=True)
            )
            made = [_new_row(h, master) for h in holder_ids - erased]
            DataKey.objects.using(KEYSTORE).bulk_create([row for row, _ in made])
    except IntegrityError:
        # A concurrent writer created some of them: fall back to one at a time.
        for holder_id in holder_ids:
            try:
                holder_key(holder_id, create=True)
            except KeyErased:
                continue
        return
    for holder_id in erased:
        _cache.put_erased(None, holder_id)
    for row, aead in made:
        _cache.put(row.id.bytes, row.holder_id, aead)


def destroy(holder_id, *, reason: str) -> bool:
    """Crypto-shred a holder: tombstone its key, overwrite it, delete it.

    Caller must have committed the data-side changes first (see the module
    docstring; ``destroy_on_commit`` does that). ``reason`` is one of
    ``Tombstone.Reason``: a tombstone never holds free text. Safe to run twice:
    return False when there was no key to destroy.
    """
    DataKey, Tombstone = _models()
    reason = Tombstone.Reason(reason)  # ValueError for anything but a fixed reason
    holder_id = _holder(holder_id)
    with transaction.atomic(using=KEYSTORE):
        row = (
            DataKey.objects.using(KEYSTORE)
            .select_for_update()
            .filter(holder_id=holder_id)
            .first()
        )
        # Its blind-index digests go with the key, also when the key is already
        # gone (a key store restored from before a rerun still holds them).
        blindstore.holder_entries_delete(holder_id)
        if row is None:
            return False
        Tombstone.objects.using(KEYSTORE).create(
            key_id=row.id, holder_id=holder_id, reason=reason
        )
        # Overwrite before delete. SQLite runs with secure_delete, so the old cell is
        # zeroed in the file; PostgreSQL keeps the old tuple until VACUUM and the WAL
        # until recycled (refleact/crypto/README.md, "How long until a destroyed key
        # is gone").
        DataKey.objects.using(KEYSTORE).filter(id=row.id).update(
            wrapped=os.urandom(len(bytes(row.wrapped))), master_key_id="destroyed"
        )
        DataKey.objects.using(KEYSTORE).filter(id=row.id).delete()
    # Forgotten, not remembered as erased: a sweep destroying thousands of keys
    # would otherwise hold an entry per key until expiry (bench/retention.py).
    # A later read finds the tombstone in the key store and caches that.
    _cache.forget(row.id.bytes, holder_id)
    return True


def destroy_on_commit(holder_id, *, reason: str, using: str = "default") -> None:
    """Destroy the holder's key once the current data transaction has committed."""
    transaction.on_commit(
        functools.partial(destroy, holder_id, reason=reason), using=using
    )


__all__ = [
    "CryptoError",
    "aead_for_key_bytes",
    "cipher_for_holder",
    "cipher_for_key",
    "clear_cache",
    "destroy",
    "destroy_on_commit",
    "holder_key",
    "is_erased",
    "preload",
]
