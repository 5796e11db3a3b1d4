"""Blind indexes: exact lookups over encrypted values without decrypting every row.

A blind index stores a truncated HMAC-SHA256 of the normalised value, under a
key derived per indexed field from BLIND_INDEX_KEY (separate from the master
keys, and checked to be different by the "refleact_keys" system check)::

    field_key = HMAC-SHA256(BLIND_INDEX_KEY, "refleact-blind-index:<model label_lower>:<field>")
    digest    = hex(HMAC-SHA256(field_key, normalised value))[: bits / 4]

Truncation follows CipherSweet's guidance (paragonie/ciphersweet, docs/SECURITY.md,
"Blind Index Information Leaks"): with R indexed values and b bits, each value is
expected to coincide with C = R / 2^b others, and one should "aim for
2 <= C < sqrt(R)". C >= 2 means a digest never points at one row only, so equal
digests do not prove equal plaintexts; C < sqrt(R) keeps the index worth having.
Refleact plans for a practice of up to 10,000 clients and a platform of up to
1,000,000: the clients' indexes have 12 bits (``clients.models.BLIND_INDEX_BITS``):
e-mail C = 2.4 at 10,000 and 244 (< sqrt = 1,000) at 1,000,000; name tokens
(about 2.5 per client) C = 6.1 and 610 (< 1,581). Below 8,192 rows the e-mail
index's C falls under 2; that reveals nothing, because e-mail addresses are
unique (``unique_plaintext``), so no two rows share a plaintext to betray. For
names, see refleact/crypto/README.md ("Blind indexes") for what the token index
still shows, and for the rebuild a change of bits needs.

A truncated index collides on purpose, so a match is only a candidate: every lookup
opens the candidates and compares plaintext before a row counts (``search``), and
uniqueness is checked the same way under a lock (``lock_and_validate_unique``),
never by a unique constraint on the index.

The digests are not stored in the data database: a ``BlindIndexField`` has no
column, and its digests are rows of the key store (``blindstore``), deleted with
the holder's key. A data backup taken before an erasure therefore holds no digest
that a guess and BLIND_INDEX_KEY could match (refleact/crypto/README.md).

Kinds:
- ``exact`` (e-mail): one digest of the trimmed, lower-cased value of one field.
- ``tokens`` (names): the values of the source fields split into words, case-
  and accent-folded; each word's digest is stored in one column as
  " d1 d2 d3 " and a search for several words keeps rows that have all of them.
  The LIKE this needs runs over these digests, never over ciphertext.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from functools import lru_cache
from itertools import islice

from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models, router
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext_lazy as _

from refleact.crypto import blindstore
from refleact.crypto.fields import ERASED, EncryptedFieldMixin, failed_to_open
from refleact.crypto.unopenable import Unopenable
from refleact.localenv import decode_key

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalise_email(value: str) -> str:
    """Trim and lower-case: 'Emile@X.nl ' and 'emile@x.nl' are one address."""
    return value.strip().lower()


def fold(value: str) -> str:
    """Case- and accent-fold: 'Émile' and 'emile' are the same token."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_tokens(value: str) -> list[str]:
    """Split a name into folded words: 'Émile de Vries-Smit' -> emile, de, vries, smit."""
    return _WORD.findall(fold(value))


@lru_cache(maxsize=256)
def _field_key(secret: str, label: str, field: str) -> bytes:
    raw = decode_key(secret, variable="BLIND_INDEX_KEY")
    return hmac.new(
        raw, f"refleact-blind-index:{label}:{field}".encode(), hashlib.sha256
    ).digest()


def _readable(value) -> bool:
    """True for a value an index may use: not empty, erased or unopenable.

    An erased value and a value that cannot be opened are markers, not text:
    indexing or comparing their text ("erased", "cannot be opened (id ...)")
    would let a search for those words find them.
    """
    return bool(value) and value is not ERASED and value.__class__ is not Unopenable


