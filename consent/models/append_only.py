"""Rows that are written once and never changed: the consent ledger, disclosures.

The application refuses ``save()`` of a stored row, ``delete()``, and the
queryset's ``update()`` and ``delete()``. On PostgreSQL a trigger refuses UPDATE
and DELETE as well (migration 0003), so raw SQL cannot rewrite the proof either.
The one way out is ``consent.services.consent_records_erase``: the retention
sweep's erasure of a client.
"""

from __future__ import annotations

from django.db import models

from refleact.crypto.models import EncryptedQuerySet


class AppendOnlyError(Exception):
    """A stored consent record or disclosure cannot be changed or deleted."""


class AppendOnlyQuerySet(EncryptedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} rows are never updated")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} rows are never deleted")

    def _erase(self) -> int:
        """Delete these rows for the erasure path only (consent_records_erase)."""
        return super().delete()[0]


class AppendOnlyModel(models.Model):
    """Mixin: a row may be inserted once; changing or deleting it is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A refusal, not a hidden effect: the ledger is proof only if it is fixed.
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} {self.pk} is never changed")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} {self.pk} is never deleted")
