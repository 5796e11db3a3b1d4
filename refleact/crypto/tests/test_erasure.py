"""Crypto-shredding: a destroyed key reads as erased, and erased rows are read-only."""

from __future__ import annotations

import json

import pytest
from django.core import serializers
from django.template import Context, Template
from django.utils import translation

from refleact.crypto import blind, keyring
from refleact.crypto.errors import ErasedRowError, KeyErased
from refleact.crypto.fields import ERASED
from refleact.crypto.files import seal_chunks
from refleact.crypto.testapp.models import Note, Person
from refleact.crypto.tests.conftest import make_note, make_person
from refleact.keystore.models import DataKey, Tombstone

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def shredded():
    person = make_person(first_name="Vergeten", email="vergeten@voorbeeld.nl")
    attachment = seal_chunks([b"bijlage"], filename="a.pdf", content_type="x/y")
    make_note(person, body="Geheim verslag", attachment=attachment)
    keyring.destroy(person.holder_id, reason=Tombstone.Reason.ERASURE_REQUEST)
    return Person.objects.get(pk=person.pk)


def test_a_shredded_holders_fields_read_as_erased(shredded):
    note = Note.objects.get(person=shredded)

    assert [getattr(shredded, f.attname) for f in shredded.encrypted_fields()] == [
        ERASED
    ] * 4
    assert note.title is ERASED and note.extra is ERASED and note.attachment is ERASED
    assert shredded.is_erased


def test_erased_values_render_as_erased_in_templates_and_exports(shredded):
    template = Template("{{ person.first_name }} <{{ person.email }}>")

    with translation.override("nl"):
        page = template.render(Context({"person": shredded}))
        export = json.loads(serializers.serialize("json", [shredded]))

    assert page == "gewist <gewist>"
    assert export[0]["fields"]["first_name"] == "gewist"


def test_an_erased_row_refuses_changes(shredded):
    shredded.first_name = "Terug"
    with pytest.raises(ErasedRowError):
        shredded.save()

    unchanged = Person.objects.get(pk=shredded.pk)
    with pytest.raises(ErasedRowError):
        unchanged.save()
    with pytest.raises(ErasedRowError):
        unchanged.save(update_fields=["born"])


def test_an_erased_holder_gets_no_new_rows_and_no_new_key(shredded):
    with pytest.raises(ErasedRowError):
        make_note(shredded, title="Nieuw")
    with pytest.raises(ErasedRowError):
        Note.objects.bulk_create(
            [Note(person=shredded, holder_id=shredded.holder_id, title="Bulk")]
        )

    keyring.clear_cache()  # as in another process, which asks the key store
    with pytest.raises(KeyErased):
        keyring.cipher_for_holder(shredded.holder_id, create=True)
    assert (
        not DataKey.objects.using("keystore")
        .filter(holder_id=shredded.holder_id)
        .exists()
    )


def test_an_erased_row_may_be_deleted(shredded):
    shredded.delete()

    assert not Person.objects.exists()
    assert not Note.objects.exists()


def test_an_erased_row_passes_validation_untouched(shredded):
    shredded.full_clean()  # shown in forms and the admin without errors


def test_erased_rows_are_never_search_results(shredded):
    make_person(first_name="Gewist", last_name="Erased")

    with translation.override("nl"):
        found = list(blind.search(Person.objects.all(), "name_index", "gewist"))

    assert [p.first_name for p in found] == ["Gewist"]


def test_destroy_leaves_a_tombstone_without_personal_data():
    person = make_person()

    assert keyring.destroy(person.holder_id, reason="trajectory_closed") is True
    assert keyring.destroy(person.holder_id, reason="trajectory_closed") is False

    tomb = Tombstone.objects.using("keystore").get()
    assert (tomb.holder_id, tomb.reason) == (person.holder_id, "trajectory_closed")
    with pytest.raises(ValueError):
        keyring.destroy(make_person().holder_id, reason="Jan de Vries vroeg erom")


def test_destroy_on_commit_waits_for_the_data_transaction(
    django_capture_on_commit_callbacks,
):
    person = make_person()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        keyring.destroy_on_commit(person.holder_id, reason="trajectory_closed")
    assert not Person.objects.get(pk=person.pk).is_erased

    for callback in callbacks:
        callback()
    assert Person.objects.get(pk=person.pk).first_name is ERASED