def digest(label: str, field: str, normalised: str, bits: int) -> str:
    """Return the truncated hex digest of one normalised value or token."""
    key = _field_key(settings.BLIND_INDEX_KEY, label, field)
    return hmac.digest(key, normalised.encode(), "sha256").hex()[: bits // 4]


class _IndexValue:
    """The attribute: the digests of the instance's current plaintext, as text."""

    def __init__(self, field: BlindIndexField) -> None:
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return self.field.compute(instance)

    def __set__(self, instance, value) -> None:
        # Always computed: full_clean assigns the cleaned value back; ignore it.
        pass


class BlindIndexField(models.CharField):
    """A blind index over one or more encrypted fields of the same model.

    It has no column: its digests are written to the key store on every save
    (``index_rows``), computed from the plaintext of its source fields, so they
    never drift from the row they index. The attribute gives the digests of the
    instance's current values.
    """

    EXACT = "exact"
    TOKENS = "tokens"

    def __init__(
        self,
        *args,
        source: str | tuple[str, ...] = (),
        kind: str = EXACT,
        bits: int = 8,
        unique_plaintext: bool = False,
        **kwargs,
    ) -> None:
        if bits % 4 or not 4 <= bits <= 64:
            raise ValueError("bits must be a multiple of 4 between 4 and 64")
        self.source = (source,) if isinstance(source, str) else tuple(source)
        self.kind = kind
        self.bits = bits
        self.unique_plaintext = unique_plaintext
        kwargs.setdefault("editable", False)
        kwargs["serialize"] = False
        kwargs.setdefault("db_index", False)
        kwargs.setdefault("default", "")
        kwargs.setdefault("blank", True)
        kwargs["max_length"] = bits // 4 if kind == self.EXACT else 1000
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(
            source=self.source,
            kind=self.kind,
            bits=self.bits,
            unique_plaintext=self.unique_plaintext,
        )
        for key in (
            "editable",
            "db_index",
            "default",
            "blank",
            "max_length",
            "serialize",
        ):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    # -- no column ---------------------------------------------------------
    def get_attname_column(self):
        return self.get_attname(), None

    def db_type(self, connection):
        return None

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.attname, _IndexValue(self))

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_sources()]

    def _check_sources(self) -> list[checks.CheckMessage]:
        errors = []
        if self.kind not in (self.EXACT, self.TOKENS):
            errors.append(
                checks.Error(f"unknown kind {self.kind!r}", obj=self, id="crypto.E010")
            )
        if self.kind == self.EXACT and len(self.source) != 1:
            errors.append(
                checks.Error(
                    "an exact blind index has exactly one source field",
                    obj=self,
                    id="crypto.E011",
                )
            )
        for name in self.source:
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if not isinstance(field, EncryptedFieldMixin):
                errors.append(
                    checks.Error(
                        f"source {name!r} is not an encrypted field of this model",
                        obj=self,
                        id="crypto.E012",
                    )
                )
        return errors

    # -- computing ----------------------------------------------------------
    def _label(self) -> str:
        return self.model._meta.concrete_model._meta.label_lower

    def normalise(self, value: str) -> list[str]:
        if self.kind == self.EXACT:
            return [normalise_email(value)] if value.strip() else []
        return name_tokens(value)

    def digests_for(self, text: str) -> list[str]:
        label = self._label()
        return sorted(
            {digest(label, self.name, n, self.bits) for n in self.normalise(text)}
        )

    def compute(self, instance) -> str:
        texts = [getattr(instance, name) for name in self.source]
        digests = set()
        for text in texts:
            if _readable(text):
                digests.update(self.digests_for(str(text)))
        if self.kind == self.EXACT:
            return next(iter(digests), "")
        return f" {' '.join(sorted(digests))} " if digests else ""

    def index_name(self) -> str:
        """Name the index in the key store: '<model label_lower>.<field name>'."""
        return f"{self._label()}.{self.name}"

    def current_digests(self, instance) -> set[str] | None:
        """Return the digests to store for the row, or None to keep the stored ones.

        Erased rows are read-only, and a value that failed to open is written
        back as it was: so is its index.
        """
        if any(
            failed_to_open(instance, name) or getattr(instance, name) is ERASED
            for name in self.source
        ):
            return None
        digests = set()
        for name in self.source:
            text = getattr(instance, name)
            if _readable(text):
                digests.update(self.digests_for(str(text)))
        return digests

    # -- matching -----------------------------------------------------------
    def candidates(self, queryset, term: str):
        """Return the rows of queryset the key store names for term's digests."""
        ids = blindstore.candidate_ids(self.index_name(), self.digests_for(term))
        if not ids:
            return queryset.none()
        return queryset.filter(pk__in=ids)

    def matches(self, instance, term: str) -> bool:
        """Compare plaintext: a candidate counts only if this is true."""
        wanted = self.normalise(term)
        if not wanted:
            return False
        have: set[str] = set()
        for name in self.source:
            text = getattr(instance, name)
            # An erased or unopenable value matches nothing (not even a search for
            # "erased" or "opened").
            if _readable(text):
                have.update(self.normalise(str(text)))
        if self.kind == self.EXACT:
            return wanted[0] in have
        return set(wanted) <= have


