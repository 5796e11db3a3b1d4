"""Encrypted model fields that behave like the plain ones.

How a value travels:
- In the database, a value is the binary sealed value (``cipher``), in a BLOB
  (SQLite) or bytea (PostgreSQL) column.
- When a row is built from the database, ``EncryptedModel.from_db`` opens all its
  sealed values in one pass (``open_row``), with the row's model label, field name
  and primary key (as loaded) as associated data, and keeps the plaintext on the
  instance: reading an attribute is then a plain dictionary hit. A destroyed
  (tombstoned) key gives ``ERASED``; a value that fails to open reads as an
  ``Unopenable`` marker naming its place and cause (``refleact.crypto.unopenable``;
  ``require_opened`` raises DecryptionError instead), and the rest of the row reads.
- On save, ``pre_save`` seals the current plaintext under the row's holder key. A
  value that failed to open is written back as it was; its marker written
  anywhere else raises DecryptionError.

``values()`` and ``values_list()`` on an encrypted field return the stored
ciphertext (``bytes``), never plaintext: they have no row to bind the value to.
Read through model instances. Comparing, filtering or transforming an encrypted
column in SQL (``filter(email=...)``, ``email__icontains``, ``update(email=...)``)
raises EncryptedLookupError: use the blind index. Only ``isnull`` (and ``=None``)
work, and stored ciphertext may be compared or written as it is: ``update()``
takes it wrapped in ``cipher.Ciphertext``, and bytes that do not look sealed are
refused wherever they come from (they could be plaintext).
"""

from __future__ import annotations

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
from refleact.crypto.cipher import Ciphertext
from refleact.crypto.errors import (
    DecryptionError,
    EncryptedLookupError,
    ErasedRowError,
    KeyErased,
    KeyMissing,
)
from refleact.crypto.unopenable import Cause, Unopenable


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


_MISSING = object()
_BYTES = (bytes, bytearray, memoryview)
_NO_ENTRY = (None, float("-inf"))  # never current: a key not cached is looked up
# The key cache's table, read directly on the read path (see open_row).
_KEYS = keyring._cache.by_key
_GONE = keyring._ERASED
_SHORTEST = cipher.SHORTEST
_VERSIONS = cipher.VERSIONS


def _pk_text_v1(pk) -> bytes:
    """The primary key as format version 1 bound it: its canonical text."""
    if pk.__class__ is not uuid.UUID:
        pk = uuid.UUID(str(pk))
    return str(pk).encode("ascii")


def _pk_bytes(pk) -> bytes:
    """The primary key as bound into the associated data: its 16 bytes."""
    if pk is None:
        raise ValueError("a row needs its primary key before a value can be sealed")
    if pk.__class__ is not uuid.UUID:
        pk = uuid.UUID(str(pk))
    return pk.bytes


class EncryptedAttribute(DeferredAttribute):
    """Read an encrypted field: a plain dictionary hit once the row is built.

    A non-data descriptor, like Django's own field attributes: the values are
    opened when the row is built (``open_row``, from ``EncryptedModel.from_db``), so
    reading one costs no call. This runs only when the instance has no value
    under the name: a deferred field (loaded, and opened, now); a value whose key
    was not in the cache when the row was built (opened now: the queryset has
    loaded its rows' keys in one query by then); or a value that failed to open
    (its Unopenable marker, naming its place, on every read).
    """

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        unopened = instance._state.__dict__.get("unopened")
        if unopened is not None and self.field.attname in unopened:
            return self.field.open_later(instance)
        return super().__get__(instance, cls)


