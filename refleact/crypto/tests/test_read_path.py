"""The read path: rows open where they are built, whatever the key cache holds."""

from __future__ import annotations

import copy
import datetime
import os

import pytest
from django.db import connection, transaction
from django.db.models import Value

from refleact.crypto import keyring
from refleact.crypto.cipher import Ciphertext
from refleact.crypto.errors import EncryptedLookupError
from refleact.crypto.testapp.models import Note, Person
from refleact.crypto.tests.conftest import (
    flip,
    make_note,
    make_person,
    stored,
    strict_error,
    unopenable,
    write_stored,
)
from refleact.crypto.unopenable import Cause

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(params=["cold", "warm"])
def cache(request):
    """Run a test with an empty key cache and with the keys already cached."""
    return request.param


def _load(model, pk, cache):
    if cache == "cold":
        keyring.clear_cache()
    else:
        keyring.preload([model.objects.values_list("holder_id", flat=True).get(pk=pk)])
    return model.objects.get(pk=pk)


def test_a_loaded_row_has_no_deferred_fields(cache):
    person = make_person(first_name="Volledig")

    loaded = _load(Person, person.pk, cache)

    assert loaded.get_deferred_fields() == set()
    assert loaded.first_name == "Volledig"


@pytest.mark.parametrize("position", [0, 5, 20, 40, -1])
def test_a_flipped_byte_fails_whatever_the_cache_holds(cache, position):
    person = make_person(email="een@byte.nl")
    write_stored(
        Person, person.pk, "email", flip(stored(Person, person.pk, "email"), position)
    )

    loaded = _load(Person, person.pk, cache)

    error = strict_error(loaded, "email")
    assert f"crypto_testapp.Person.email (pk={person.pk})" in str(error)
    assert "een@byte.nl" not in str(error)
    assert "een@byte.nl" not in repr(loaded.email)
    assert loaded.first_name == person.first_name


def test_a_copy_saved_as_a_new_row_opens_under_its_own_key(cache):
    person = make_person(first_name="Origineel")
    twin = _load(Person, person.pk, cache)

    twin.pk = None
    twin._state.adding = True
    twin.email = "tweeling@voorbeeld.nl"
    twin.save()
    keyring.clear_cache()

    assert Person.objects.get(pk=twin.pk).first_name == "Origineel"
    assert Person.objects.get(pk=person.pk).email == person.email


def test_refresh_from_db_reads_what_another_writer_saved(cache):
    person = make_person(first_name="Oud")
    loaded = _load(Person, person.pk, cache)
    other = Person.objects.get(pk=person.pk)
    other.first_name = "Nieuw"
    other.save()

    loaded.refresh_from_db()

    assert loaded.first_name == "Nieuw"


def test_a_copied_instance_keeps_its_own_state(cache):
    person = make_person(first_name="Eén")
    loaded = _load(Person, person.pk, cache)

    twin = copy.copy(loaded)
    twin.first_name = "Twee"

    assert loaded.first_name == "Eén"
    assert twin.last_name == loaded.last_name


def test_select_related_rows_open_fully(cache):
    note = make_note(make_person(first_name="Via"), title="Verwant")
    if cache == "cold":
        keyring.clear_cache()

    loaded = Note.objects.select_related("person").get(pk=note.pk)

    assert loaded.get_deferred_fields() == set()
    assert loaded.person.get_deferred_fields() == set()
    assert (loaded.title, loaded.person.first_name) == ("Verwant", "Via")