def index_fields(model) -> tuple[BlindIndexField, ...]:
    """Return the model's blind indexes (cached per model)."""
    found = model._meta.__dict__.get("_blind_index_fields")
    if found is None:
        found = tuple(f for f in model._meta.fields if isinstance(f, BlindIndexField))
        model._meta.__dict__["_blind_index_fields"] = found
    return found


def index_rows(objs) -> list[tuple[str, object, set[str]]]:
    """Commit the rows' digests in the key store, before their data is saved.

    Called by ``EncryptedModel.save`` and ``EncryptedQuerySet.bulk_create``.
    Return what rows already saved keep, for ``index_rows_settle`` to call once
    the row is saved.
    """
    if not objs:
        return []
    fields = index_fields(type(objs[0]))
    if not fields:
        return []
    writes = []
    kept = []
    for obj in objs:
        for field in fields:
            digests = field.current_digests(obj)
            if digests is None:
                continue
            writes.append((field.index_name(), obj.pk, obj.holder_id, digests))
            if not obj._state.adding:
                kept.append((field.index_name(), obj.pk, digests))
    blindstore.entries_write(writes)
    return kept


def index_rows_settle(kept, *, using: str) -> None:
    """Delete the digests saved rows no longer have, once ``using`` has committed.

    Until then, and if that never happens, they only make the row a candidate
    that opening rejects.
    """
    for index, pk, digests in kept:
        blindstore.stale_delete_on_commit(index, pk, digests, using=using)


def stored(instance, index: str) -> set[str]:
    """Return the digests the key store holds for this row's index."""
    field = index_field(type(instance), index)
    return blindstore.stored(field.index_name(), instance.pk)


def index_field(model, name: str) -> BlindIndexField:
    field = model._meta.get_field(name)
    if not isinstance(field, BlindIndexField):
        raise TypeError(f"{model._meta.label}.{name} is not a blind index")
    return field


def search(queryset, index: str, term: str):
    """Return the rows of queryset whose indexed plaintext matches term.

    Opens the candidates the index yields and keeps those that really match, so
    a collision of the truncated index never returns the wrong row.
    """
    field = index_field(queryset.model, index)
    # Only what the comparison reads (the holder's key opens the sources), and
    # no ORDER BY: the candidates are compared, not shown.
    candidates = field.candidates(queryset, term).only("holder_id", *field.source)
    matching = [obj.pk for obj in candidates.order_by() if field.matches(obj, term)]
    return queryset.filter(pk__in=matching)


def duplicates(instance, index: str):
    """Return the other rows whose indexed plaintext equals this instance's.

    A row whose value is erased or cannot be opened has no plaintext to compare:
    it has no duplicates (and, in ``matches``, is nobody's duplicate).
    """
    field = index_field(type(instance), index)
    values = [getattr(instance, s) for s in field.source]
    if any(v is ERASED or v.__class__ is Unopenable for v in values):
        return []
    term = " ".join(str(v or "") for v in values)
    if not term.strip():
        return []
    model = type(instance)
    found = [
        obj
        for obj in field.candidates(
            model._default_manager.exclude(pk=instance.pk), term
        )
        if field.matches(obj, term)
    ]
    return found


def validate_unique(instance, exclude=None) -> None:
    """Raise ValidationError for each unique_plaintext index whose value is taken."""
    errors = {}
    for field in index_fields(type(instance)):
        if not field.unique_plaintext:
            continue
        source = field.source[0]
        if exclude and source in exclude:
            continue
        if duplicates(instance, field.name):
            verbose = type(instance)._meta.get_field(source).verbose_name
            errors[source] = ValidationError(
                _("Another record already uses this %(field)s."),
                code="unique",
                params={"field": verbose},
            )
    if errors:
        raise ValidationError(errors)


