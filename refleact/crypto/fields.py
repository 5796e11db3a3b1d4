"""Encrypted model fields that behave like the plain ones.

How a value travels:
- From the database, ``from_db_value`` wraps the stored text in ``Sealed``: it
  does not know the row, so it cannot open it yet.
- On attribute access, the descriptor opens it with the row's model label, field
  name and primary key (as loaded) as associated data, and keeps the plaintext on
  the instance. A destroyed (tombstoned) key gives ``ERASED``.
- On save, ``pre_save`` seals the current plaintext under the row's holder key. A
  value never opened since loading is written back as it was, unopened.

``values()`` and ``values_list()`` on an encrypted field return ``Sealed``
objects, never plaintext: they have no row to bind the value to. Read through
model instances. Comparing, filtering or transforming an encrypted column in SQL
(``filter(email=...)``, ``email__icontains``, ``update(email=...)``) raises
EncryptedLookupError: use the blind index. Only ``isnull`` (and ``=None``) work.
"""

from __future__ import annotations

import binascii
import datetime
import json
import uuid

from cryptography.exceptions import InvalidTag
from django.core import checks
from django.db import models
from django.db.models.fields import NOT_PROVIDED
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
    """The value of a field whose holder key was destroyed on purpose.

    Renders as "erased" ("gewist" in Dutch) in templates, the admin and exports.
    """

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
        # Length validators and templates' |length see the marker's text.
        return len(str(self))

    def __reduce__(self):
        return (_Erased, ())

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


ERASED = _Erased()


class _SealedText(str):
    """Ciphertext produced by pre_save, allowed through get_prep_value."""


_MISSING = object()
# The key cache's table, read directly on the read path (see open_value).
_KEYS = keyring._cache.by_key
_HOLDERS = keyring._cache.by_holder
_GONE = keyring._ERASED
_a2b = binascii.a2b_base64
_SHORTEST = cipher.SHORTEST
_VERSION = cipher.VERSION


def _pk_text(pk) -> bytes:
    if pk is None:
        raise ValueError("a row needs its primary key before a value can be sealed")
    if not isinstance(pk, uuid.UUID):
        pk = uuid.UUID(str(pk))
    return str(pk).encode("ascii")


