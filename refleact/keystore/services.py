"""Key-store operations: rotation, orphan sweep, status."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from refleact.crypto import keyring, masterkeys
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.crypto.models import HolderIdField
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


def keys_rotate(*, batch_size: int = 500, limit: int | None = None) -> int:
    """Re-wrap data keys under the newest master key; return how many were re-wrapped.

    No row of data is rewritten. Each key is updated by a conditional UPDATE that
    matches only while it is still wrapped as read, so a key destroyed or rotated
    meanwhile is left alone (``save()`` could bring a destroyed key back). Safe to
    interrupt and run again: the next run continues with the keys still left.
    """
    newest = masterkeys.newest()
    known = masterkeys.by_id()
    done = 0
    while limit is None or done < limit:
        size = batch_size if limit is None else min(batch_size, limit - done)
        batch = list(
            DataKey.objects.using(KEYSTORE)
            .exclude(master_key_id=newest.id)
            .filter(master_key_id__in=list(known))
            .order_by("id")[:size]
        )
        if not batch:
            break
        with transaction.atomic(using=KEYSTORE):
            for row in batch:
                raw = known[row.master_key_id].unwrap(bytes(row.wrapped), row.id)
                done += (
                    DataKey.objects.using(KEYSTORE)
                    .filter(id=row.id, master_key_id=row.master_key_id)
                    .update(
                        master_key_id=newest.id,
                        wrapped=newest.wrap(raw, row.id, os.urandom(12)),
                    )
                )
    keyring.clear_cache()
    return done


def holder_ids_in_use() -> set:
    used = set()
    for model in models_with_holders():
        used.update(model._base_manager.values_list("holder_id", flat=True).distinct())
    return used


def orphan_keys_sweep(*, min_age: timedelta = timedelta(days=1)) -> int:
    """Destroy data keys older than min_age whose holder has no row left.

    Keys are committed before the data that uses them, so a rolled-back data
    transaction leaves a key nothing uses. The age margin keeps a key whose data
    transaction is still running. Idempotent: a second run finds no orphan.
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
    )


@dataclass
class EncryptionStatus:
    keys_per_master: dict = field(default_factory=dict)
    unknown_masters: dict = field(default_factory=dict)
    tombstones: int = 0
    failures: dict = field(default_factory=dict)
    values_checked: int = 0


def encryption_status(*, verify: bool = True) -> EncryptionStatus:
    """Count keys per master key, tombstones, and values that fail to open."""
    from django.db.models import Count

    from refleact.crypto.errors import DecryptionError
    from refleact.crypto.fields import EncryptedFieldMixin

    status = EncryptionStatus()
    configured = [k.id for k in masterkeys.master_keys()]
    counts = dict(
        DataKey.objects.using(KEYSTORE)
        .values_list("master_key_id")
        .annotate(n=Count("id"))
        .values_list("master_key_id", "n")
    )
    status.keys_per_master = {k: counts.pop(k, 0) for k in configured}
    status.unknown_masters = counts
    status.tombstones = Tombstone.objects.using(KEYSTORE).count()
    if verify:
        for model in models_with_holders():
            fields = [
                f
                for f in model._meta.concrete_fields
                if isinstance(f, EncryptedFieldMixin)
            ]
            if not fields:
                continue
            for obj in model._base_manager.all().iterator(chunk_size=500):
                for f in fields:
                    status.values_checked += 1
                    try:
                        getattr(obj, f.attname)
                    except DecryptionError:
                        place = f"{model._meta.label}.{f.name}"
                        status.failures[place] = status.failures.get(place, 0) + 1
    return status
