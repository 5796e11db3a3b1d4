"""The export holds every declared personal field of the client's rows, and nothing else's."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile

import pytest
from django.apps import apps
from django.urls import reverse

from portal import secondfactor
from portal.snapshot import NOT_EXPORTED, client_snapshot, json_value, withheld
from refleact.audit.models import AuditEvent
from refleact.crypto.files import SealedFile
from refleact.inventory.declarations import declarations

pytestmark = pytest.mark.django_db(databases="__all__")


def _download(http, fmt: str) -> bytes:
    response = http.get(reverse("portal:export", args=[fmt]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return (
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def _rows_by_id(data: dict) -> dict:
    return {
        (row["model"], row["id"]): row
        for section in data["sections"]
        for row in section["rows"]
    }


def _holder_rows(client):
    """Every row of every declared model that is sealed under the client's key."""
    by_model: dict = {}
    for d in declarations():
        by_model.setdefault(d.key[0], []).append(d.field)
    for label, fields in by_model.items():
        model = apps.get_model(label)
        if "holder_id" not in {f.name for f in model._meta.fields}:
            continue
        for obj in model._default_manager.filter(holder_id=client.holder_id):
            yield label, obj, fields


def test_json_export_holds_every_declared_field_of_every_row_of_the_client(
    http_a, client_a, account_a, full_a, full_b
):
    # A second factor too: its row is the client's, declared, and withheld.
    secondfactor.totp_enrol_start(account=account_a)
    data = json.loads(_download(http_a, "json"))
    assert data["schema"] == "refleact-portal-export/1"
    rows = _rows_by_id(data)
    checked = 0
    for label, obj, fields in _holder_rows(client_a):
        if label in NOT_EXPORTED:
            continue
        row = rows.get((label, str(obj.pk)))
        assert row is not None, f"{label} {obj.pk} is missing from the export"
        for field in fields:
            if field in withheld(obj):
                assert field in row["withheld"]
                continue
            value = getattr(obj, field)
            expected = json_value(value)
            if isinstance(value, SealedFile):
                assert row["fields"][field]["filename"] == value.filename
            else:
                assert row["fields"][field] == expected, (label, field)
            checked += 1
    assert checked > 20


def test_export_holds_nothing_of_another_client(http_a, client_b, full_a, full_b):
    text = _download(http_a, "json").decode()
    assert "bbbb" not in text
    for value in (
        client_b.first_name,
        client_b.last_name,
        client_b.email,
        str(client_b.pk),
    ):
        assert value not in text


def test_zip_has_json_pdf_attachments_and_a_manifest_that_checks_out(
    http_a, client_a, full_a
):
    archive = zipfile.ZipFile(io.BytesIO(_download(http_a, "zip")))
    names = set(archive.namelist())
    assert {"gegevens.json", "gegevens.pdf", "manifest.json"} <= names
    manifest = json.loads(archive.read("manifest.json"))
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == names - {"manifest.json"}
    for name, entry in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == entry["sha256"]
    attachment = next(n for n in names if n.startswith("attachments/"))
    assert archive.read(attachment) == b"document aaaa"
    # The theory's content is Refleact's, not in the download.
    assert b"Inhoud aaaa" not in archive.read("gegevens.json")


def test_pdf_renders_and_its_text_can_be_extracted(http_a, client_a, full_a, tmp_path):
    pdf = tmp_path / "export.pdf"
    pdf.write_bytes(_download(http_a, "pdf"))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Reflectie aaaa" in text
    assert client_a.last_name in text


def test_each_export_is_audit_logged_without_content(http_a, client_a, full_a):
    before = AuditEvent.objects.filter(action="export").count()
    _download(http_a, "json")
    event = AuditEvent.objects.filter(action="export").latest("at")
    assert AuditEvent.objects.filter(action="export").count() == before + 1
    assert event.holder_id == client_a.holder_id
    assert event.model == "clients.client"


def test_page_shows_the_same_snapshot_as_the_export(http_a, client_a, full_a):
    response = http_a.get(reverse("portal:data"))
    assert response.status_code == 200
    page = response.content.decode()
    for section in client_snapshot(client=client_a):
        assert str(section.title) in page or section.title in page
    assert "Reflectie aaaa" in page and "Kamer aaaa" in page


def test_export_streams_rows_one_chunk_at_a_time(client_a, full_a):
    from portal.export import export_json_chunks

    chunks = export_json_chunks(client=client_a)
    first = next(chunks)
    assert first.startswith(b'{"schema"')
    assert len(list(chunks)) > 10
