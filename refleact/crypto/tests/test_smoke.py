import datetime

import pytest

from refleact.crypto import blind, keyring
from refleact.crypto.fields import ERASED, Sealed
from refleact.crypto.testapp.models import Note, Person


@pytest.mark.django_db(databases="__all__")
def test_smoke(django_assert_num_queries):
    p = Person.objects.create(
        first_name="Émile",
        last_name="de Vries",
        email="Emile@X.nl",
        born=datetime.date(1990, 1, 2),
    )
    Note.objects.create(
        person=p, holder_id=p.holder_id, title="t", body="hello", extra={"a": 1}
    )
    keyring.clear_cache()
    q = Person.objects.get(pk=p.pk)
    assert q.first_name == "Émile" and q.born == datetime.date(1990, 1, 2)
    assert isinstance(Person.objects.values_list("email", flat=True)[0], Sealed)
    assert list(blind.search(Person.objects.all(), "email_index", " emile@x.NL")) == [p]
    assert list(blind.search(Person.objects.all(), "name_index", "vries EMILE")) == [p]
    assert list(blind.search(Person.objects.all(), "name_index", "vries jan")) == []
    keyring.destroy(p.holder_id, reason="test")
    q = Person.objects.get(pk=p.pk)
    assert q.first_name is ERASED
    assert Note.objects.get().body is ERASED
    print(str(ERASED))
