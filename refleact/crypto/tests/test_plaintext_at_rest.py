"""Nothing written through the models is readable at rest, and shredding is final.

These run a real stack (fresh databases migrated by `manage.py migrate`, writes in
a subprocess): SQLite files scanned byte for byte, or on PostgreSQL `pg_dump`.
"""

from __future__ import annotations

import json
import uuid

import pytest

from refleact.crypto.tests import plaintexts
from refleact.crypto.tests.stack import Stack


@pytest.fixture
def stack(tmp_path):
    stack = Stack(tmp_path)
    try:
        stack.migrate()
        yield stack
    finally:
        stack.close()


def _forms(text: str) -> set[bytes]:
    """The ways a plaintext could show up in a file or a dump."""
    found = set()
    for variant in {text, text.lower(), text.upper()}:
        encoded = variant.encode("utf-8")
        found.update(
            {
                encoded,
                json.dumps(variant)[1:-1].encode("ascii"),  # JSON-escaped
                encoded.hex().encode("ascii"),  # bytea in a dump
            }
        )
    return found


def _leaks(haystack: bytes, needles) -> list[str]:
    return [n for n in needles if any(form in haystack for form in _forms(n))]


def test_nothing_written_through_the_models_is_readable_at_rest(stack):
    written = stack.script("write")

    data = stack.raw(stack.data_url)
    keys = stack.raw(stack.keystore_url)
    files = stack.sealed_files()

    # The scans see what is really stored: a row id, and a wrapped key.
    pk = uuid.UUID(written["persons"][0]["pk"])
    assert pk.hex.encode() in data or str(pk).encode() in data
    some_key = next(iter(written["keys"].values()))
    assert bytes.fromhex(some_key["wrapped"]) in keys or (
        some_key["wrapped"].encode() in keys
    )
    everything = data + keys + files
    assert _leaks(everything, plaintexts.needles()) == []
    # Data keys are stored only wrapped.
    assert _leaks(everything, [k["raw"] for k in written["keys"].values()]) == []
    raw_keys = [bytes.fromhex(k["raw"]) for k in written["keys"].values()]
    assert not [k for k in raw_keys if k in everything]
    # ...and yet it all reads back.
    read = json.dumps(stack.script("read"), ensure_ascii=False)
    assert all(needle in read for needle in plaintexts.needles())


def test_a_shredded_holder_reads_as_erased_even_from_a_backup_of_the_data(stack):
    written = stack.script("write")
    shredded, kept = (p["holder"] for p in written["persons"])
    backup = stack.copy_data()

    assert stack.script("destroy", shredded) == {"destroyed": True}

    for data_url in (stack.data_url, backup):
        holders = stack.script("read", data_url=data_url)["holders"]
        assert set(holders[shredded]) == {"ERASED"}
        assert "ERASED" not in holders[kept]
    # The wrapped key is gone from the key store itself, not merely unlinked.
    keys = stack.raw(stack.keystore_url)
    wrapped = written["keys"][shredded]["wrapped"]
    assert bytes.fromhex(wrapped) not in keys and wrapped.encode() not in keys
    assert bytes.fromhex(written["keys"][kept]["wrapped"]) in keys or (
        written["keys"][kept]["wrapped"].encode() in keys
    )
