"""The key cache: one key-store query per page, short lifetime, instant forgetting."""

from __future__ import annotations

import uuid

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from refleact.crypto import keyring
from refleact.crypto.fields import ERASED
from refleact.crypto.testapp.models import Note, Person
from refleact.crypto.tests.conftest import make_note, make_person
from refleact.keystore.models import DataKey, Tombstone

pytestmark = pytest.mark.django_db(databases="__all__")


def test_listing_fifty_rows_of_different_holders_costs_one_key_store_query(
    django_assert_num_queries,
):
    for _ in range(50):
        make_person()
    keyring.clear_cache()

    with django_assert_num_queries(1, connection=connections["keystore"]):
        names = [p.first_name for p in Person.objects.all()]

    assert len(set(names)) == 50


def test_iterating_loads_all_keys_first_in_one_key_store_query(
    django_assert_num_queries,
):
    for _ in range(50):
        make_person()
    keyring.clear_cache()

    with django_assert_num_queries(1, connection=connections["keystore"]):
        emails = [p.email for p in Person.objects.iterator(chunk_size=20)]

    assert len(emails) == 50


def test_iterating_with_select_related_costs_one_key_store_query_per_chunk(
    django_assert_num_queries,
):
    for _ in range(50):
        make_note(make_person())
    keyring.clear_cache()

    with django_assert_num_queries(3, connection=connections["keystore"]):
        names = [
            n.person.first_name
            for n in Note.objects.select_related("person").iterator(chunk_size=20)
        ]

    assert len(names) == 50


def test_a_listing_with_erased_holders_still_costs_no_query_per_row(
    django_assert_num_queries,
):
    people = [make_person() for _ in range(10)]
    for person in people[:5]:
        keyring.destroy(person.holder_id, reason="test")
    keyring.clear_cache()

    with django_assert_num_queries(2, connection=connections["keystore"]):
        values = [p.first_name for p in Person.objects.all()]

    assert values.count(ERASED) == 5


def test_the_keyring_forgets_a_destroyed_key_at_once():
    person = make_person(first_name="Nog even")
    assert Person.objects.get(pk=person.pk).first_name == "Nog even"  # now cached

    keyring.destroy(person.holder_id, reason="test")

    assert Person.objects.get(pk=person.pk).first_name is ERASED


def test_destroying_keys_leaves_no_cache_entry_per_key():
    # The retention sweep destroys one key per trajectory: its memory must not
    # grow with them (bench/retention.py).
    people = [make_person() for _ in range(5)]
    assert len([p.first_name for p in Person.objects.all()]) == 5  # now cached
    keyring.clear_cache()
    keyring.preload(p.holder_id for p in people)
    size = len(keyring._cache.by_key), len(keyring._cache.by_holder)

    for person in people:
        keyring.destroy(person.holder_id, reason="test")

    assert len(keyring._cache.by_key) == size[0] - 5
    assert len(keyring._cache.by_holder) == size[1] - 5
    assert keyring.is_erased(people[0].holder_id)


def test_another_process_can_open_a_destroyed_key_only_until_the_cache_expires(
    settings, key_clock
):
    settings.KEY_CACHE_SECONDS = 60
    person = make_person(first_name="Elders")
    assert Person.objects.get(pk=person.pk).first_name == "Elders"  # now cached
    # Another process shreds the holder: this process's cache does not hear of it.
    key = DataKey.objects.using("keystore").get(holder_id=person.holder_id)
    Tombstone.objects.using("keystore").create(
        key_id=key.id, holder_id=key.holder_id, reason="test"
    )
    key.delete(using="keystore")

    key_clock.advance(59)
    assert Person.objects.get(pk=person.pk).first_name == "Elders"
    key_clock.advance(2)
    assert Person.objects.get(pk=person.pk).first_name is ERASED


def test_bulk_create_makes_all_new_keys_in_one_key_store_transaction():
    people = [Person(first_name=f"P{i}", last_name="Q") for i in range(30)]

    with CaptureQueriesContext(connections["keystore"]) as queries:
        Person.objects.bulk_create(people)

    assert DataKey.objects.using("keystore").count() == 30
    inserts = [
        q for q in queries if q["sql"].startswith('INSERT INTO "keystore_datakey"')
    ]
    assert len(inserts) == 1


def test_an_existing_key_is_reused_not_replaced():
    holder = uuid.uuid4()
    first_id, _ = keyring.cipher_for_holder(holder, create=True)
    keyring.clear_cache()

    second_id, _ = keyring.cipher_for_holder(holder, create=True)

    assert first_id == second_id
    assert DataKey.objects.using("keystore").filter(holder_id=holder).count() == 1
