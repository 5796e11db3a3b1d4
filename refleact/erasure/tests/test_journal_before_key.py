"""No key is destroyed before its holder's line is in the journal file.

The file (ERASURE_JOURNAL_PATH) is the only record that survives a restore of
the data database: a crash between the data commit and the append, or an
append that fails (disk full), must leave the line to the next sweep, never a
destroyed key without it.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from refleact.erasure import services
from refleact.erasure.journal import journal_append, journal_file_read, journal_path
from refleact.erasure.models import ErasureJournalEntry
from refleact.erasure.registry import Erasure, Rule
from refleact.erasure.services import holder_erase, keys_destroy_pending
from refleact.keystore.models import DataKey
from refleact.testing.factories import ClientFactory

pytestmark = [
    pytest.mark.django_db(databases="__all__"),
    pytest.mark.usefixtures("fresh_journal"),  # refleact.testing.retention
]


def erase(client) -> None:
    holder_erase(
        erasure=Erasure(
            holder_id=client.holder_id, kind="clients.Client", rule=Rule.DELETE
        )
    )


def file_holders() -> list:
    return journal_file_read()[0]


def test_sweep_after_a_crash_at_commit_appends_the_line_and_destroys_the_key(
    coach, django_capture_on_commit_callbacks
):
    client = ClientFactory(coaches=[coach])
    # The process dies right after the data commit: no on_commit callback runs.
    with django_capture_on_commit_callbacks(execute=False):
        erase(client)
    assert file_holders() == []

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_retention", stdout=StringIO())

    assert file_holders() == [client.holder_id]
    assert not DataKey.objects.filter(holder_id=client.holder_id).exists()
    entry = ErasureJournalEntry.objects.get(holder_id=client.holder_id)
    assert entry.journal_written_at is not None
    assert entry.key_destroyed_at is not None


def test_a_failed_append_leaves_the_key_until_the_line_is_written(
    coach, monkeypatch, django_capture_on_commit_callbacks
):
    client = ClientFactory(coaches=[coach])

    def disk_full(line: dict) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services, "journal_append", disk_full)
    with pytest.raises(OSError), django_capture_on_commit_callbacks(execute=True):
        erase(client)
    # Data committed, no line: the key must still be there.
    assert DataKey.objects.filter(holder_id=client.holder_id).exists()
    with pytest.raises(OSError):  # still full: the sweep fails loudly, key kept
        keys_destroy_pending()
    assert DataKey.objects.filter(holder_id=client.holder_id).exists()

    monkeypatch.setattr(services, "journal_append", journal_append)
    assert keys_destroy_pending() == 1

    assert file_holders() == [client.holder_id]
    assert not DataKey.objects.filter(holder_id=client.holder_id).exists()


def test_a_written_line_is_not_written_again(coach, django_capture_on_commit_callbacks):
    client = ClientFactory(coaches=[coach])
    with django_capture_on_commit_callbacks(execute=True):
        erase(client)

    assert keys_destroy_pending() == 0
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_retention", stdout=StringIO())

    assert file_holders() == [client.holder_id]
    line = json.loads(journal_path().read_text().splitlines()[0])
    assert line["holder_id"] == str(client.holder_id) and line["rule"] == "delete"


def test_reapply_writes_the_line_of_a_holder_only_the_table_names():
    # The file was lost; the table still names the holder, whose key is back.
    restored = ClientFactory()
    ErasureJournalEntry.objects.create(
        holder_id=restored.holder_id, kind="clients.Client", rule="delete"
    )

    call_command("reapply_erasures", stdout=StringIO())

    assert file_holders() == [restored.holder_id]
    assert not DataKey.objects.filter(holder_id=restored.holder_id).exists()


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_crash_at_commit_then_a_restore_and_reapply_keeps_the_client_erased(
    coach, monkeypatch
):
    from clients.models import Client
    from dossiers.tests import backups
    from refleact.crypto import keyring

    client = ClientFactory(coaches=[coach])
    data_before = backups.image("default")
    # The process dies right after the data commit: nothing registered with
    # on_commit (the journal line, the key's destruction) ever runs.
    with monkeypatch.context() as crash:
        crash.setattr(services.transaction, "on_commit", lambda *a, **k: None)
        erase(client)
    assert DataKey.objects.filter(holder_id=client.holder_id).exists()

    call_command("run_retention", stdout=StringIO())
    assert not DataKey.objects.filter(holder_id=client.holder_id).exists()

    # The data database comes back from before the erasure: the client row is
    # there again and the journal table never heard of it; only the file knows.
    backups.restore("default", data_before)
    keyring.clear_cache()
    assert Client.objects.filter(pk=client.pk).exists()
    assert not ErasureJournalEntry.objects.filter(holder_id=client.holder_id).exists()

    call_command("reapply_erasures", stdout=StringIO())

    assert not Client.objects.filter(pk=client.pk).exists()
    assert client.holder_id in file_holders()
