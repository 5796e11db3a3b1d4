"""Key-store operations: rotation, orphan sweep, status."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from refleact.crypto import keyring, masterkeys
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.crypto.models import HolderIdField
from refleact.crypto.unopenable import Unopenable
from refleact.keystore.models import DataKey, Tombstone

KEYSTORE = "keystore"


def models_with_holders() -> list:
    """Every concrete model whose rows carry a holder_id."""
    return [
        model
        for model in apps.get_models()
        if not model._meta.proxy
        and any(isinstance(f, HolderIdField) for f in model._meta.concrete_fields)
    ]


@dataclass
class Rotation:
    rewrapped: int = 0
    # Keys that would not unwrap (tampered key store): left as they are, by id.
    failed: list[uuid.UUID] = field(default_factory=list)


def keys_rotate(*, batch_size: int = 500, limit: int | None = None) -> Rotation:
    """Re-wrap data keys under the newest master key.

    No row of data is rewritten: values name their data key, and the data keys do
    not change, only the master key that wraps them. Each key is updated by a
    conditional UPDATE that matches only while the row is still wrapped as read,
    so a key destroyed or rotated meanwhile is left alone (``save()`` could bring a
    destroyed key back). Batches walk the ids in order and each commits on its own,
    so the command is safe to interrupt and run again: the next run continues with
    the keys still left. ``limit`` stops after that many keys.
    """
    newest = masterkeys.newest()
    known = masterkeys.by_id()
    result = Rotation()
    seen = 0
    after = None
    while limit is None or seen < limit:
        size = batch_size if limit is None else min(batch_size, limit - seen)
        pending = (
            DataKey.objects.using(KEYSTORE)
            .exclude(master_key_id=newest.id)
            .filter(master_key_id__in=list(known))
            .order_by("id")
        )
        if after is not None:
            pending = pending.filter(id__gt=after)
        batch = list(pending[:size])
        if not batch:
            break
        with transaction.atomic(using=KEYSTORE):
            for row in batch:
                try:
                    raw = known[row.master_key_id].unwrap(bytes(row.wrapped), row.id)
                except InvalidTag:
                    result.failed.append(row.id)
                    continue
                result.rewrapped += (
                    DataKey.objects.using(KEYSTORE)
                    .filter(id=row.id, master_key_id=row.master_key_id)
                    .update(
                        master_key_id=newest.id,
                        wrapped=newest.wrap(raw, row.id, os.urandom(12)),
                    )
                )
        seen += len(batch)
        after = batch[-1].id
    keyring.clear_cache()
    return result


def keys_left_to_rotate() -> int:
    """Count data keys not yet wrapped by the newest master key."""
    newest = masterkeys.newest()
    return DataKey.objects.using(KEYSTORE).exclude(master_key_id=newest.id).count()


def holder_ids_in_use() -> set:
    used = set()
    for model in models_with_holders():
        used.update(model._base_manager.values_list("holder_id", flat=True).distinct())
    return used


def _holder_in_use(holder_id) -> bool:
    return any(
        model._base_manager.filter(holder_id=holder_id).exists()
        for model in models_with_holders()
    )


def orphan_keys_sweep(*, min_age: timedelta = timedelta(days=1)) -> int:
    """Destroy data keys older than min_age whose holder has no row left.

    Keys are committed before the data that uses them, so a rolled-back data
    transaction leaves a key nothing uses. The age margin keeps a key whose data
    transaction is still running; each orphan is checked once more right before
    it is destroyed. The practice key is never swept. Idempotent: a second run
    finds no orphan. Return how many keys were destroyed.
    """
    cutoff = timezone.now() - min_age
    candidates = set(
        DataKey.objects.using(KEYSTORE)
        .filter(created_at__lt=cutoff)
        .exclude(holder_id=PRACTICE_HOLDER_ID)
        .values_list("holder_id", flat=True)
    )
    orphans = candidates - holder_ids_in_use()
    return sum(
        keyring.destroy(h, reason=Tombstone.Reason.ORPHAN)
        for h in sorted(orphans, key=str)
        if not _holder_in_use(h)
    )


def orphan_files_sweep(*, min_age: timedelta = timedelta(days=1)) -> int:
    """Delete stored attachment files that no row refers to; return how many.

    Uploads of a request that saved nothing, and attachments replaced or cleared,
    leave ciphertext whose file key no current row holds. Rows are read first,
    then files older than min_age are compared, so an upload being saved right
    now is never taken. When any file field fails to open, nothing is deleted:
    an unreadable reference must not cost a file. Idempotent.
    """
    from refleact.crypto.filefield import EncryptedFileField
    from refleact.crypto.files import SealedFile, storage_dir

    referenced: set[str] = set()
    for model in models_with_holders():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedFileField)
        ]
        if not names:
            continue
        for obj in model._base_manager.iterator(chunk_size=500):
            for name in names:
                value = getattr(obj, name)
                if value.__class__ is Unopenable:
                    return 0
                if isinstance(value, SealedFile):
                    referenced.add(value.name)
    cutoff = (timezone.now() - min_age).timestamp()
    deleted = 0
    for path in storage_dir().iterdir():
        if (
            path.is_file()
            and path.name not in referenced
            and path.stat().st_mtime < cutoff
        ):
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


@dataclass
class EncryptionStatus:
    # master key id -> data keys it wraps, for configured master keys, newest first
    keys_per_master: dict = field(default_factory=dict)
    # the same for master key ids the configuration lacks
    unknown_masters: dict = field(default_factory=dict)
    tombstones: int = 0
    values_checked: int = 0
    # "app.Model.field" -> count of values that fail to open
    failures: Counter = field(default_factory=Counter)
    # unopenable.Cause -> count of values that fail to open
    causes: Counter = field(default_factory=Counter)
    # "app.Model.field" -> count of values of erased holders
    erased: Counter = field(default_factory=Counter)


def encryption_status(
    *,
    verify: bool = True,
    on_unopenable: Callable[[Unopenable], None] | None = None,
) -> EncryptionStatus:
    """Count keys per master key, tombstones, and values that fail to open.

    Never returns or logs a value: counts per model field and cause, and, for
    each value that fails to open, its marker (place and cause) passed to
    ``on_unopenable`` as it is found, so a table of damaged values is never
    held in memory. Rows are read 500 at a time.
    """
    status = EncryptionStatus()
    configured = [k.id for k in masterkeys.master_keys()]
    counts = dict(
        DataKey.objects.using(KEYSTORE)
        .values("master_key_id")
        .annotate(n=Count("id"))
        .values_list("master_key_id", "n")
    )
    status.keys_per_master = {k: counts.pop(k, 0) for k in configured}
    status.unknown_masters = counts
    status.tombstones = Tombstone.objects.using(KEYSTORE).count()
    if verify:
        values_verify(status=status, on_unopenable=on_unopenable)
    return status


def values_verify(
    *,
    status: EncryptionStatus,
    on_unopenable: Callable[[Unopenable], None] | None = None,
) -> EncryptionStatus:
    """Open every stored value and count into status; see encryption_status."""
    from refleact.crypto.fields import ERASED, EncryptedFieldMixin

    for model in models_with_holders():
        fields = [
            f for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)
        ]
        if not fields:
            continue
        for obj in model._base_manager.only(
            "pk", "holder_id", *(f.attname for f in fields)
        ).iterator(chunk_size=500):
            for f in fields:
                status.values_checked += 1
                place = f"{model._meta.label}.{f.name}"
                value = getattr(obj, f.attname)
                if value.__class__ is Unopenable:
                    status.failures[place] += 1
                    status.causes[value.cause] += 1
                    if on_unopenable is not None:
                        on_unopenable(value)
                elif value is ERASED:
                    status.erased[place] += 1
    return status