def lock_and_validate_unique(instance) -> None:
    """Check plaintext uniqueness under a lock. Caller must be inside transaction.atomic.

    On PostgreSQL an advisory transaction lock per (index, digest) serialises
    writers of the same value until the caller's transaction ends; on SQLite every
    transaction is IMMEDIATE (see settings), so writers are serialised by the
    database lock. Outside a transaction the lock would be released at once, so
    that raises TransactionManagementError.
    """
    model = type(instance)
    alias = router.db_for_write(model)
    connection = connections[alias]
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "lock_and_validate_unique must run inside transaction.atomic(); the "
            "lock lasts until the transaction ends"
        )
    if connection.vendor == "postgresql":
        for field in index_fields(model):
            if field.unique_plaintext:
                lock_name = f"{field._label()}.{field.name}:{field.compute(instance)}"
                with connection.cursor() as cursor:
                    # Two-key form: its own key space, apart from bigint locks.
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock("
                        "hashtext('refleact-blind-index'), hashtext(%s))",
                        [lock_name],
                    )
    validate_unique(instance)


def indexes_rebuild(model, *, batch: int = 500) -> tuple[int, int]:
    """Write every row's digests to the key store; drop entries of rows gone.

    For rows saved before the indexes moved to the key store, and to clear the
    extras a crash can leave (``index_rows``). Reads ``batch`` rows at a time;
    a row whose value cannot be opened keeps what is stored. Return (rows
    indexed, entries removed).
    """
    fields = index_fields(model)
    if not fields:
        return 0, 0
    seen: set = set()
    rows = model._base_manager.order_by("pk").iterator(chunk_size=batch)
    while chunk := list(islice(rows, batch)):
        for obj in chunk:
            obj._state.adding = False
        seen.update(obj.pk for obj in chunk)
        for index, pk, digests in index_rows(chunk):
            blindstore.stale_delete(index, pk, digests)
    removed = sum(blindstore.rows_other_than(f.index_name(), seen) for f in fields)
    for field in fields:
        blindstore.built_record(field.index_name(), definition(field))
    return len(seen), removed


@lru_cache(maxsize=8)
def _key_id(secret: str) -> str:
    raw = decode_key(secret, variable="BLIND_INDEX_KEY")
    return hashlib.sha256(b"refleact-blind-index-key-id:" + raw).digest()[:8].hex()


def definition(field: BlindIndexField) -> str:
    """Return what the index's digests depend on: kind, bits, sources and key id.

    ``indexes_rebuild`` records it per index in the key store; when the code's
    differs (bits changed, a source added, another BLIND_INDEX_KEY), the stored
    digests are not the ones lookups compute until the index is rebuilt.
    """
    return (
        f"kind={field.kind};bits={field.bits};source={','.join(field.source)};"
        f"key={_key_id(settings.BLIND_INDEX_KEY)}"
    )


def all_index_fields() -> list[BlindIndexField]:
    from django.apps import apps

    found: dict[str, BlindIndexField] = {}
    for model in apps.get_models():
        for field in index_fields(model):  # a proxy shares its model's fields
            found.setdefault(field.index_name(), field)
    return list(found.values())


def stale_indexes() -> list[BlindIndexField]:
    """Return the indexes whose stored digests were built with another definition.

    An index with no recorded definition is stale only if it holds entries
    (built before definitions were recorded); an empty one has nothing to rebuild.
    """
    recorded = blindstore.built_definitions()
    stale = []
    for field in all_index_fields():
        name = field.index_name()
        built = recorded.get(name)
        if built == definition(field):
            continue
        if built is None and not blindstore.has_entries(name):
            continue
        stale.append(field)
    return stale


def empty_indexes_record() -> None:
    """Record the code's definition for each index with no entries and no record.

    An empty index is built with any definition; recording it lets the entries
    written from now on be told from those of an older definition.
    """
    recorded = blindstore.built_definitions()
    for field in all_index_fields():
        name = field.index_name()
        if name not in recorded and not blindstore.has_entries(name):
            blindstore.built_record(name, definition(field))


def stale_indexes_rebuild(*, batch: int = 500) -> list[str]:
    """Rebuild the models of stale indexes; return the models' labels.

    Cheap when nothing is stale (one key-store query). Run after ``migrate``
    (``refleact.keystore.apps``) so a change of an index cannot be forgotten.
    """
    models_ = []
    for field in stale_indexes():
        if field.model not in models_:
            models_.append(field.model)
    for model in models_:
        indexes_rebuild(model, batch=batch)
    return [m._meta.label for m in models_]