class EncryptedFieldMixin:
    """Turn a Django field into one stored sealed in a binary column."""

    encrypted = True
    descriptor_class = EncryptedAttribute

    def get_internal_type(self) -> str:
        return "BinaryField"

    def db_type(self, connection):
        return models.BinaryField().db_type(connection)

    def rel_db_type(self, connection):
        return self.db_type(connection)

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def contribute_to_class(self, cls, name, *args, **kwargs) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self._aad_prefix = None
        self._pk_attname = None
        # Text kinds seal str.encode() of their value (the write path skips a call).
        self._text = type(self).to_plaintext is EncryptedFieldMixin.to_plaintext

    # -- checks ---------------------------------------------------------------
    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_encrypted_model()]

    def _check_encrypted_model(self) -> list[checks.CheckMessage]:
        from refleact.crypto.models import EncryptedModel, HolderIdField

        meta = self.model._meta
        if meta.abstract:
            return []
        errors = []
        if not issubclass(self.model, EncryptedModel):
            errors.append(
                checks.Error(
                    f"{meta.label} has encrypted fields but is no EncryptedModel: its "
                    "rows would not be opened when loaded.",
                    hint="Subclass refleact.crypto.models.EncryptedModel.",
                    obj=self,
                    id="crypto.E004",
                )
            )
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

    def describe(self, instance, pk=None) -> str:
        """Name the place of a value (never the value), for error messages.

        pk: the row the value belongs to, when not the instance's pk (a loaded
        value belongs to the row it was loaded from, ``_state.db_pk``).
        """
        meta = self.model._meta.concrete_model._meta
        pk = instance.pk if pk is None else pk
        return f"{meta.app_label}.{meta.object_name}.{self.name} (pk={pk})"

    # -- opening --------------------------------------------------------------
    def open_later(self, instance):
        """Open a value open_row left for later; give its Unopenable if it fails.

        The marker is kept beside the stored bytes (``_state.unopened``), not in
        the instance's ``__dict__``: saving the row writes the bytes back.
        """
        attname = self.attname
        unopened = instance._state.__dict__["unopened"]
        raw, marker = unopened[attname]
        if marker is None:
            value, problem = _open_one(self, instance, raw)
            if problem is None:
                del unopened[attname]
                instance.__dict__[attname] = value
                return value
            cause, detail = problem
            marker = Unopenable(
                label=self.model._meta.concrete_model._meta.label,
                field=self.name,
                pk=instance._state.db_pk,
                cause=cause,
                detail=detail,
            )
            unopened[attname] = (raw, marker)
        return marker

    # -- sealing ---------------------------------------------------------------
    def seal_value(self, instance, value) -> bytes:
        """Return the stored value of value for this field in instance's row."""
        data = instance.__dict__
        holder_id = data.get("holder_id")
        pk = data.get(self._pk_attname or self._pk_name())
        # What every field of the row needs (key, pk bytes), made once per row and
        # kept while the row's holder, pk and cached key entry stay the same.
        state = instance._state.__dict__
        sealer = state.get("sealer")
        if (
            sealer is None
            or sealer[0] is not holder_id
            or sealer[1] is not pk
            or _KEYS.get(sealer[2]) is not sealer[4]
            or sealer[4][1] < keyring.clock()
        ):
            sealer = state["sealer"] = self._sealer(instance, holder_id, pk)
        if self._text and value.__class__ is str:
            plaintext = value.encode("utf-8")  # to_plaintext, without the call
        else:
            plaintext = self.to_plaintext(value)
        return cipher.seal(
            sealer[3],
            sealer[2],
            plaintext,
            (self._aad_prefix or self._prefix()) + sealer[5],
        )

    def _sealer(self, instance, holder_id, pk) -> tuple:
        """Return (holder id, pk, key id, AES-GCM, key cache entry, pk bytes)."""
        if holder_id is None:
            holder_id = getattr(instance, "holder_id", None)  # a deferred column
            if holder_id is None:
                raise ValueError(f"{self.describe(instance)}: the row has no holder_id")
        try:
            kid, aead = keyring.holder_key(holder_id, create=True)
        except KeyErased as exc:
            raise ErasedRowError(
                f"{self.describe(instance)} belongs to an erased holder and is read-only"
            ) from exc
        # holder_key leaves the key in the cache; its entry is what later values
        # check, so a key destroyed or expired meanwhile is looked up again.
        return (holder_id, pk, kid, aead, _KEYS.get(kid, _NO_ENTRY), _pk_bytes(pk))

    def _pk_name(self) -> str:
        self._pk_attname = self.model._meta.pk.attname
        return self._pk_attname

    def to_plaintext(self, value) -> bytes:
        return (value if type(value) is str else str(value)).encode("utf-8")

    def from_plaintext(self, data: bytes):
        return data.decode("utf-8")

    # -- the Django field protocol --------------------------------------------
    def get_db_converters(self, connection):
        # None: values are opened where the row is known (open_row), and values()
        # gives the stored bytes. Also keeps JSONField's own converter away.
        return []

    def to_python(self, value):
        if (
            value is None
            or value is ERASED
            or value.__class__ is Ciphertext
            or value.__class__ is Unopenable
        ):
            return value
        return super().to_python(value)

    def clean(self, value, model_instance):
        if value is ERASED or value.__class__ is Unopenable:
            # Shown, never validated: an erased row is read-only, and a value that
            # cannot be opened is written back as stored.
            return value
        return super().clean(value, model_instance)

    def save_form_data(self, instance, data):
        if _given_back(instance, self.attname, data):
            return  # the damaged value stays as stored: nobody chose another
        super().save_form_data(instance, data)

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname, _MISSING)
        if value is _MISSING:
            unopened = model_instance._state.__dict__.get("unopened")
            if (
                unopened is not None
                and self.attname in unopened
                and model_instance._state.db_pk == model_instance.pk
            ):
                # Not opened since loading (or failed to open), same row: write it
                # back as it was. A change to another column loses nothing, even
                # when this value cannot be opened now.
                return unopened[self.attname][0]
            value = getattr(model_instance, self.attname)  # deferred, or a copy
        if value.__class__ is str:
            return self.seal_value(model_instance, value)  # the common case first
        if value is None or value.__class__ is Ciphertext:
            return value  # stored ciphertext assigned as it is
        if isinstance(value, _BYTES):
            # What pre_save returns as bytes is sealed (or written back as loaded):
            # bytes on the instance could be plaintext.
            raise TypeError(
                f"{self.describe(model_instance)}: bytes are not a value of this "
                "field (they could be plaintext); wrap stored ciphertext in "
                "refleact.crypto.cipher.Ciphertext"
            )
        if value is ERASED:
            raise ErasedRowError(
                f"{self.describe(model_instance)} was erased; the row is read-only"
            )
        if value.__class__ is Unopenable:
            return self._write_back(model_instance, value)
        if hasattr(value, "resolve_expression"):
            # F(), Value(), ...: SQL would compute the value, unsealed; sealing the
            # expression's text would store nonsense.
            raise TypeError(
                f"{self.describe(model_instance)}: an SQL expression is not a value "
                "of an encrypted field"
            )
        if isinstance(value, Promise):
            value = str(value)
        return self.seal_value(model_instance, value)

    def _write_back(self, instance, marker: Unopenable):
        """Return the stored bytes of a marker assigned back to its own place.

        Anywhere else (another row, field or model, a copy with a new pk) the
        value cannot be written: its plaintext is unknown, and its bytes open
        only in their own place. Raise DecryptionError naming both places.
        """
        unopened = instance._state.__dict__.get("unopened") or {}
        stored = unopened.get(self.attname)
        if (
            stored is not None
            and stored[1] is marker
            and instance._state.db_pk == instance.pk
        ):
            return stored[0]
        raise DecryptionError(
            f"{self.describe(instance)}: {marker.place} cannot be opened, so it "
            "cannot be written here"
        )

    def get_prep_value(self, value):
        # bytes: what pre_save gives (sealed), or stored ciphertext compared as
        # stored. update() takes only Ciphertext (EncryptedQuerySet.update), and
        # pre_save refuses bytes on an instance; what still gets here (a raw save,
        # a plain QuerySet) must at least look sealed: a known version byte and
        # room for header and tag. Text never starts with byte 1 or 2.
        if value is None:
            return value
        if value.__class__ is bytes or value.__class__ is Ciphertext:
            if not value or (len(value) >= _SHORTEST and value[0] in _VERSIONS):
                return value
            raise EncryptedLookupError(
                f"{self.model._meta.label}.{self.name}: bytes that are not a sealed "
                "value cannot be written or compared"
            )
        raise EncryptedLookupError(
            f"{self.model._meta.label}.{self.name} is encrypted and cannot be compared "
            "or written in SQL; use its blind index, or save a model instance"
        )

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)

    def get_db_prep_save(self, value, connection):
        if (
            value.__class__ is bytes
            and len(value) >= _SHORTEST
            and value[0] in _VERSIONS
        ):
            return value  # what pre_save gives: the common case first
        if type(value) is str and value == "":
            # The effective default a migration writes when it adds a blank
            # encrypted column to a table with rows; it reads back as "".
            return b""
        return self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name in ("exact", "isnull"):
            # exact: None becomes isnull; Ciphertext compares as stored; plaintext
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
        if value is ERASED or value.__class__ is Unopenable:
            return str(value)  # the marker's text, never its bytes
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

    # DateField.pre_save handles auto_now; this field has none of that.
    pre_save = EncryptedFieldMixin.pre_save


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
        if value is ERASED or value.__class__ is Unopenable:
            return
        super().validate(value, model_instance)


