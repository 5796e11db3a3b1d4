"""Helpers for the encryption layer's tests (test-only models in crypto.testapp)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.utils import translation

from refleact.crypto.cipher import Ciphertext
from refleact.crypto.errors import DecryptionError
from refleact.crypto.testapp.models import Note, Person
from refleact.crypto.unopenable import Cause, Unopenable, require_opened

_numbers = itertools.count(1)


def make_person(**fields) -> Person:
    """Create a person with a key of their own (a holder per person)."""
    n = next(_numbers)
    values = {
        "first_name": f"Anouk{n}",
        "last_name": f"Verbeek{n}",
        "email": f"anouk{n}@voorbeeld.nl",
        "born": datetime.date(1980, 1, 1) + datetime.timedelta(days=n),
    }
    values.update(fields)
    return Person.objects.create(**values)


def make_note(person: Person, **fields) -> Note:
    values = {"title": "Intake", "body": "Leervraag", "extra": {"a": 1}}
    values.update(fields)
    return Note.objects.create(person=person, holder_id=person.holder_id, **values)


def stored(model, pk, field: str) -> Ciphertext:
    """Return the stored bytes of one value (as values_list gives them), marked
    as ciphertext so that update() writes them back as they are."""
    return Ciphertext(model.objects.values_list(field, flat=True).get(pk=pk))


def write_stored(model, pk, field: str, raw: bytes) -> None:
    """Write bytes into a row's column in SQL, past every check of the fields:
    how a damaged or hand-made value gets into the database."""
    q = connection.ops.quote_name
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(meta.db_table)} SET {q(meta.get_field(field).column)} = %s "  # noqa: S608
            f"WHERE {q(meta.pk.column)} = %s",
            [raw, meta.pk.get_db_prep_value(pk, connection)],
        )


def unopenable(obj, field: str, *, cause: Cause | None = None) -> Unopenable:
    """Assert that obj's value of field reads as the marker naming its row; return
    it. Its text is "cannot be opened" with the row's id, never the value."""
    marker = getattr(obj, field)
    assert marker.__class__ is Unopenable, repr(marker)
    label = obj._meta.concrete_model._meta.label
    assert marker.place == f"{label}.{field} (pk={obj._state.db_pk})"
    with translation.override("en"):
        assert str(marker) == f"cannot be opened (id {obj._state.db_pk})"
    assert getattr(obj, field) is marker  # every read, not only the first
    if cause is not None:
        assert marker.cause is cause
    return marker


def strict_error(obj, field: str) -> DecryptionError:
    """Return the DecryptionError that the strict read of a damaged value raises."""
    with pytest.raises(DecryptionError) as caught:
        require_opened(unopenable(obj, field))
    return caught.value


def flip(stored_value: bytes, position: int) -> Ciphertext:
    """Return the stored value with one byte flipped."""
    raw = bytearray(stored_value)
    raw[position] ^= 0x01
    return Ciphertext(raw)


@pytest.fixture
def key_clock(monkeypatch):
    """Control the key cache's clock (time-machine does not move time.monotonic)."""
    from refleact.crypto import keyring

    class Clock:
        now = 1_000.0

        def __call__(self) -> float:
            return self.now

        def advance(self, seconds: float) -> None:
            self.now += seconds

    clock = Clock()
    monkeypatch.setattr(keyring, "clock", clock)
    return clock
