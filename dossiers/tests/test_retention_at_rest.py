"""Issue 12, "Done when": after the sweep nothing of the client is at rest, and
backups from before it neither open nor find the client.

Transactional: the sweep commits (the key is destroyed on commit) and a backup
(the SQLite file's bytes, or pg_dump) sees only committed rows.
"""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections

from clients.models import Client, Organisation
from clients.phone import phone_normalise
from dossiers import retention
from dossiers.services import trajectory_close
from dossiers.tests import backups
from refleact.crypto import blind, keyring
from refleact.crypto.fields import ERASED
from refleact.erasure.journal import journal_path
from refleact.erasure.models import RetentionLogEntry
from refleact.keystore.models import BlindIndexEntry
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    TrajectoryFactory,
)
from refleact.testing.retention import CLOCK_AND_JOURNAL, DUE

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    CLOCK_AND_JOURNAL,
]

PERSON = {
    "first_name": "Marieke",
    "last_name": "Oudendijk",
    "email": "marieke.oudendijk@voorbeeld.example",
    "phone": "06 3456 7812",
}


@pytest.fixture(autouse=True)
def fresh_keys():
    # Rows of a transactional test's holders are flushed, their keys not: a key
    # cached from another test must not open anything here.
    keyring.clear_cache()
    yield
    keyring.clear_cache()


@pytest.fixture
def closed(coach, clock):
    """A client with one trajectory closed for deletion, due now."""
    client = ClientFactory(coaches=[coach], **PERSON)
    trajectory = TrajectoryFactory(
        client=client,
        coach=coach,
        learning_question="Marieke Oudendijk wil rust vinden in haar werk.",
    )
    DossierEntryFactory(
        trajectory=trajectory,
        title="Sessie met Marieke",
        body="Marieke Oudendijk vertelde over haar team.",
    )
    trajectory_close(actor=coach, trajectory=trajectory, retention="delete")
    clock.move_to(DUE)
    return client


def identifiers() -> set[bytes]:
    found = {
        PERSON["first_name"],
        PERSON["last_name"],
        f"{PERSON['first_name']} {PERSON['last_name']}",
        PERSON["email"],
        PERSON["email"].upper(),
        PERSON["phone"],
        phone_normalise(PERSON["phone"]),
    }
    return {value.encode() for value in found}


def index_digests() -> dict[str, list[str]]:
    """Every blind-index value computable from the client's identifiers."""
    email = Client._meta.get_field("email_index")
    name = Client._meta.get_field("name_index")
    full_name = f"{PERSON['first_name']} {PERSON['last_name']}"
    return {
        email.index_name(): email.digests_for(PERSON["email"]),
        name.index_name(): name.digests_for(full_name),
    }


def assert_not_found(queryset) -> None:
    """Neither a search nor the blind indexes' candidates find the client."""
    full_name = f"{PERSON['first_name']} {PERSON['last_name']}"
    for index, term in (("email_index", PERSON["email"]), ("name_index", full_name)):
        assert not blind.search(queryset, index, term).exists()
        # Stronger than the search (which opens and compares): not even a
        # candidate, so an index digest cannot confirm "was a client".
        field = blind.index_field(Client, index)
        assert not field.candidates(queryset, term).exists()


def test_after_the_sweep_neither_database_holds_the_client(closed):
    assert blind.search(Client.objects.all(), "email_index", PERSON["email"]).exists()

    retention.retention_sweep()

    for alias in ("default", "keystore"):
        raw = backups.image(alias)
        leaked = sorted(v for v in identifiers() if v in raw)
        assert not leaked, f"{alias} still holds {leaked}"
    for index, digests in index_digests().items():
        assert not BlindIndexEntry.objects.filter(index=index, digest__in=digests)
    assert not BlindIndexEntry.objects.filter(holder_id=closed.holder_id).exists()
    # The data database has no digest column at all for a guess to match.
    with connection.cursor() as cursor:
        for model in (Client, Organisation):
            table = model._meta.db_table
            columns = {
                c.name
                for c in connection.introspection.get_table_description(cursor, table)
            }
            assert not {f.name for f in blind.index_fields(model)} & columns
    assert_not_found(Client.objects.all())


def test_a_data_backup_from_before_the_sweep_neither_opens_nor_finds_the_client(
    closed, tmp_path
):
    backup = backups.image("default")

    retention.retention_sweep()

    # Every key the practice still has: the current key store, the master keys
    # and BLIND_INDEX_KEY of the settings.
    with backups.opened_beside("default", backup, tmp_path) as alias:
        old = Client.objects.using(alias)
        row = old.get(pk=closed.pk)  # the row is in the backup ...
        assert row.first_name is ERASED  # ... and does not open
        assert row.email is ERASED
        assert_not_found(old)


def test_both_backups_restored_then_reapplied_open_and_find_nothing(closed):
    data, keys = backups.image("default"), backups.image("keystore")

    retention.retention_sweep()
    backups.restore("default", data)
    backups.restore("keystore", keys)
    keyring.clear_cache()
    # The restore brought the client, its key and its index entries back.
    assert Client.objects.get(pk=closed.pk).first_name == PERSON["first_name"]
    assert BlindIndexEntry.objects.filter(holder_id=closed.holder_id).exists()

    call_command("reapply_erasures", journal=str(journal_path()), stdout=StringIO())

    assert not Client.objects.filter(holder_id=closed.holder_id).exists()
    assert not BlindIndexEntry.objects.filter(holder_id=closed.holder_id).exists()
    assert_not_found(Client.objects.all())
    for alias in ("default", "keystore"):
        raw = backups.image(alias)
        assert not [v for v in identifiers() if v in raw], alias


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="two sweeps at once need row locks (skip_locked): PostgreSQL only; "
    "SQLite runs one sweep at a time",
)
def test_two_sweeps_at_once_process_each_trajectory_exactly_once(coach, clock):
    trajectories = []
    for n in range(8):
        client = ClientFactory(coaches=[coach], email=f"samen{n}@voorbeeld.example")
        trajectory = TrajectoryFactory(client=client, coach=coach)
        DossierEntryFactory(trajectory=trajectory, body=f"Notitie {n}")
        trajectory_close(actor=coach, trajectory=trajectory, retention="delete")
        trajectories.append(trajectory.pk)
    clock.move_to(DUE)
    start = threading.Barrier(2)
    done: list = []
    errors: list = []

    def sweep() -> None:
        # Each thread has its own database connections (Django's are per thread).
        try:
            start.wait(timeout=10)
            retention.retention_sweep(
                now=DUE, on_processed=lambda pk, *_: done.append(pk)
            )
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert sorted(done) == sorted(trajectories)  # each exactly once
    logged = list(RetentionLogEntry.objects.values_list("trajectory_id", flat=True))
    assert len(logged) == len(trajectories)
