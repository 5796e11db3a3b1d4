"""orphan_keys_sweep: keys left by rolled-back data transactions are destroyed."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine

from refleact.crypto import keyring
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.crypto.tests.conftest import make_person
from refleact.keystore.models import DataKey, Tombstone
from refleact.keystore.tasks import orphan_keys_sweep

pytestmark = pytest.mark.django_db(databases="__all__")

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _has_key(holder_id) -> bool:
    return DataKey.objects.using("keystore").filter(holder_id=holder_id).exists()


def test_sweep_destroys_unused_keys_older_than_a_day_only():
    with time_machine.travel(START, tick=False) as clock:
        orphan = uuid.uuid4()
        keyring.cipher_for_holder(orphan, create=True)  # its data rolled back
        used = make_person().holder_id
        keyring.cipher_for_holder(PRACTICE_HOLDER_ID, create=True)
        clock.shift(datetime.timedelta(hours=23))
        young_orphan = uuid.uuid4()
        keyring.cipher_for_holder(young_orphan, create=True)
        clock.shift(datetime.timedelta(hours=2))

        destroyed = orphan_keys_sweep()

    assert destroyed == 1
    assert not _has_key(orphan)
    assert _has_key(used) and _has_key(PRACTICE_HOLDER_ID) and _has_key(young_orphan)
    tomb = Tombstone.objects.using("keystore").get()
    assert (tomb.holder_id, tomb.reason) == (orphan, "orphan")


def test_sweep_twice_destroys_nothing_more():
    with time_machine.travel(START, tick=False) as clock:
        keyring.cipher_for_holder(uuid.uuid4(), create=True)
        clock.shift(datetime.timedelta(days=2))

        assert orphan_keys_sweep() == 1
        assert orphan_keys_sweep() == 0