def open_plan(model, field_names) -> tuple:
    """Return how to open a row of model loaded with these columns (see open_row).

    ((position in the row, field, attname, associated-data prefix, text?), ...)
    """
    plan = []
    for position, attname in enumerate(field_names):
        field = model._meta.get_field(attname) if attname else None
        if isinstance(field, EncryptedFieldMixin):
            text = type(field).from_plaintext is EncryptedFieldMixin.from_plaintext
            plan.append((position, field, attname, field._prefix(), text))
    return tuple(plan)


def open_row(instance, plan, values) -> None:
    """Open the sealed values of a row just built from the database, in one pass.

    The read path of every value, so it is written flat: a dictionary hit for the
    key, the row's pk bytes made once, one decryption. A value whose key is not
    in the cache is left for later (``_state.unopened``): the queryset opens it
    once it has loaded all its rows' keys in one query (``open_pending``), and
    the attribute on access otherwise. So is a value that fails here:
    ``_open_one`` then names the problem, and reading it gives its Unopenable.
    """
    data = instance.__dict__
    pk = None
    for position, field, attname, prefix, text in plan:
        raw = values[position]
        if not raw:
            if raw is not None:
                data[attname] = ""  # b"" or "": a migration's default for a new column
            continue
        if raw.__class__ is not bytes:
            raw = _as_bytes(raw)
        if pk is None:
            pk = _pk_bytes(instance._state.db_pk)
            now = keyring.clock()
        entry = _KEYS.get(raw[1:17])
        if entry is None or entry[0] is _GONE or entry[1] < now:
            _leave(instance, attname, raw)
            continue
        version = raw[0]
        if version == 2:
            aad = prefix + pk
        elif version == 1:
            aad = prefix + _pk_text_v1(instance._state.db_pk)
        else:
            _leave(instance, attname, raw)
            continue
        try:
            plaintext = entry[0].decrypt(raw[17:29], raw[29:], aad)
            data[attname] = (
                plaintext.decode("utf-8") if text else field.from_plaintext(plaintext)
            )
        except (InvalidTag, ValueError, TypeError):
            # Tampered, truncated, or not a value of this field: _open_one says
            # which, on access. The exception is dropped: it may hold plaintext.
            _leave(instance, attname, raw)


