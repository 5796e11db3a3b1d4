"""A damaged journal line (not UTF-8, not JSON) is skipped; the others still count."""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from clients.models import Client, Organisation
from refleact.crypto import keyring
from refleact.erasure.journal import journal_file_read, journal_rewritten
from refleact.erasure.models import ErasureJournalEntry
from refleact.keystore.models import DataKey
from refleact.testing.factories import ClientFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(databases="__all__")


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
    lines = [
        {"holder_id": str(old.holder_id), "rule": "delete"},
        {"holder_id": str(new.holder_id), "rule": "delete", "rewritten": items},
        {"holder_id": str(new.holder_id), "rule": "delete", "rewritten": "x"},
    ]
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines))

    assert journal_rewritten(journal) == {
        old.holder_id: [],
        new.holder_id: [list(item) for item in items[:5]],
    }
    call_command("reapply_erasures", journal=str(journal), stdout=StringIO())
    call_command("reapply_erasures", journal=str(journal), stdout=StringIO())

    keyring.clear_cache()
    organisation = Organisation.objects.get(pk=organisation.pk)
    assert organisation.billing_name == ""
    assert organisation.name
    entry = ErasureJournalEntry.objects.get(holder_id=new.holder_id)
    assert entry.rewritten == [list(item) for item in items[:5]]
    assert ErasureJournalEntry.objects.get(holder_id=old.holder_id).rewritten == []
