"""encryption_status warns for journalled holders that still have keys or rows."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from refleact.erasure.journal import journal_append
from refleact.erasure.models import ErasureJournalEntry
from refleact.testing.factories import ClientFactory

pytestmark = [
    pytest.mark.django_db(databases="__all__"),
    pytest.mark.usefixtures("fresh_journal"),  # refleact.testing.retention
]


def status(*args) -> str:
    out = StringIO()
    call_command("encryption_status", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("args", [(), ("--no-verify",)])
def test_restored_holder_in_the_journal_file_is_named_and_fails(args):
    # As after a restore from before the erasure: the rows and the key are back,
    # the journal table lost its entry, the journal file still has it.
    restored = ClientFactory(first_name="Wessel", email="wessel@voorbeeld.nl")
    journal_append({"holder_id": str(restored.holder_id), "rule": "delete"})

    out = StringIO()
    with pytest.raises(CommandError, match="reapply_erasures"):
        call_command("encryption_status", *args, stdout=out)

    line = next(x for x in out.getvalue().splitlines() if "WARNING" in x)
    assert str(restored.holder_id) in line
    assert "data key" in line and "clients.Client" in line
    assert "Wessel" not in out.getvalue() and "wessel@" not in out.getvalue()


def test_restored_holder_in_the_journal_table_fails():
    restored = ClientFactory()
    ErasureJournalEntry.objects.create(
        holder_id=restored.holder_id, kind="clients.Client", rule="delete"
    )

    with pytest.raises(CommandError):
        status("--no-verify")


def test_journalled_holder_with_nothing_left_passes():
    ClientFactory()  # another client: no warning for them
    ErasureJournalEntry.objects.create(
        holder_id="8a3c4f2e-0000-4000-8000-000000000001",
        kind="clients.Client",
        rule="delete",
    )

    assert "WARNING" not in status()
