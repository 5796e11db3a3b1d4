"""The base of every model with encrypted fields."""

from __future__ import annotations

import uuid

from django.db import models

from refleact.crypto import blind, keyring
from refleact.crypto.fields import ERASED, EncryptedFieldMixin


class HolderIdField(models.UUIDField):
    """The key holder whose data key seals the row. Immutable once saved.

    It sits on the row itself, so a queryset loads all the keys it needs in one
    key-store query and opening a value never costs a join.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value is None:
            raise ValueError(
                f"{model_instance._meta.label} needs a holder_id before saving"
            )
        return value


def _instances_with_related(objs):
    """Yield objs and the objects select_related() loaded beside them (each once:
    related caches can point back, e.g. a credit invoice and the invoice it credits)."""
    seen: set[int] = set()
    stack = list(objs)
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        yield obj
        cache = getattr(getattr(obj, "_state", None), "fields_cache", None)
        if cache:
            stack.extend(o for o in cache.values() if isinstance(o, models.Model))


class EncryptedQuerySet(models.QuerySet):
    """A QuerySet that loads every data key its rows need in one key-store query."""

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if (
            fresh
            and self._result_cache
            and isinstance(self._result_cache[0], models.Model)
        ):
            keyring.preload(
                getattr(obj, "holder_id", None)
                for obj in _instances_with_related(self._result_cache)
            )


class EncryptedModel(models.Model):
    """Abstract base: UUID primary key (known before the insert, so it can be bound
    into the associated data) and the holder whose key seals the row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    holder_id = HolderIdField()

    objects = EncryptedQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    @classmethod
    def encrypted_fields(cls) -> list[EncryptedFieldMixin]:
        return [
            f for f in cls._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)
        ]

    @property
    def is_erased(self) -> bool:
        """True when the holder's key was destroyed: the row is read-only."""
        return any(getattr(self, f.attname) is ERASED for f in self.encrypted_fields())

    def validate_unique(self, exclude=None) -> None:
        super().validate_unique(exclude=exclude)
        blind.validate_unique(self, exclude=exclude)
