"""A damaged journal line (not UTF-8, not JSON) is skipped; the others still count."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from clients.models import Client
from refleact.erasure.journal import journal_file_read
from refleact.keystore.models import DataKey
from refleact.testing.factories import ClientFactory

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
