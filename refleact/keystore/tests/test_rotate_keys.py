"""rotate_keys: re-wrap data keys under the newest master key, rewriting no data."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from refleact.crypto import keyring, masterkeys
from refleact.crypto.fields import ERASED
from refleact.crypto.testapp.models import Note, Person
from refleact.crypto.tests.conftest import make_note, make_person, stored
from refleact.keystore.checks import check_keys
from refleact.keystore.models import DataKey, Tombstone
from refleact.localenv import new_key

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def old_key(settings) -> str:
    return settings.FIELD_ENCRYPTION_KEYS[0]


@pytest.fixture
def add_master(settings, old_key):
    """Put a new master key first, keeping the old one to unwrap; return the new."""

    def add() -> str:
        key = new_key()
        settings.FIELD_ENCRYPTION_KEYS = [key, old_key]
        return key

    return add


def _rotate(**options) -> str:
    out = StringIO()
    call_command("rotate_keys", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def _master_ids() -> set[str]:
    return set(
        DataKey.objects.using("keystore").values_list("master_key_id", flat=True)
    )


def _everything_opens(people) -> bool:
    keyring.clear_cache()
    return all(
        Person.objects.get(pk=p.pk).first_name == p.first_name for p in people
    ) and all(n.title == "Intake" for n in Note.objects.all())


def test_after_rotation_everything_opens_without_the_old_master_key(
    settings, add_master
):
    people = [make_person() for _ in range(5)]
    for person in people:
        make_note(person)
    tokens = [stored(Person, p.pk, "first_name") for p in people]
    new_master = add_master()

    output = _rotate()
    settings.FIELD_ENCRYPTION_KEYS = [new_master]

    assert "Re-wrapped 5 data keys" in output
    assert "still on other master keys: 0" in output
    assert _master_ids() == {masterkeys.newest().id}
    assert _everything_opens(people)
    assert [stored(Person, p.pk, "first_name") for p in people] == tokens
    assert check_keys() == []


def test_an_interrupted_rotation_completes_when_run_again(
    settings, old_key, add_master
):
    people = [make_person() for _ in range(10)]
    new_master = add_master()

    first = _rotate(limit=4, batch_size=3)
    settings.FIELD_ENCRYPTION_KEYS = [new_master]
    halfway = check_keys()

    assert "Re-wrapped 4 data keys" in first and "master keys: 6" in first
    assert [e.id for e in halfway] == ["keystore.E003"]

    settings.FIELD_ENCRYPTION_KEYS = [new_master, old_key]
    second = _rotate(batch_size=3)
    settings.FIELD_ENCRYPTION_KEYS = [new_master]

    assert "Re-wrapped 6 data keys" in second and "master keys: 0" in second
    assert _everything_opens(people)
    assert check_keys() == []


def test_a_key_destroyed_during_rotation_is_not_brought_back(monkeypatch, add_master):
    people = [make_person() for _ in range(4)]
    add_master()
    victim = people[-1]
    unwrap = masterkeys.MasterKey.unwrap

    def unwrap_while_another_process_shreds(self, wrapped, key_id):
        # Between reading the batch and updating it, the victim is shredded.
        keyring.destroy(victim.holder_id, reason="erasure_request")
        return unwrap(self, wrapped, key_id)

    monkeypatch.setattr(
        masterkeys.MasterKey, "unwrap", unwrap_while_another_process_shreds
    )
    output = _rotate()
    monkeypatch.undo()

    assert "Re-wrapped 3 data keys" in output
    assert (
        not DataKey.objects.using("keystore")
        .filter(holder_id=victim.holder_id)
        .exists()
    )
    assert (
        Tombstone.objects.using("keystore").filter(holder_id=victim.holder_id).exists()
    )
    keyring.clear_cache()
    assert Person.objects.get(pk=victim.pk).first_name is ERASED


def test_a_key_that_fails_to_unwrap_is_reported_and_the_rest_rotate(add_master):
    broken, *fine = [make_person() for _ in range(3)]
    add_master()
    DataKey.objects.using("keystore").filter(holder_id=broken.holder_id).update(
        wrapped=os.urandom(60)
    )
    err = StringIO()

    with pytest.raises(CommandError, match="1 data keys failed to unwrap"):
        call_command("rotate_keys", stdout=StringIO(), stderr=err)

    key_id = DataKey.objects.using("keystore").get(holder_id=broken.holder_id).id
    assert f"data key {key_id} fails to unwrap" in err.getvalue()
    assert DataKey.objects.using("keystore").filter(
        master_key_id=masterkeys.newest().id
    ).count() == len(fine)


def test_rotation_with_nothing_to_do_rewraps_nothing():
    make_person()

    assert "Re-wrapped 0 data keys" in _rotate()


def test_rotation_refuses_a_batch_size_below_one():
    with pytest.raises(CommandError):
        _rotate(batch_size=0)
