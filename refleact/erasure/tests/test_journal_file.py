"""A damaged journal line (not UTF-8, not JSON) is skipped; the others still count."""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clients.models import Client, Organisation
from refleact.crypto import keyring
from refleact.erasure.journal import (
    journal_file_read,
    journal_path,
    journal_rewritten,
)
from refleact.erasure.models import ErasureJournalEntry
from refleact.erasure.registry import Erasure, Rule
from refleact.erasure.services import holder_erase
from refleact.keystore.models import DataKey
from refleact.testing.factories import ClientFactory, OrganisationFactory
from refleact.testing.retention import CLOCK_AND_JOURNAL

pytestmark = [pytest.mark.django_db(databases="__all__"), CLOCK_AND_JOURNAL]


def test_reapply_skips_damaged_lines_and_erases_the_named_holder(tmp_path):
    restored = ClientFactory(email="wessel@voorbeeld.nl")
    journal = tmp_path / "erasures.jsonl"
    line = json.dumps({"holder_id": str(restored.holder_id), "rule": "delete"})
    journal.write_bytes(b"\xff\xfe not utf-8\n{not json\n\n" + line.encode() + b"\n")

    assert journal_file_read(journal) == ([restored.holder_id], 2)
    out = StringIO()
    call_command("reapply_erasures", journal=str(journal), stdout=out)

    assert "1 " in out.getvalue()
    assert not Client.objects.filter(pk=restored.pk).exists()
    assert not DataKey.objects.filter(holder_id=restored.holder_id).exists()


def test_rewritten_fields_read_from_old_new_and_damaged_lines(tmp_path):
    """An old line (no ``rewritten``) reads as rewriting nothing; malformed items
    and fields of models, rows or fields that do not exist are skipped."""
    old = ClientFactory()
    new = ClientFactory()
    organisation = OrganisationFactory(billing_name="t.a.v. Wessel")
    items = [
        ["clients.organisation", str(organisation.pk), "billing_name"],
        ["clients.organisation", str(organisation.pk), "no_such_field"],
        ["clients.organisation", str(uuid.uuid4()), "billing_name"],
        ["clients.organisation", "not a key", "billing_name"],
        ["nosuch.model", "1", "body"],
        ["clients.organisation", str(organisation.pk)],
        "clients.organisation",
    ]
    journal = tmp_path / "erasures.jsonl"
    erased_at = "2026-12-02T09:00:00+00:00"
    lines = [
        {"holder_id": str(old.holder_id), "rule": "delete"},
        {
            "holder_id": str(new.holder_id),
            "rule": "delete",
            "rewritten": items,
            "erased_at": erased_at,
        },
        {"holder_id": str(new.holder_id), "rule": "delete", "rewritten": "x"},
    ]
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines))

    assert journal_rewritten(journal) == {
        old.holder_id: [],
        new.holder_id: [list(item) for item in items[:5]],
    }
    # The restored data backup was taken the day before the erasure.
    before = "2026-12-01T09:00:00+00:00"
    for _run in range(2):
        call_command(
            "reapply_erasures",
            journal=str(journal),
            data_taken_at=before,
            stdout=StringIO(),
        )

    keyring.clear_cache()
    organisation = Organisation.objects.get(pk=organisation.pk)
    assert organisation.billing_name == ""
    assert organisation.name
    entry = ErasureJournalEntry.objects.get(holder_id=new.holder_id)
    assert entry.rewritten == [list(item) for item in items[:5]]
    assert ErasureJournalEntry.objects.get(holder_id=old.holder_id).rewritten == []


def _line(holder_id, erased_at: str, rewritten) -> str:
    return json.dumps(
        {
            "holder_id": str(holder_id),
            "rule": "delete",
            "erased_at": erased_at,
            "rewritten": rewritten,
        }
    )


@pytest.mark.parametrize("taken_at", [None, "2026-12-03T09:00:00+00:00"])
def test_reapply_keeps_later_text_unless_the_data_predates_the_erasure(
    tmp_path, taken_at
):
    """A data backup from after the erasure, or no time given: the fields the
    erasure rewrote hold the coach's later text, which stays; the fields are
    listed (label, pk, field, never a value) for review."""
    erased = ClientFactory()
    organisation = OrganisationFactory(billing_name="Later: t.a.v. Annemieke")
    item = ["clients.organisation", str(organisation.pk), "billing_name"]
    journal = tmp_path / "erasures.jsonl"
    journal.write_text(_line(erased.holder_id, "2026-12-02T09:00:00+00:00", [item]))
    options = {"data_taken_at": taken_at} if taken_at else {}

    out = StringIO()
    call_command("reapply_erasures", journal=str(journal), stdout=out, **options)

    keyring.clear_cache()
    assert Organisation.objects.get(pk=organisation.pk).billing_name == (
        "Later: t.a.v. Annemieke"
    )
    assert not Client.objects.filter(pk=erased.pk).exists()
    text = out.getvalue()
    assert "Annemieke" not in text
    if taken_at is None:
        assert str(erased.holder_id) in text
        assert f"clients.organisation {organisation.pk} billing_name" in text
        assert "--data-taken-at" in text
    else:  # erased before the backup: its rewrite is in the restored data
        assert "billing_name" not in text


def test_a_bad_data_taken_at_is_refused(tmp_path):
    journal = tmp_path / "erasures.jsonl"
    journal.write_text("")
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command(
            "reapply_erasures",
            journal=str(journal),
            data_taken_at="yesterday",
            stdout=StringIO(),
        )


def test_reapply_writes_back_the_lines_of_a_lost_journal_file(
    django_capture_on_commit_callbacks,
):
    """The file is lost after the erasure (its line written, the table says
    so): reapply appends the line again before it destroys the key."""
    client = ClientFactory()
    with django_capture_on_commit_callbacks(execute=True):
        holder_erase(
            erasure=Erasure(
                holder_id=client.holder_id, kind="clients.Client", rule=Rule.DELETE
            )
        )
    entry = ErasureJournalEntry.objects.get(holder_id=client.holder_id)
    assert entry.journal_written_at is not None
    journal_path().unlink()

    call_command("reapply_erasures", stdout=StringIO())

    holders, damaged = journal_file_read()
    assert holders == [client.holder_id] and damaged == 0
    (line,) = journal_path().read_text().splitlines()
    assert json.loads(line)["erased_at"] == entry.erased_at.isoformat()
    # A second run finds the line there and writes no other.
    call_command("reapply_erasures", stdout=StringIO())
    assert journal_file_read() == ([client.holder_id], 0)


def test_an_append_after_a_cut_short_write_starts_a_line_of_its_own(
    django_capture_on_commit_callbacks,
):
    """A write cut short (a full disk) left a fragment without a newline: the
    next holder's line still reads, the fragment counts as one damaged line."""
    earlier = ClientFactory()
    journal_path().parent.mkdir(parents=True, exist_ok=True)
    journal_path().write_text(_line(earlier.holder_id, "2026-12-02T09:00:00", [])[:30])
    client = ClientFactory()
    with django_capture_on_commit_callbacks(execute=True):
        holder_erase(
            erasure=Erasure(
                holder_id=client.holder_id, kind="clients.Client", rule=Rule.DELETE
            )
        )
    assert journal_file_read() == ([client.holder_id], 1)
    assert not DataKey.objects.filter(holder_id=client.holder_id).exists()