def _as_bytes(raw) -> bytes:
    """The stored bytes of a value a driver gave in another type."""
    if isinstance(raw, str):
        # The earlier text form, in a row the conversion did not reach (or
        # written by a process still running older code): open it all the same.
        try:
            return cipher.text_to_binary(raw)
        except ValueError:
            return raw.encode("utf-8", "replace")  # fails to open, with its place
    return bytes(raw)  # a memoryview


def open_pending(instances) -> None:
    """Open the values open_row left for later because their key was not cached.

    A queryset calls this once it has loaded its rows' keys, so that afterwards
    only values that really fail stay unopened (and look deferred to Django).
    """
    for instance in instances:
        unopened = instance._state.__dict__.get("unopened")
        if not unopened:
            continue
        fields = instance._meta._forward_fields_map
        for attname, (_raw, marker) in list(unopened.items()):
            if marker is None and attname not in instance.__dict__:
                # What fails is recorded: reading it gives its Unopenable.
                fields[attname].open_later(instance)


_TAMPERED = (
    "failed to open: tampered, moved from another row or column, or sealed under "
    "another key"
)


def _open_one(field, instance, raw) -> tuple[object, tuple[Cause, str] | None]:
    """Open one stored value: return (plaintext, None) or (None, (cause, problem)).

    A destroyed (tombstoned) key gives ERASED; a key merely missing is a problem.
    """
    if len(raw) < _SHORTEST or raw[0] not in _VERSIONS:
        return None, (Cause.ALTERED, "is not a sealed value")
    try:
        aead = keyring.aead_for_key_bytes(bytes(raw[1:17]))
    except KeyErased:
        return ERASED, None
    except KeyMissing as exc:
        return None, _key_problem(instance, raw[1:17], exc)
    pk = instance._state.db_pk
    if raw[0] == 1:
        aad = field._prefix() + _pk_text_v1(pk)
    else:
        aad = field._prefix() + _pk_bytes(pk)
    try:
        plaintext = aead.decrypt(raw[17:29], raw[29:], aad)
    except InvalidTag:
        return None, (Cause.ALTERED, _TAMPERED)
    try:
        return field.from_plaintext(plaintext), None
    except (ValueError, TypeError):
        # Opened, but not a value of this field (its kind changed under the same
        # name?). The parser's message may quote the plaintext: not repeated.
        return None, (
            Cause.ALTERED,
            f"opened but is not a valid {type(field).__name__} value",
        )


