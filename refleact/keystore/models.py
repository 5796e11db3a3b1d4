"""The key store: one wrapped data key per key holder, and tombstones of destroyed keys.

It lives in its own database (the ``keystore`` alias). No transaction spans the two
databases, so the order of writes is the contract (refleact/crypto/README.md):
a data key is committed before the data transaction that uses it, and destroyed only
after the data-side changes have committed.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DataKey(models.Model):
    """A holder's 256-bit data key, stored only wrapped (AES-GCM) by a master key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    holder_id = models.UUIDField(unique=True)
    # Which master key wraps it; rotate_keys selects rows not yet on the newest one.
    master_key_id = models.CharField(max_length=16, db_index=True)
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("data key")
        verbose_name_plural = _("data keys")

    def __str__(self) -> str:
        return f"data key {self.id}"


class Tombstone(models.Model):
    """A destroyed data key: only a tombstoned key reads as 'erased'."""

    class Reason(models.TextChoices):
        TRAJECTORY_CLOSED = "trajectory_closed", "trajectory closed"
        ERASURE_REQUEST = "erasure_request", "erasure requested"
        ORPHAN = "orphan", "orphan key swept"
        HOLDER_DELETED = "holder_deleted", "holder deleted"
        TEST = "test", "test"

    key_id = models.UUIDField(primary_key=True)
    holder_id = models.UUIDField(db_index=True)
    destroyed_at = models.DateTimeField(default=timezone.now)
    # A fixed reason, never free text: a tombstone holds no personal data.
    reason = models.CharField(max_length=32, choices=Reason.choices)

    class Meta:
        verbose_name = _("destroyed data key")
        verbose_name_plural = _("destroyed data keys")

    def __str__(self) -> str:
        return f"tombstone {self.key_id}"


class BlindIndexEntry(models.Model):
    """One blind-index digest of one row of the data database.

    The digests live here, beside the keys, not in the data database: a data
    backup taken before an erasure then holds nothing that a guess plus
    BLIND_INDEX_KEY could match, and ``keyring.destroy`` deletes a holder's
    entries in the transaction that destroys its key (refleact/crypto/README.md,
    "Blind indexes").
    """

    id = models.BigAutoField(primary_key=True)
    # "<model label_lower>.<index field name>": the same key derivation's names.
    index = models.CharField(max_length=120)
    digest = models.CharField(max_length=16)
    row_id = models.UUIDField()
    holder_id = models.UUIDField(db_index=True)

    class Meta:
        verbose_name = _("blind index entry")
        verbose_name_plural = _("blind index entries")
        constraints = [
            # One digest once per row; also serves "the entries of this row".
            models.UniqueConstraint(
                fields=["index", "row_id", "digest"], name="keystore_blind_row_digest"
            )
        ]
        indexes = [
            # blind.BlindIndexField.candidates: the rows of one index with a digest.
            models.Index(fields=["index", "digest"], name="keystore_blind_lookup")
        ]

    def __str__(self) -> str:
        return f"blind index entry {self.id}"


class BlindIndexBuild(models.Model):
    """The definition a blind index's stored digests were built with.

    One row per index ("<model label_lower>.<field name>"), written by
    ``blind.indexes_rebuild``. When the code's definition (kind, bits, source
    fields) differs, the stored digests no longer match the ones lookups compute:
    the check ``keystore.E005`` and /readyz report it, and ``migrate`` rebuilds
    (refleact/crypto/README.md, "Blind indexes").
    """

    index = models.CharField(max_length=120, primary_key=True)
    definition = models.CharField(max_length=300)
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("blind index build")
        verbose_name_plural = _("blind index builds")

    def __str__(self) -> str:
        return f"blind index build {self.index}"
