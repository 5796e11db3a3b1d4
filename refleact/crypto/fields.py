"""Encrypted model fields that behave like the plain ones.

How a value travels:
- From the database, ``from_db_value`` wraps the stored text in ``Sealed``: it
  does not know the row, so it cannot open it yet.
- On attribute access, the descriptor opens it with the row's model label,
  field name and primary key as associated data, and keeps the plaintext on the
  instance. A destroyed (tombstoned) key gives ``ERASED``.
- On save, ``pre_save`` seals the current plaintext under the row's holder key.

``values()`` and ``values_list()`` on an encrypted field return ``Sealed``
objects, never plaintext: they have no row to bind the value to. Read through
model instances. Comparing an encrypted column in SQL (``filter(email=...)``,
``update(email=...)``) raises EncryptedLookupError: use the blind index.
"""

from __future__ import annotations

import datetime
import json

from cryptography.exceptions import InvalidTag
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.functional import Promise
from django.utils.translation import gettext

from refleact.crypto import cipher, keyring
from refleact.crypto.errors import (
    DecryptionError,
    EncryptedLookupError,
    ErasedRowError,
    KeyErased,
    KeyMissing,
)


class Sealed:
    """A stored value not opened yet (what values() returns for encrypted fields)."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return "<Sealed>"

    __str__ = __repr__


class _Erased:
    """The value of a field whose holder key was destroyed on purpose."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        return gettext("erased")

    def __repr__(self) -> str:
        return "ERASED"

    def __len__(self) -> int:
        return len(str(self))

    def __reduce__(self):
        return (_Erased, ())


ERASED = _Erased()


class _SealedText(str):
    """Ciphertext produced by pre_save, allowed through get_prep_value."""


class EncryptedAttribute(DeferredAttribute):
    """Open the stored value on first access, where the row is known."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        data = instance.__dict__
        name = self.field.attname
        if name not in data:
            super().__get__(instance, cls)  # loads a deferred field
        value = data[name]
        if type(value) is Sealed:
            value = self.field.open_value(instance, value.token)
            data[name] = value
        return value

    def __set__(self, instance, value) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedFieldMixin:
    """Turn a Django field into one stored sealed in a text column."""

    encrypted = True
    descriptor_class = EncryptedAttribute

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def rel_db_type(self, connection):
        return self.db_type(connection)

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def contribute_to_class(self, cls, name, *args, **kwargs) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self._aad_prefix = None

    # Associated data: (concrete model label, field name, primary key).
    def _aad(self, instance) -> bytes:
        prefix = self._aad_prefix
        if prefix is None:
            label = self.model._meta.concrete_model._meta.label
            prefix = self._aad_prefix = f"{label}|{self.name}|".encode()
        return prefix + str(instance.pk).encode()

    def describe(self, instance) -> str:
        """Name the place of a value (never the value), for error messages."""
        meta = self.model._meta.concrete_model._meta
        return f"{meta.app_label}.{meta.object_name}.{self.name} (pk={instance.pk})"

    def open_value(self, instance, token: str):
        try:
            key_id, raw = cipher.key_id_of(token)
        except cipher.MalformedValue as exc:
            raise DecryptionError(
                f"{self.describe(instance)} is not a sealed value"
            ) from exc
        try:
            aead = keyring.cipher_for_key(key_id)
        except KeyErased:
            return ERASED
        except KeyMissing as exc:
            raise DecryptionError(
                f"{self.describe(instance)} cannot be opened: {exc}"
            ) from exc
        try:
            plaintext = cipher.open_raw(aead, raw, self._aad(instance))
        except InvalidTag as exc:
            raise DecryptionError(
                f"{self.describe(instance)} failed to open: tampered, moved from another "
                "row or column, or sealed under another key"
            ) from exc
        return self.from_plaintext(plaintext)

    def seal_value(self, instance, value) -> str:
        holder_id = getattr(instance, "holder_id", None)
        if holder_id is None:
            raise ErasedRowError(f"{self.describe(instance)}: the row has no holder_id")
        try:
            key_id, aead = keyring.cipher_for_holder(holder_id, create=True)
        except KeyErased as exc:
            raise ErasedRowError(
                f"{self.describe(instance)} belongs to an erased holder and is read-only"
            ) from exc
        return cipher.seal(aead, key_id, self.to_plaintext(value), self._aad(instance))

    def to_plaintext(self, value) -> bytes:
        return str(value).encode("utf-8")

    def from_plaintext(self, data: bytes):
        return data.decode("utf-8")

    # -- the Django field protocol --------------------------------------------
    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def to_python(self, value):
        if value is None or value is ERASED or isinstance(value, Sealed):
            return value
        return super().to_python(value)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value is None:
            return None
        if value is ERASED:
            raise ErasedRowError(
                f"{self.describe(model_instance)} was erased; the row is read-only"
            )
        if isinstance(value, Promise):
            value = str(value)
        return _SealedText(self.seal_value(model_instance, value))

    def get_prep_value(self, value):
        if value is None or isinstance(value, _SealedText):
            return value
        if isinstance(value, Sealed):
            return value.token
        raise EncryptedLookupError(
            f"{self.model._meta.label}.{self.name} is encrypted and cannot be compared "
            "or written in SQL; use its blind index, or save a model instance"
        )

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)

    def get_db_prep_save(self, value, connection):
        return self.get_prep_value(value)

    def value_to_string(self, obj) -> str:
        value = self.value_from_object(obj)
        if value is None:
            return None
        return str(value) if not isinstance(value, datetime.date) else value.isoformat()


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    """A CharField stored sealed; ``max_length`` limits the plaintext."""


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    """A TextField stored sealed."""


class EncryptedEmailField(EncryptedFieldMixin, models.EmailField):
    """An EmailField stored sealed."""


class EncryptedDateField(EncryptedFieldMixin, models.DateField):
    """A DateField stored sealed (as ISO text inside the ciphertext)."""

    def to_plaintext(self, value) -> bytes:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return value.isoformat().encode("ascii")

    def from_plaintext(self, data: bytes):
        return datetime.date.fromisoformat(data.decode("ascii"))

    def pre_save(self, model_instance, add):
        # DateField.pre_save handles auto_now; this field has none of that.
        return EncryptedFieldMixin.pre_save(self, model_instance, add)


class EncryptedJSONField(EncryptedFieldMixin, models.JSONField):
    """A JSONField stored sealed (the JSON text is the plaintext)."""

    def to_plaintext(self, value) -> bytes:
        return json.dumps(value, cls=self.encoder, separators=(",", ":")).encode(
            "utf-8"
        )

    def from_plaintext(self, data: bytes):
        return json.loads(data.decode("utf-8"), cls=self.decoder)

    def to_python(self, value):
        return value

    def validate(self, value, model_instance):
        if value is ERASED:
            return
        super().validate(value, model_instance)
