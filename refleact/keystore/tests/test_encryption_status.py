"""encryption_status: counts keys and tombstones, names failing values, never values."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from refleact.crypto import keyring, masterkeys
from refleact.crypto.testapp.models import Person
from refleact.crypto.tests.conftest import make_note, make_person, stored
from refleact.crypto.unopenable import Cause
from refleact.keystore import services
from refleact.keystore.models import DataKey
from refleact.localenv import new_key

pytestmark = pytest.mark.django_db(databases="__all__")


def _status(*args) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("encryption_status", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_status_counts_keys_tombstones_and_values():
    people = [make_person() for _ in range(3)]
    make_note(people[0])
    keyring.destroy(people[2].holder_id, reason="trajectory_closed")

    output, failed = _status()

    assert failed is None
    newest = masterkeys.newest().id
    assert f"master key {newest} (newest, wraps new keys): 2 data keys" in output
    assert "tombstones: 1" in output
    assert "values checked: 16" in output  # 3 people x 4 + 1 note x 4
    assert "values erased: 4" in output
    assert "values failing to open: 0" in output


def test_status_names_the_places_of_failing_values_without_the_values():
    victim = make_person(first_name="Zichtbaarheid", last_name="Lek")
    Person.objects.filter(pk=victim.pk).update(
        first_name=stored(Person, victim.pk, "last_name")
    )

    output, failed = _status()

    assert "values failing to open: 1" in output
    assert "crypto_testapp.Person.first_name: 1" in output
    assert failed is not None
    assert "Zichtbaarheid" not in output and "Lek" not in output


def test_status_shows_master_keys_the_configuration_lacks(settings):
    make_person()
    old_id = masterkeys.newest().id
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]
    keyring.clear_cache()

    output, failed = _status("--no-verify")

    assert f"master key {old_id} (NOT CONFIGURED): 1 data keys" in output
    assert failed is None  # --no-verify only reports


def test_status_with_a_missing_master_key_fails_without_values(settings):
    make_person(first_name="Onleesbaar")
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]
    keyring.clear_cache()

    output, failed = _status()

    assert "crypto_testapp.Person.first_name: 1" in output
    assert failed is not None and "Onleesbaar" not in output


def test_status_names_each_value_that_fails_by_place_and_cause():
    altered = make_person(first_name="Verschoven")
    Person.objects.filter(pk=altered.pk).update(
        first_name=stored(Person, altered.pk, "last_name")
    )
    lost = make_person(first_name="Sleutelloos")
    DataKey.objects.using("keystore").filter(holder_id=lost.holder_id).delete()
    keyring.clear_cache()

    output, failed = _status()

    assert (
        f"cannot be opened: crypto_testapp.Person.first_name (pk={altered.pk}): "
        "altered (the stored value was changed outside the application)"
    ) in output
    for field in ("first_name", "last_name", "email", "born"):
        assert (
            f"cannot be opened: crypto_testapp.Person.{field} (pk={lost.pk}): "
            "key missing (the key store may be damaged"
        ) in output
    assert "values failing to open: 5 (key missing: 4, altered: 1)" in output
    assert failed is not None
    assert "Verschoven" not in output and "Sleutelloos" not in output


def test_status_reports_damaged_values_as_it_finds_them():
    # Bounded memory: each damaged value is handed on when found, not collected.
    people = [make_person() for _ in range(3)]
    for person in people:
        Person.objects.filter(pk=person.pk).update(
            email=stored(Person, person.pk, "first_name")
        )
    seen = []

    status = services.encryption_status(on_unopenable=seen.append)

    assert sorted(m.pk for m in seen) == sorted(p.pk for p in people)
    assert {m.place for m in seen} == {
        f"crypto_testapp.Person.email (pk={p.pk})" for p in people
    }
    assert status.failures == {"crypto_testapp.Person.email": 3}
    assert status.causes == {Cause.ALTERED: 3}
