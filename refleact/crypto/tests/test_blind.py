"""Blind indexes: lookups by e-mail and name tokens, forced collisions, uniqueness."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from refleact.crypto import blind, keyring
from refleact.crypto.testapp.models import Person
from refleact.crypto.tests.conftest import make_person

pytestmark = pytest.mark.django_db(databases="__all__")


def _search(index: str, term: str) -> list[Person]:
    return list(blind.search(Person.objects.all(), index, term))


def _colliding(index: str, make, count: int = 2) -> list[str]:
    """Return distinct values whose truncated digests collide under the test key."""
    field = Person._meta.get_field(index)
    seen: dict[tuple, str] = {}
    for n in itertools.count():
        value = make(n)
        digest = tuple(field.digests_for(value))
        if digest in seen:
            return [seen[digest], value]
        seen[digest] = value
    raise AssertionError("unreachable")


def test_lookup_by_email_ignores_case_and_surrounding_space():
    wanted = make_person(email="Anne.Smit@Voorbeeld.nl")
    make_person(email="iemand@anders.nl")

    assert _search("email_index", "  anne.smit@voorbeeld.NL ") == [wanted]
    assert _search("email_index", "anne.smit@voorbeeld.n") == []


def test_lookup_by_one_or_several_name_tokens_needs_all_of_them():
    emile = make_person(first_name="Émile", last_name="de Vries")
    jan = make_person(first_name="Jan", last_name="de Vries")
    make_person(first_name="Emile", last_name="Jansen")

    assert set(_search("name_index", "vries")) == {emile, jan}
    assert _search("name_index", "VRIES emile") == [emile]
    assert _search("name_index", "Emile de Vries") == [emile]
    assert _search("name_index", "vries piet") == []
    assert _search("name_index", "") == []


def test_a_forced_collision_of_the_email_index_returns_only_the_right_row():
    first, second = _colliding("email_index", lambda n: f"botsing{n}@voorbeeld.nl")
    wanted = make_person(email=first)
    other = make_person(email=second)
    assert wanted.email_index == other.email_index  # the collision is real

    assert _search("email_index", first) == [wanted]
    assert _search("email_index", second) == [other]


def test_a_forced_collision_of_a_name_token_returns_only_the_right_row():
    first, second = _colliding("name_index", lambda n: f"Naam{n}")
    wanted = make_person(first_name=first, last_name="Smit")
    make_person(first_name=second, last_name="Smit")

    assert _search("name_index", f"{first} smit") == [wanted]


def test_name_search_compares_digests_in_the_key_store_never_ciphertext():
    make_person(first_name="Lotte", last_name="Bakker")

    with (
        CaptureQueriesContext(connections["default"]) as data,
        CaptureQueriesContext(connections["keystore"]) as keys,
    ):
        assert len(_search("name_index", "lotte bakker")) == 1

    lookups = [q["sql"] for q in keys if "keystore_blindindexentry" in q["sql"]]
    assert lookups, "the token search runs over the key store's digests"
    for sql in [q["sql"] for q in data]:
        assert "LIKE" not in sql.upper()
        assert "_index" not in sql  # no digest column in the data database


def test_validate_unique_refuses_a_second_row_with_the_same_email():
    make_person(email="dubbel@voorbeeld.nl")
    duplicate = Person(first_name="A", last_name="B", email="Dubbel@Voorbeeld.nl")

    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()

    assert caught.value.error_dict["email"][0].code == "unique"
    assert blind.duplicates(duplicate, "email_index")


def test_validate_unique_is_not_fooled_by_a_colliding_email():
    first, second = _colliding("email_index", lambda n: f"uniek{n}@voorbeeld.nl")
    make_person(email=first)

    Person(first_name="A", last_name="B", email=second).full_clean()


def test_a_row_is_not_its_own_duplicate():
    person = make_person(email="zelf@voorbeeld.nl")

    person.full_clean()


def test_lock_and_validate_unique_checks_under_a_lock_inside_a_transaction():
    make_person(email="bezet@voorbeeld.nl")
    taken = Person(first_name="A", last_name="B", email="bezet@voorbeeld.nl")
    free = Person(first_name="A", last_name="B", email="vrij@voorbeeld.nl")

    with transaction.atomic():
        blind.lock_and_validate_unique(free)
        with pytest.raises(ValidationError):
            blind.lock_and_validate_unique(taken)


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_lock_and_validate_unique_outside_a_transaction_raises():
    with pytest.raises(TransactionManagementError):
        blind.lock_and_validate_unique(Person(email="x@y.nl"))


def test_the_index_follows_the_value_on_save():
    person = make_person(email="oud@voorbeeld.nl")

    person.email = "nieuw@voorbeeld.nl"
    person.save()
    keyring.clear_cache()

    assert _search("email_index", "nieuw@voorbeeld.nl") == [person]
    assert _search("email_index", "oud@voorbeeld.nl") == []
