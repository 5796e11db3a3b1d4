"""Encrypted fields: round trips, tamper evidence, SQL refusals, forms, serialisation."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django import forms
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.test.utils import CaptureQueriesContext, isolate_apps

from refleact.crypto import keyring
from refleact.crypto.errors import (
    DecryptionError,
    EncryptedLookupError,
    HolderChangeError,
)
from refleact.crypto.fields import ERASED, EncryptedCharField
from refleact.crypto.models import EncryptedModel, HolderIdField
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


def test_every_field_kind_round_trips_through_the_database():
    person = make_person(
        first_name="Émile", email="Emile@X.nl", born=datetime.date(1990, 1, 2)
    )
    note = make_note(person, body="", extra={"stappen": [1, 2], "klaar": None})
    keyring.clear_cache()

    again = Person.objects.get(pk=person.pk)
    note = Note.objects.get(pk=note.pk)

    assert again.first_name == "Émile"
    assert again.email == "Emile@X.nl"
    assert again.born == datetime.date(1990, 1, 2)
    assert note.body == ""
    assert note.extra == {"stappen": [1, 2], "klaar": None}


def test_a_value_sealed_twice_differs_each_time():
    person = make_person(first_name="Gelijk", last_name="Gelijk")

    assert stored(Person, person.pk, "first_name") != stored(
        Person, person.pk, "last_name"
    )


def test_values_and_values_list_never_return_plaintext():
    person = make_person(first_name="Zichtbaar", email="zicht@baar.nl")

    row = Person.objects.values("first_name", "email", "born").get(pk=person.pk)
    flat = list(Person.objects.values_list("first_name", flat=True))

    assert all(isinstance(v, bytes) for v in row.values())
    assert all(isinstance(v, bytes) for v in flat)
    assert b"Zichtbaar" not in b"".join(flat)
    assert b"zicht@baar.nl" not in row["email"]


@pytest.mark.parametrize(
    "query",
    [
        lambda: Person.objects.filter(email="a@b.nl"),
        lambda: Person.objects.filter(email__iexact="a@b.nl"),
        lambda: Person.objects.filter(email__icontains="a"),
        lambda: Person.objects.filter(first_name__startswith="A"),
        lambda: Person.objects.filter(first_name__in=["A"]),
        lambda: Person.objects.filter(born__year=1990),
        lambda: Person.objects.filter(born__gt=datetime.date(1990, 1, 1)),
        lambda: Note.objects.filter(extra__a=1),
        lambda: Note.objects.filter(person__email="a@b.nl"),
        lambda: Person.objects.exclude(email="a@b.nl"),
    ],
)
def test_comparing_an_encrypted_column_in_sql_raises(query):
    with pytest.raises(EncryptedLookupError):
        list(query())


def test_updating_an_encrypted_column_in_sql_raises():
    make_person()

    with pytest.raises(EncryptedLookupError):
        Person.objects.update(email="nieuw@voorbeeld.nl")


def test_null_checks_still_work_in_sql():
    with_date = make_person()
    without = make_person(born=None)

    assert list(Person.objects.filter(born__isnull=True)) == [without]
    assert list(Person.objects.exclude(born=None)) == [with_date]


def _open_error(model, pk, field) -> DecryptionError:
    """Load the row cold: the value reads as its marker; return the strict error."""
    keyring.clear_cache()
    return strict_error(model.objects.get(pk=pk), field)


def test_a_ciphertext_swapped_between_two_rows_fails_naming_the_place():
    # Same holder, so the same data key: only the associated data can tell.
    holder = uuid.uuid4()
    first = make_person(holder_id=holder, first_name="Eerste")
    second = make_person(holder_id=holder, first_name="Tweede")

    Person.objects.filter(pk=second.pk).update(
        first_name=stored(Person, first.pk, "first_name")
    )
    error = _open_error(Person, second.pk, "first_name")

    message = str(error)
    assert f"crypto_testapp.Person.first_name (pk={second.pk})" in message
    assert "Eerste" not in message and "Tweede" not in message


def test_a_ciphertext_moved_to_another_column_fails_naming_the_place():
    person = make_person(first_name="Voornaam", last_name="Achternaam")

    Person.objects.filter(pk=person.pk).update(
        last_name=stored(Person, person.pk, "first_name")
    )
    error = _open_error(Person, person.pk, "last_name")

    assert f"crypto_testapp.Person.last_name (pk={person.pk})" in str(error)
    assert "Voornaam" not in str(error)


def test_a_ciphertext_moved_to_another_model_fails():
    person = make_person(first_name="Titel?")
    note = make_note(person)

    Note.objects.filter(pk=note.pk).update(
        title=stored(Person, person.pk, "first_name")
    )

    assert "crypto_testapp.Note.title" in str(_open_error(Note, note.pk, "title"))


@pytest.mark.parametrize(
    "position, part",
    [(0, "version"), (5, "key id"), (20, "nonce"), (32, "ciphertext"), (-1, "tag")],
)
def test_one_flipped_byte_fails_to_open(position, part):
    person = make_person(email="een@byte.nl")

    write_stored(
        Person, person.pk, "email", flip(stored(Person, person.pk, "email"), position)
    )
    error = _open_error(Person, person.pk, "email")

    assert f"crypto_testapp.Person.email (pk={person.pk})" in str(error)
    assert "een@byte.nl" not in str(error)
    # Even a flipped key id: the holder's own key is there, so the value was
    # altered, not the key store damaged.
    unopenable(Person.objects.get(pk=person.pk), "email", cause=Cause.ALTERED)


def test_text_that_is_not_a_sealed_value_fails_to_open():
    person = make_person()
    write_stored(Person, person.pk, "email", b"platte tekst")

    assert "is not a sealed value" in str(_open_error(Person, person.pk, "email"))


def test_a_key_merely_missing_is_an_error_not_erased():
    from refleact.keystore.models import DataKey

    person = make_person()
    DataKey.objects.using("keystore").filter(holder_id=person.holder_id).delete()

    error = _open_error(Person, person.pk, "first_name")

    assert "not in the key store and has no tombstone" in str(error)
    assert not Person.objects.get(pk=person.pk).is_erased
    unopenable(Person.objects.get(pk=person.pk), "email", cause=Cause.KEY_MISSING)


def test_a_value_that_fails_to_open_is_written_back_as_it_was():
    person = make_person(first_name="Eerst")
    damaged = flip(stored(Person, person.pk, "email"), 40)
    Person.objects.filter(pk=person.pk).update(email=damaged)
    loaded = Person.objects.get(pk=person.pk)
    unopenable(loaded, "email", cause=Cause.ALTERED)

    loaded.first_name = "Anders"
    loaded.save()

    assert stored(Person, person.pk, "email") == damaged
    assert Person.objects.get(pk=person.pk).first_name == "Anders"


def test_a_saved_row_refuses_another_holder():
    person = make_person()

    with pytest.raises(HolderChangeError):
        person.holder_id = uuid.uuid4()
    with pytest.raises(HolderChangeError):
        Person.objects.get(pk=person.pk).holder_id = uuid.uuid4()
    with pytest.raises(HolderChangeError):
        Person.objects.filter(pk=person.pk).update(holder_id=uuid.uuid4())
    with pytest.raises(HolderChangeError):
        Person.objects.bulk_update([person], ["holder_id"])


def test_an_unsaved_row_may_still_change_holder():
    person = Person(first_name="Nieuw", last_name="Nieuw")
    person.holder_id = holder = uuid.uuid4()
    person.save()

    assert Person.objects.get(pk=person.pk).holder_id == holder
    person.holder_id = str(holder)  # the same holder, spelled as text, is no change


def test_max_length_limits_the_plaintext_in_validation_and_forms():
    class PersonForm(forms.ModelForm):
        class Meta:
            model = Person
            fields = ["first_name", "last_name", "email", "born"]

    too_long = PersonForm(
        {"first_name": "x" * 51, "last_name": "y", "email": "geen-adres", "born": ""}
    )
    fine = PersonForm(
        {
            "first_name": "x" * 50,
            "last_name": "Vries",
            "email": "x@y.nl",
            "born": "2001-02-03",
        }
    )

    assert set(too_long.errors) == {"first_name", "email"}
    assert fine.is_valid(), fine.errors
    saved = fine.save()
    assert Person.objects.get(pk=saved.pk).born == datetime.date(2001, 2, 3)
    with pytest.raises(ValidationError) as caught:
        Person(first_name="z" * 51, last_name="a", email="a@b.nl").full_clean()
    assert "first_name" in caught.value.message_dict


def test_serialisation_writes_the_plaintext_like_plain_fields():
    person = make_person(first_name="Export", born=datetime.date(1999, 9, 9))
    make_note(person, extra={"k": [1, 2]})

    people = json.loads(serializers.serialize("json", Person.objects.all()))
    notes = json.loads(serializers.serialize("json", Note.objects.all()))

    assert people[0]["fields"]["first_name"] == "Export"
    assert people[0]["fields"]["born"] == "1999-09-09"
    assert notes[0]["fields"]["extra"] == {"k": [1, 2]}


def test_opening_a_list_costs_no_query_per_value():
    for _ in range(5):
        make_note(make_person())
    keyring.clear_cache()

    with CaptureQueriesContext(connections["default"]) as data:
        with CaptureQueriesContext(connections["keystore"]) as keys:
            values = [
                (n.title, n.body, n.person.first_name)
                for n in Note.objects.select_related("person")
            ]

    assert len(values) == 5
    assert (len(data), len(keys)) == (1, 1)


@isolate_apps("refleact.crypto.testapp")
def test_the_system_check_refuses_encrypted_fields_without_uuid_key_or_holder():
    class Loose(models.Model):  # noqa: DJ008
        secret = EncryptedCharField(max_length=10, unique=True)

        class Meta:
            app_label = "crypto_testapp"

    class Unopened(models.Model):  # noqa: DJ008
        id = models.UUIDField(primary_key=True, default=uuid.uuid4)
        holder_id = HolderIdField()
        secret = EncryptedCharField(max_length=10)

        class Meta:
            app_label = "crypto_testapp"

    class Bound(EncryptedModel):  # noqa: DJ008
        secret = EncryptedCharField(max_length=10)

        class Meta:
            app_label = "crypto_testapp"

    ids = {e.id for e in Loose._meta.get_field("secret").check()}
    unopened = {e.id for e in Unopened._meta.get_field("secret").check()}

    assert ids == {"crypto.E001", "crypto.E002", "crypto.E003", "crypto.E004"}
    assert unopened == {"crypto.E004"}
    assert Bound._meta.get_field("secret").check() == []


def test_erased_marker_renders_as_erased_in_either_language():
    from django.utils import translation

    with translation.override("nl"):
        dutch = str(ERASED)
    with translation.override("en"):
        english = str(ERASED)

    assert (dutch, english) == ("gewist", "erased")


def test_a_value_that_fails_to_open_spoils_only_itself():
    person = make_person(first_name="Heel", last_name="Gebleven")
    Person.objects.filter(pk=person.pk).update(
        email=flip(stored(Person, person.pk, "email"), 33)
    )
    keyring.clear_cache()

    loaded = Person.objects.get(pk=person.pk)

    assert (loaded.first_name, loaded.last_name) == ("Heel", "Gebleven")
    unopenable(loaded, "email", cause=Cause.ALTERED)  # on every read


def test_rows_are_still_built_through_init_when_someone_listens():
    person = make_person(first_name="Gezien")
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance.pk)

    models.signals.post_init.connect(listener, sender=Person)
    try:
        loaded = Person.objects.get(pk=person.pk)
    finally:
        models.signals.post_init.disconnect(listener, sender=Person)

    assert seen == [person.pk]
    assert loaded.first_name == "Gezien"
    assert not loaded._state.adding and loaded._state.db == "default"


def test_a_deferred_encrypted_field_opens_when_read():
    make_person(first_name="Later", last_name="Geladen")

    loaded = Person.objects.only("pk", "holder_id", "first_name").get()

    assert loaded.first_name == "Later"
    assert loaded.last_name == "Geladen"  # loaded (and opened) on first read