def _key_problem(instance, kid, exc: KeyMissing) -> tuple[Cause, str]:
    """Say why a value whose data key cannot be had fails: key missing, or altered.

    A holder has one data key for good (rotation re-wraps it, erasure leaves no
    new one). When the row's holder has no usable key either, the key store is
    damaged (or a master key is not configured): a restore may repair it. When
    the holder's key is there and is another one, the value names a key that is
    not its holder's: its header was altered.
    """
    missing = (Cause.KEY_MISSING, f"cannot be opened: {exc}")
    holder_id = instance.__dict__.get("holder_id")  # deferred: not looked up
    if holder_id is None:
        return missing
    try:
        own, _aead = keyring.holder_key(holder_id, create=False)
    except KeyMissing:
        return missing  # the holder's own key is gone too
    except KeyErased:
        own = None
    if own == bytes(kid):
        return missing  # back in the key store since (a restore)
    return Cause.ALTERED, (
        f"cannot be opened: {exc}, and it is not the key of the row's holder"
    )


def reopen(instance, field, raw) -> None:
    """Put a value read again as stored on the instance, opened if it opens."""
    attname = field.attname
    unopened = instance._state.__dict__.get("unopened")
    if unopened is not None:
        unopened.pop(attname, None)
    if not raw:
        instance.__dict__[attname] = None if raw is None else ""
        return
    _leave(instance, attname, raw if raw.__class__ is bytes else _as_bytes(raw))
    field.open_later(instance)  # what fails reads as its Unopenable


def failed_to_open(instance, attname: str) -> bool:
    """True when the row's value under attname cannot be opened (and was not
    replaced since, other than by its own marker). Reads nothing deferred."""
    data = instance.__dict__
    if attname in data:
        return data[attname].__class__ is Unopenable
    unopened = instance._state.__dict__.get("unopened")
    if unopened is None or attname not in unopened:
        return False
    return getattr(instance, attname).__class__ is Unopenable


def _given_back(instance, attname: str, data) -> bool:
    """True when a form gives back a damaged value as it was shown to it.

    A form that shows the marker (an UnopenableField) gives the marker back; a
    plain text input shows the marker's text and, submitted unchanged, gives
    that. Either way nobody chose a new value, so the stored bytes stay.
    """
    if data.__class__ is Unopenable:
        return True
    if not isinstance(data, str) or not failed_to_open(instance, attname):
        return False
    return data == str(getattr(instance, attname))


def _leave(instance, attname, raw) -> None:
    """Leave a value unopened, for later (open_later opens it or marks it)."""
    instance.__dict__.pop(attname, None)
    state = instance._state.__dict__
    unopened = state.get("unopened")
    if unopened is None:
        unopened = state["unopened"] = {}
    unopened[attname] = (raw, None)