class EncryptedAttribute(DeferredAttribute):
    """Open the stored value on first access, where the row is known."""

    def __init__(self, field) -> None:
        super().__init__(field)
        self.attname = field.attname

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        data = instance.__dict__
        try:
            value = data[self.attname]
        except KeyError:
            super().__get__(instance, cls)  # loads a deferred field
            value = data[self.attname]
        if value.__class__ is Sealed:
            value = data[self.attname] = self.field.open_value(instance, value.token)
        return value

    def __set__(self, instance, value) -> None:
        instance.__dict__[self.attname] = value


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
        self._pk_attname = None

    # -- checks ---------------------------------------------------------------
    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_encrypted_model()]

    def _check_encrypted_model(self) -> list[checks.CheckMessage]:
        from refleact.crypto.models import HolderIdField

        meta = self.model._meta
        if meta.abstract:
            return []
        errors = []
        pk = meta.pk
        if not (
            isinstance(pk, models.UUIDField)
            and not pk.is_relation
            and pk.default not in (NOT_PROVIDED, None)
        ):
            errors.append(
                checks.Error(
                    f"{meta.label} has encrypted fields but no UUID primary key with "
                    "a default: the key is bound into each value before the insert.",
                    hint="Subclass refleact.crypto.models.EncryptedModel.",
                    obj=self,
                    id="crypto.E001",
                )
            )
        if not any(isinstance(f, HolderIdField) for f in meta.concrete_fields):
            errors.append(
                checks.Error(
                    f"{meta.label} has encrypted fields but no HolderIdField.",
                    hint="Subclass refleact.crypto.models.EncryptedModel.",
                    obj=self,
                    id="crypto.E002",
                )
            )
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique, indexed or a primary key: "
                    "every value is sealed with a random nonce.",
                    hint="Add a BlindIndexField (unique_plaintext=True for uniqueness).",
                    obj=self,
                    id="crypto.E003",
                )
            )
        return errors

    # -- associated data: (concrete model label, field name, primary key) -----
    def _prefix(self) -> bytes:
        prefix = self._aad_prefix
        if prefix is None:
            label = self.model._meta.concrete_model._meta.label
            prefix = self._aad_prefix = f"{label}|{self.name}|".encode()
        return prefix

    def _aad(self, instance, pk) -> bytes:
        """Return the associated data of this field's value in the row with pk."""
        state = instance._state.__dict__
        cached = state.get("seal_pk")
        if cached is None or (cached[0] is not pk and cached[0] != pk):
            cached = state["seal_pk"] = (pk, _pk_text(pk))
        return self._prefix() + cached[1]

    def describe(self, instance) -> str:
        """Name the place of a value (never the value), for error messages."""
        meta = self.model._meta.concrete_model._meta
        return f"{meta.app_label}.{meta.object_name}.{self.name} (pk={instance.pk})"

    # -- opening and sealing --------------------------------------------------
    def open_value(self, instance, token: str):
        """Return the plaintext of a stored value of this field in instance's row.

        The read path of every value, so it is written flat: one base64 decode, a
        dictionary hit for the key, the pk's text cached per row, one decryption.
        A value belongs to the row it was loaded as (``_state.db_pk``), even if
        the instance's pk changed since (copying a row by clearing its pk).
        """
        try:
            raw = _a2b(token.replace("-", "+").replace("_", "/"))
        except (binascii.Error, ValueError) as exc:
            raise DecryptionError(
                f"{self.describe(instance)} is not a sealed value"
            ) from exc
        if len(raw) < _SHORTEST or raw[0] != _VERSION:
            raise DecryptionError(f"{self.describe(instance)} is not a sealed value")
        entry = _KEYS.get(raw[1:17])
        if entry is not None and entry[0] is not _GONE and entry[1] >= keyring.clock():
            aead = entry[0]
        else:
            try:
                aead = keyring.aead_for_key_bytes(raw[1:17])
            except KeyErased:
                return ERASED
            except KeyMissing as exc:
                raise DecryptionError(
                    f"{self.describe(instance)} cannot be opened: {exc}"
                ) from exc
        state = instance._state.__dict__
        pk_text = state.get("open_pk")
        if pk_text is None:
            pk = state.get("db_pk", _MISSING)
            pk_text = state["open_pk"] = _pk_text(instance.pk if pk is _MISSING else pk)
        prefix = self._aad_prefix or self._prefix()
        try:
            plaintext = aead.decrypt(raw[17:29], raw[29:], prefix + pk_text)
        except InvalidTag as exc:
            raise DecryptionError(
                f"{self.describe(instance)} failed to open: tampered, moved from another "
                "row or column, or sealed under another key"
            ) from exc
        return self.from_plaintext(plaintext)

    def seal_value(self, instance, value) -> str:
        """Return the stored text of value for this field in instance's row."""
        holder_id = instance.__dict__.get("holder_id")
        if holder_id is None:
            holder_id = getattr(instance, "holder_id", None)
            if holder_id is None:
                raise ValueError(f"{self.describe(instance)}: the row has no holder_id")
        # The holder's key from the cache without a call; keyring.holder_key otherwise.
        now = keyring.clock()
        entry = _HOLDERS.get(holder_id)
        key_entry = _KEYS.get(entry[0]) if entry is not None else None
        if (
            key_entry is not None
            and entry[1] >= now
            and key_entry[1] >= now
            and key_entry[0] is not _GONE
        ):
            kid, aead = entry[0], key_entry[0]
        else:
            try:
                kid, aead = keyring.holder_key(holder_id, create=True)
            except KeyErased as exc:
                raise ErasedRowError(
                    f"{self.describe(instance)} belongs to an erased holder and is "
                    "read-only"
                ) from exc
        pk = instance.__dict__.get(self._pk_attname or self._pk_name())
        return cipher.seal(aead, kid, self.to_plaintext(value), self._aad(instance, pk))

    def _pk_name(self) -> str:
        self._pk_attname = self.model._meta.pk.attname
        return self._pk_attname

    def to_plaintext(self, value) -> bytes:
        return (value if type(value) is str else str(value)).encode("utf-8")

    def from_plaintext(self, data: bytes):
        return data.decode("utf-8")

    # -- the Django field protocol --------------------------------------------
    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            # "" is what a migration writes when it adds a blank column to existing
            # rows (see get_db_prep_save); values saved through a model are sealed.
            return value
        return Sealed(value)

    def to_python(self, value):
        if value is None or value is ERASED or isinstance(value, Sealed):
            return value
        return super().to_python(value)

    def clean(self, value, model_instance):
        if value is ERASED:
            return value  # shown, never validated: the row is read-only
        return super().clean(value, model_instance)

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname, _MISSING)
        if value.__class__ is Sealed:
            state = model_instance._state.__dict__
            if state.get("db_pk", _MISSING) == model_instance.pk:
                # Unchanged since loading, same row: write it back unopened.
                return _SealedText(value.token)
            value = getattr(model_instance, self.attname)
        elif value is _MISSING:
            value = getattr(model_instance, self.attname)  # a deferred field
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
        if type(value) is str and value == "":
            # The effective default a migration writes when it adds a blank
            # encrypted column to a table with rows; it reads back as "".
            return value
        return self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name in ("exact", "isnull"):
            # exact: None becomes isnull; a Sealed token compares tokens; plaintext
            # raises in get_prep_value.
            return super().get_lookup(lookup_name)
        raise EncryptedLookupError(
            f"{self.model._meta.label}.{self.name} is encrypted: no '{lookup_name}' "
            "lookup in SQL (no LIKE over ciphertext); use its blind index"
        )

    def get_transform(self, lookup_name):
        raise EncryptedLookupError(
            f"{self.model._meta.label}.{self.name} is encrypted: no '{lookup_name}' "
            "transform in SQL; read the value through a model instance"
        )

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        if value is None:
            return None
        if value is ERASED:
            return str(ERASED)
        return self.plaintext_to_string(value)

    def plaintext_to_string(self, value):
        return str(value)


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

    def plaintext_to_string(self, value):
        return value.isoformat()

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

    def plaintext_to_string(self, value):
        return value  # like JSONField: the serializer writes the structure itself

    def to_python(self, value):
        return value

    def validate(self, value, model_instance):
        if value is ERASED:
            return
        super().validate(value, model_instance)