def test_plaintext_bytes_are_never_written():
    person = make_person()
    original = person.last_name

    with pytest.raises(TypeError, match="bytes are not a value"), transaction.atomic():
        Person.objects.create(
            holder_id=person.holder_id, first_name=b"Geheime Naam", last_name="X"
        )
    with pytest.raises(EncryptedLookupError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(last_name=b"Ook Geheim")
    with pytest.raises(EncryptedLookupError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(last_name=Value("Ook Geheim"))
    person.last_name = "Bulk Geheim"
    with pytest.raises(EncryptedLookupError), transaction.atomic():
        Person.objects.bulk_update([person], ["last_name"])

    assert b"Geheim" not in stored(Person, person.pk, "last_name")
    assert Person.objects.get(pk=person.pk).last_name == original


def test_a_value_left_in_text_form_opens_and_bad_text_spoils_only_itself():
    person = make_person(first_name="Tekst", last_name="Blijft")
    old_form = __import__("base64").urlsafe_b64encode(
        stored(Person, person.pk, "first_name")
    )
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # only SQLite keeps text in a BLOB column
            cursor.execute(
                f"UPDATE {table} SET first_name = %s WHERE id = %s",  # noqa: S608
                [old_form.decode("ascii"), person.pk.hex],
            )
        cursor.execute(
            f"UPDATE {table} SET email = 'AgAAAA'"  # noqa: S608
        )

    loaded = Person.objects.get(pk=person.pk)

    assert (loaded.first_name, loaded.last_name) == ("Tekst", "Blijft")
    assert "is not a sealed value" in str(strict_error(loaded, "email"))
    assert unopenable(loaded, "email").cause is Cause.ALTERED


def test_a_value_that_opens_but_does_not_parse_fails_without_showing_it():
    person = make_person(born=datetime.date(1990, 5, 6))
    kid, aead = keyring.holder_key(person.holder_id, create=False)
    nonce = os.urandom(12)
    aad = b"crypto_testapp.Person|born|" + person.pk.bytes
    not_a_date = Ciphertext(
        b"\x02" + kid + nonce + aead.encrypt(nonce, b"Alice Geheim", aad)
    )
    Person.objects.filter(pk=person.pk).update(born=not_a_date)

    loaded = list(Person.objects.filter(pk=person.pk))[0]

    assert loaded.first_name == person.first_name
    marker = unopenable(loaded, "born", cause=Cause.ALTERED)
    error = strict_error(loaded, "born")
    assert "Alice" not in str(error) and "Alice" not in repr(marker)
    assert error.__cause__ is None and error.__context__ is None


def test_refresh_keeps_a_failing_value_failing_and_the_row_savable():
    person = make_person(first_name="Blijft")
    write_stored(
        Person, person.pk, "email", flip(stored(Person, person.pk, "email"), 40)
    )
    loaded = Person.objects.get(pk=person.pk)

    loaded.refresh_from_db()
    loaded.refresh_from_db(fields=["email"])

    assert "failed to open" in str(strict_error(loaded, "email"))
    loaded.first_name = "Opgeslagen"
    loaded.save()
    assert Person.objects.get(pk=person.pk).first_name == "Opgeslagen"


def test_refresh_reads_a_value_that_fails_now_as_failing():
    person = make_person(email="eerst@goed.nl")
    loaded = Person.objects.get(pk=person.pk)
    write_stored(
        Person, person.pk, "email", flip(stored(Person, person.pk, "email"), 40)
    )

    loaded.refresh_from_db()

    unopenable(loaded, "email")  # not the stale plaintext


def test_refresh_clears_prefetched_rows_also_with_a_failing_value():
    person = make_person()
    make_note(person)
    write_stored(
        Person, person.pk, "email", flip(stored(Person, person.pk, "email"), 40)
    )
    loaded = Person.objects.prefetch_related("notes").get(pk=person.pk)
    assert len(loaded.notes.all()) == 1
    Note.objects.filter(person=person).delete()

    loaded.refresh_from_db()

    assert len(loaded.notes.all()) == 0


def test_other_ways_in_refuse_what_is_not_sealed():
    from django.db.models import F, QuerySet

    person = make_person()
    before = stored(Person, person.pk, "email")

    with pytest.raises(EncryptedLookupError), transaction.atomic():
        QuerySet(Person).filter(pk=person.pk).update(email=b"QS-GEHEIM")
    with pytest.raises(EncryptedLookupError), transaction.atomic():
        Person.objects.create(first_name=Ciphertext(b"CT-GEHEIM"), last_name="X")
    raw = Person.objects.get(pk=person.pk)
    raw.__dict__["email"] = b"RAW-GEHEIM"
    with pytest.raises(EncryptedLookupError), transaction.atomic():
        raw.save_base(raw=True)
    expression = Person.objects.get(pk=person.pk)
    expression.email = F("first_name")
    with pytest.raises(TypeError, match="SQL expression"), transaction.atomic():
        expression.save()
    twin = Person(pk=person.pk, holder_id=person.holder_id, email="ander@x.nl")
    with pytest.raises(EncryptedLookupError), transaction.atomic():
        Person.objects.bulk_create(
            [twin], update_conflicts=True, unique_fields=["id"], update_fields=["email"]
        )

    assert stored(Person, person.pk, "email") == before
    assert Person.objects.count() == 1
