"""A value that cannot be opened reads as its marker: shown, kept, never written
elsewhere, never indexed or compared."""

from __future__ import annotations

import copy
import pickle

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import Context, Template
from django.utils import translation

from refleact.crypto import blind, keyring
from refleact.crypto.errors import DecryptionError
from refleact.crypto.fields import failed_to_open
from refleact.crypto.files import seal_chunks
from refleact.crypto.forms import keep_unopenable
from refleact.crypto.testapp.models import Note, Person
from refleact.crypto.tests.conftest import (
    flip,
    make_note,
    make_person,
    stored,
    unopenable,
    write_stored,
)
from refleact.crypto.unopenable import (
    Cause,
    Unopenable,
    require_opened,
    unopenable_values,
)
from refleact.keystore.models import DataKey

pytestmark = pytest.mark.django_db(databases="__all__")


def _damage(person: Person, field: str) -> bytes:
    """Flip a byte of the stored value; return the damaged bytes."""
    damaged = flip(stored(Person, person.pk, field), 40)
    write_stored(Person, person.pk, field, damaged)
    return damaged


def _lose_key(holder_id) -> None:
    DataKey.objects.using("keystore").filter(holder_id=holder_id).delete()
    keyring.clear_cache()


def test_the_marker_says_cannot_be_opened_with_the_id_never_the_value():
    person = make_person(first_name="Geheimnaam", email="geheim@voorbeeld.nl")
    damaged = _damage(person, "email")

    loaded = Person.objects.get(pk=person.pk)

    marker = unopenable(loaded, "email", cause=Cause.ALTERED)
    with translation.override("nl"):
        dutch = str(marker)
    assert dutch == f"kan niet worden geopend (id {person.pk})"
    with translation.override("en"):
        rendered = Template("{{ p.email }}|{{ p.email|length }}|{{ p.email|upper }}")
        shown = rendered.render(Context({"p": loaded}))
        assert shown.startswith(f"cannot be opened (id {person.pk})|")
        assert f"{marker:>60}".strip() == str(marker)
    for text in (shown, repr(marker), marker.detail, str(require_error(marker))):
        assert "geheim" not in text.lower()
        assert damaged.hex()[:16] not in text
    assert loaded.first_name == "Geheimnaam"  # the rest of the row reads


def require_error(marker: Unopenable) -> DecryptionError:
    with pytest.raises(DecryptionError) as caught:
        require_opened(marker)
    return caught.value


def test_require_opened_passes_what_opens_and_raises_naming_the_place():
    person = make_person(first_name="Open")
    _damage(person, "last_name")
    loaded = Person.objects.get(pk=person.pk)

    assert require_opened(loaded.first_name) == "Open"
    error = require_error(loaded.last_name)
    assert f"crypto_testapp.Person.last_name (pk={person.pk})" in str(error)
    assert "failed to open" in str(error)


def test_a_missing_key_is_told_apart_from_an_altered_value():
    lost = make_person()
    _lose_key(lost.holder_id)
    moved_from = make_person()
    moved_to = make_person()
    write_stored(Person, moved_to.pk, "email", stored(Person, moved_from.pk, "email"))

    assert {m.cause for m in unopenable_values(Person.objects.get(pk=lost.pk))} == {
        Cause.KEY_MISSING
    }
    marker = unopenable(Person.objects.get(pk=moved_to.pk), "email")
    assert marker.cause is Cause.ALTERED and not marker.key_missing


def test_unopenable_values_names_each_damaged_field_without_loading_deferred():
    person = make_person()
    _damage(person, "email")
    _damage(person, "born")
    loaded = Person.objects.defer("last_name").get(pk=person.pk)

    found = unopenable_values(loaded)

    assert sorted(m.field for m in found) == ["born", "email"]
    assert "last_name" in loaded.get_deferred_fields()
    assert failed_to_open(loaded, "email") and not failed_to_open(loaded, "last_name")


def test_the_marker_assigned_back_to_its_place_writes_the_stored_bytes():
    person = make_person()
    damaged = _damage(person, "email")
    loaded = Person.objects.get(pk=person.pk)

    loaded.email = loaded.email  # e.g. a form giving back what it showed
    loaded.first_name = "Nieuw"
    loaded.save()

    assert stored(Person, person.pk, "email") == damaged
    assert Person.objects.get(pk=person.pk).first_name == "Nieuw"


def test_the_marker_is_never_written_anywhere_else():
    damaged_person = make_person()
    _damage(damaged_person, "email")
    loaded = Person.objects.get(pk=damaged_person.pk)
    other = make_person(holder_id=damaged_person.holder_id)
    before = stored(Person, other.pk, "email")

    other.email = loaded.email
    with pytest.raises(DecryptionError, match="cannot be written here"):
        with transaction.atomic():
            other.save()
    twin = copy.copy(loaded)
    twin.pk = None
    twin._state.adding = True
    with pytest.raises(DecryptionError, match="cannot be written here"):
        with transaction.atomic():
            twin.save()

    assert stored(Person, other.pk, "email") == before
    assert Person.objects.count() == 2


