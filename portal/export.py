"""'Download mijn gegevens': JSON, PDF, attachments and a manifest, from the snapshot.

Policy: "Mocht Refleact gegevens van u hebben die u graag zelf zou willen hebben,
dan is dit altijd mogelijk." (GDPR arts. 15(3) and 20.) The JSON and the PDF are
made from ``snapshot.client_snapshot``, the same function "Mijn gegevens" shows,
so the page and the download cannot disagree. Its structure is documented in
portal/README.md ("The export").

The JSON, the PDF and the zip stream: rows are read in chunks, each written out
before the next is read, and attachments are opened chunk by chunk; nothing is
written to disk. The PDF is laid out a chunk of rows at a time and its pages
written on as they come (``export_pdf.py``), so memory does not grow with the
dossier (bench/export.py). The manifest's digests are computed as each file is
written into the zip.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from io import RawIOBase

from django.utils import timezone

from clients.models import Client
from portal.export_pdf import export_pdf_chunks
from portal.snapshot import SCHEMA, Row, attachment_name, client_snapshot
from refleact.crypto.files import SealedFile, open_chunks

JSON_NAME = "gegevens.json"
PDF_NAME = "gegevens.pdf"
MANIFEST_NAME = "manifest.json"


def _row_json(row: Row) -> dict:
    fields = {}
    for value in row.values:
        path = ""
        if isinstance(value.value, SealedFile):
            path = attachment_name(row, value.value)
        fields[value.name] = value.json(attachment_path=path)
    data = {"model": row.model, "id": row.pk, "fields": fields}
    if row.withheld:
        data["withheld"] = sorted(row.withheld)
    return data


def export_json_chunks(*, client: Client) -> Iterator[bytes]:
    """Yield the JSON export in pieces, one row at a time."""
    head = {
        "schema": SCHEMA,
        "generated_at": timezone.localtime().isoformat(),
        "subject": str(client.holder_id),
        "language": client.language,
    }
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "sections": [').encode()
    for index, section in enumerate(client_snapshot(client=client)):
        prefix = "," if index else ""
        meta = {"key": section.key, "title": str(section.title)}
        meta["model"] = section.model._meta.label_lower
        yield (
            prefix + json.dumps(meta, ensure_ascii=False)[:-1] + ', "rows": ['
        ).encode()
        for row_index, row in enumerate(section.rows()):
            text = json.dumps(_row_json(row), ensure_ascii=False, sort_keys=True)
            yield (("," if row_index else "") + text).encode()
        yield b"]}"
    yield b"]}"


class _Pipe(RawIOBase):
    """A write-only stream whose written bytes the generator takes out."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def _attachments(client: Client) -> Iterator[tuple[str, SealedFile]]:
    for section in client_snapshot(client=client):
        for row in section.rows():
            for value in row.values:
                if isinstance(value.value, SealedFile):
                    yield attachment_name(row, value.value), value.value


def export_zip_chunks(*, client: Client) -> Iterator[bytes]:
    """Yield a zip of the JSON, the PDF, every attachment and the manifest.

    The manifest lists each file's SHA-256, so the client can check the copy is
    whole (``sha256sum``).
    """
    pipe = _Pipe()
    manifest = {"schema": SCHEMA, "files": []}
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, chunks) -> Iterator[bytes]:
            digest, size = hashlib.sha256(), 0
            with archive.open(name, mode="w", force_zip64=True) as member:
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    member.write(chunk)
                    yield pipe.take()
            manifest["files"].append(
                {"name": name, "size": size, "sha256": digest.hexdigest()}
            )
            yield pipe.take()

        yield from add(JSON_NAME, export_json_chunks(client=client))
        yield from add(PDF_NAME, export_pdf_chunks(client=client))
        for name, sealed in _attachments(client):
            yield from add(name, open_chunks(sealed))
        text = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        archive.writestr(MANIFEST_NAME, text)
    yield pipe.take()
