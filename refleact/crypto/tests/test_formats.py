"""Stored formats: version 1 values still open; text-stored values convert to binary."""

from __future__ import annotations

import base64
import os
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from refleact.crypto import keyring
from refleact.crypto.cipher import Ciphertext
from refleact.crypto.migration_ops import text_to_binary
from refleact.crypto.testapp.models import Note, Person
from refleact.crypto.tests.conftest import (
    make_note,
    make_person,
    stored,
    strict_error,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def _seal_version_1(person: Person, field: str, plaintext: bytes) -> bytes:
    """Seal as version 1 did: the associated data ends with the pk's text."""
    kid, aead = keyring.holder_key(person.holder_id, create=False)
    nonce = os.urandom(12)
    aad = f"crypto_testapp.Person|{field}|{person.pk}".encode()
    return Ciphertext(b"\x01" + kid + nonce + aead.encrypt(nonce, plaintext, aad))


def test_a_value_sealed_in_version_1_still_opens():
    person = make_person(last_name="Nieuw")
    Person.objects.filter(pk=person.pk).update(
        first_name=_seal_version_1(person, "first_name", b"Oude Vorm")
    )
    keyring.clear_cache()

    loaded = Person.objects.get(pk=person.pk)

    assert loaded.first_name == "Oude Vorm"
    assert loaded.last_name == "Nieuw"
    assert stored(Person, person.pk, "last_name")[0] == 2  # new values: version 2


def test_a_version_1_value_moved_to_another_row_still_fails():
    holder = make_person()
    other = make_person(holder_id=holder.holder_id)
    Person.objects.filter(pk=other.pk).update(
        first_name=_seal_version_1(holder, "first_name", b"Niet van jou")
    )

    loaded = Person.objects.get(pk=other.pk)

    assert "failed to open" in str(strict_error(loaded, "first_name"))
    assert loaded.last_name == other.last_name  # the rest of the row still reads


def _to_text_column(table: str, column: str) -> None:
    """Turn a binary column back into the earlier text form (base64, URL-safe)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Fire the test's deferred foreign-key checks: no ALTER with them pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"ALTER TABLE {q(table)} ALTER COLUMN {q(column)} TYPE text USING "
                f"translate(encode({q(column)}, 'base64'), E'+/\\n', '-_')"
            )
            return
        cursor.execute(f"SELECT id, {q(column)} FROM {q(table)}")  # noqa: S608
        for key, raw in cursor.fetchall():
            if raw is not None:
                text = base64.urlsafe_b64encode(bytes(raw)).decode("ascii")
                cursor.execute(
                    f"UPDATE {q(table)} SET {q(column)} = %s WHERE id = %s",  # noqa: S608
                    [text, key],
                )


def test_values_stored_as_text_convert_to_binary_and_still_open():
    person = make_person(first_name="Tekstvorm", email="tekst@vorm.nl")
    note = make_note(person, body="Een verhaal van meer dan zestig tekens, " * 3)
    before = {f: stored(Person, person.pk, f) for f in ("first_name", "email")}
    for model, column in ((Person, "first_name"), (Person, "email"), (Note, "body")):
        _to_text_column(model._meta.db_table, column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT first_name FROM {Person._meta.db_table}")  # noqa: S608
        assert isinstance(cursor.fetchone()[0], str)  # really text now

    operation = text_to_binary("crypto_testapp")
    editor = SimpleNamespace(connection=connection)  # all the operation uses
    operation.code(apps, editor)
    operation.code(apps, editor)  # a second run finds nothing to convert
    keyring.clear_cache()

    assert {f: stored(Person, person.pk, f) for f in before} == before
    loaded = Person.objects.get(pk=person.pk)
    assert (loaded.first_name, loaded.email) == ("Tekstvorm", "tekst@vorm.nl")
    assert Note.objects.get(pk=note.pk).body.startswith("Een verhaal")