def test_a_pickled_row_keeps_its_marker_and_its_stored_bytes():
    person = make_person()
    damaged = _damage(person, "email")
    loaded = pickle.loads(pickle.dumps(Person.objects.get(pk=person.pk)))  # noqa: S301

    unopenable(loaded, "email")
    loaded.save()

    assert stored(Person, person.pk, "email") == damaged


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ("first_name", "last_name", "born")


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ("title", "body")


def _submit_as_shown(note: Note, **typed: str) -> None:
    """Save the note's form as a browser sends it back: the text it showed (the
    marker's, for a damaged value), with what the user typed."""
    shown = NoteForm(instance=Note.objects.get(pk=note.pk))
    data = {name: str(shown[name].value() or "") for name in shown.fields}
    form = NoteForm({**data, **typed}, instance=Note.objects.get(pk=note.pk))
    assert form.is_valid(), form.errors
    form.save()


def _damaged_note() -> tuple[Note, bytes]:
    note = make_note(make_person(), title="Intake", body="Leervraag")
    damaged = flip(stored(Note, note.pk, "body"), 40)
    write_stored(Note, note.pk, "body", damaged)
    return note, damaged


def test_a_form_submitted_as_shown_keeps_a_damaged_value():
    # A text input shows the marker's text; sent back unchanged, that text must
    # not become the value (a text field has no length limit to refuse it).
    note, damaged = _damaged_note()

    _submit_as_shown(note, title="Tweede gesprek")

    assert stored(Note, note.pk, "body") == damaged
    assert Note.objects.get(pk=note.pk).title == "Tweede gesprek"


def test_a_value_the_user_types_replaces_a_damaged_one():
    note, _damaged = _damaged_note()

    _submit_as_shown(note, body="Opnieuw geschreven")

    assert Note.objects.get(pk=note.pk).body == "Opnieuw geschreven"


def test_keep_unopenable_shows_the_marker_takes_no_input_and_keeps_the_value():
    person = make_person(last_name="Blijft")
    damaged = _damage(person, "born")  # a date: its marker text is no date
    shown = PersonForm(instance=Person.objects.get(pk=person.pk))
    assert keep_unopenable(shown)[0].field == "born"
    with translation.override("en"):
        html = str(shown["born"])
    assert f"cannot be opened (id {person.pk})" in html and "<input" not in html

    form = PersonForm(
        {"first_name": "Ander", "last_name": "Blijft", "born": "niet-een-datum"},
        instance=Person.objects.get(pk=person.pk),
    )
    keep_unopenable(form)
    assert form.is_valid(), form.errors
    assert form.changed_data == ["first_name"]
    form.save()

    assert stored(Person, person.pk, "born") == damaged
    assert Person.objects.get(pk=person.pk).first_name == "Ander"


def test_a_search_never_matches_the_markers_text():
    field = Person._meta.get_field("name_index")
    # A name whose token shares its truncated digest with "opened": the damaged
    # row is then a candidate of a search for "opened", and only its plaintext
    # may decide. The marker's text says "opened"; it must not count.
    token = next(
        f"Naam{n}"
        for n in range(100_000)
        if field.digests_for(f"Naam{n}") == field.digests_for("opened")
    )
    person = make_person(first_name=token, last_name="Smit")
    _damage(person, "first_name")

    with translation.override("en"):
        assert list(blind.search(Person.objects.all(), "name_index", "opened")) == []
        assert list(blind.search(Person.objects.all(), "name_index", token)) == []


def test_uniqueness_never_compares_a_damaged_value():
    taken = make_person(email="bezet@voorbeeld.nl")
    _damage(taken, "email")
    newcomer = Person(holder_id=make_person().holder_id, email="bezet@voorbeeld.nl")
    newcomer.first_name, newcomer.last_name = "Nieuw", "Lid"

    newcomer.validate_unique()  # the damaged row's value is unknown: no duplicate
    damaged = Person.objects.get(pk=taken.pk)
    make_person(email=str(damaged.email))  # a row whose value is the marker's text
    damaged.validate_unique()
    assert blind.duplicates(damaged, "email_index") == []
    with transaction.atomic():
        blind.lock_and_validate_unique(damaged)


def test_a_damaged_row_still_saves_with_its_index_unchanged():
    person = make_person(first_name="Index", last_name="Blijft")
    _damage(person, "first_name")
    before = blind.stored(person, "name_index")
    loaded = Person.objects.get(pk=person.pk)

    loaded.full_clean()
    loaded.save()

    assert len(before) == 2
    assert blind.stored(loaded, "name_index") == before


def test_a_full_clean_passes_a_damaged_value_of_every_kind():
    person = make_person()
    attachment = seal_chunks([b"%PDF-1.4"], filename="a.pdf", content_type="x/y")
    note = make_note(person, attachment=attachment)
    for field in ("title", "body", "extra", "attachment"):
        write_stored(Note, note.pk, field, flip(stored(Note, note.pk, field), 40))

    loaded = Note.objects.get(pk=note.pk)

    assert sorted(m.field for m in unopenable_values(loaded)) == [
        "attachment",
        "body",
        "extra",
        "title",
    ]
    try:
        loaded.full_clean()
    except ValidationError as exc:  # pragma: no cover - the failure to report
        pytest.fail(f"full_clean refused a damaged row: {exc}")
