"""Encrypted attachments: sealed while streaming in, tamper-evident, bounded memory."""

from __future__ import annotations

import hashlib
import random
import struct
import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.urls import reverse

from refleact.crypto.errors import DecryptionError
from refleact.crypto.files import (
    CHUNK,
    SealedUploadedFile,
    SealingUploadHandler,
    file_response,
    open_chunks,
    seal_chunks,
)
from refleact.crypto.testapp.models import Note
from refleact.crypto.tests.conftest import make_person

MB = 1024 * 1024
_RECORD = struct.Struct(">BI")


def _sealed_dir() -> Path:
    return Path(settings.SEALED_FILES_DIR)


def _pieces(size: int, *, seed: int = 7, piece: int = CHUNK):
    """Yield `size` pseudo-random bytes in pieces, never holding more than one."""
    rng = random.Random(seed)
    left = size
    while left:
        n = min(piece, left)
        yield rng.randbytes(n)
        left -= n


def _digest(chunks) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    for chunk in chunks:
        sha.update(chunk)
        size += len(chunk)
    return sha.hexdigest(), size


def _records(path: Path) -> list[bytes]:
    data, records, at = path.read_bytes(), [], 0
    while at < len(data):
        _, length = _RECORD.unpack_from(data, at)
        end = at + _RECORD.size + length
        records.append(data[at:end])
        at = end
    return records


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5])
@pytest.mark.parametrize("piece", [1000, CHUNK, 5 * CHUNK])
def test_any_size_round_trips_whatever_the_pieces(size, piece):
    sealed = seal_chunks(
        _pieces(size, piece=piece), filename="f.bin", content_type="x/y"
    )

    assert _digest(open_chunks(sealed)) == _digest(_pieces(size))
    assert sealed.size == size


def test_the_stored_file_has_a_random_name_and_no_plaintext():
    secret = b"vertrouwelijk-verslag " * 5000
    sealed = seal_chunks([secret], filename="verslag-jan.pdf", content_type="x/y")

    stored = sealed.path.read_bytes()
    assert sealed.path.name != "verslag-jan.pdf" and len(sealed.path.name) == 40
    assert b"vertrouwelijk" not in stored and b"verslag-jan" not in stored


def _tamper(sealed, change) -> None:
    records = _records(sealed.path)
    sealed.path.write_bytes(b"".join(change(records)))


def _flip_last_byte(records):
    last = bytearray(records[-1])
    last[-1] ^= 1
    return [*records[:-1], bytes(last)]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda r: [r[0], *r[2:]], id="chunk dropped"),
        pytest.param(lambda r: [r[1], r[0], *r[2:]], id="chunks swapped"),
        pytest.param(lambda r: r[:-1], id="cut off after a chunk"),
        pytest.param(lambda r: [*r[:-1], r[-1][:-5]], id="cut off inside a chunk"),
        pytest.param(lambda r: [*r, r[-1]], id="data after the end"),
        pytest.param(_flip_last_byte, id="one byte flipped"),
    ],
)
def test_a_tampered_attachment_fails_to_open(change):
    sealed = seal_chunks(_pieces(3 * CHUNK + 10), filename="f", content_type="x/y")
    _tamper(sealed, change)

    with pytest.raises(DecryptionError):
        _digest(open_chunks(sealed))


def test_a_chunk_from_another_file_fails_to_open():
    first = seal_chunks(_pieces(2 * CHUNK, seed=1), filename="a", content_type="x/y")
    second = seal_chunks(_pieces(2 * CHUNK, seed=2), filename="b", content_type="x/y")
    intruder = _records(second.path)[0]
    _tamper(first, lambda r: [intruder, *r[1:]])

    with pytest.raises(DecryptionError):
        _digest(open_chunks(first))


def test_a_forged_record_length_is_refused_before_reading():
    sealed = seal_chunks([b"kort"], filename="f", content_type="x/y")
    sealed.path.write_bytes(_RECORD.pack(1, 2**31) + b"\0" * 40)

    with pytest.raises(DecryptionError, match="torn record"):
        _digest(open_chunks(sealed))


def test_a_50_mb_attachment_round_trips_in_bounded_memory():
    size = 50 * MB
    tracemalloc.start()
    try:
        sealed = seal_chunks(_pieces(size), filename="groot.bin", content_type="x/y")
        sealing_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        digest = _digest(open_chunks(sealed))
        opening_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert digest == _digest(_pieces(size))
    assert sealing_peak < 2 * MB, sealing_peak
    assert opening_peak < 2 * MB, opening_peak


class _StreamedMultipart:
    """A multipart request body produced as it is read, like a socket would."""

    BOUNDARY = "refleact-test-boundary-8c1f7d2a94b34f0e"

    def __init__(self, size: int, filename: str) -> None:
        self.head = (
            f"--{self.BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="attachment"; '
            f'filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self.length = len(self.head) + size + len(self.tail)
        self._parts = iter([self.head, *_pieces(size), self.tail])
        self._buffer = b""

    def read(self, n: int = -1) -> bytes:
        while (n < 0 or len(self._buffer) < n) and (part := next(self._parts, None)):
            self._buffer += part
        if n < 0:
            n = len(self._buffer)
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out


def test_a_50_mb_upload_is_sealed_while_streaming_in_bounded_memory():
    size = 50 * MB
    body = _StreamedMultipart(size, "groot-verslag.pdf")
    meta = {
        "CONTENT_TYPE": f"multipart/form-data; boundary={body.BOUNDARY}",
        "CONTENT_LENGTH": str(body.length),
    }
    tracemalloc.start()
    try:
        _, files = MultiPartParser(meta, body, [SealingUploadHandler()]).parse()
        upload_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    upload = files["attachment"]
    assert isinstance(upload, SealedUploadedFile)
    assert (upload.name, upload.size) == ("groot-verslag.pdf", size)
    assert _digest(upload.chunks()) == _digest(_pieces(size))
    assert [p.name for p in _sealed_dir().iterdir()] == [upload.sealed.name]
    assert upload_peak < 4 * MB, upload_peak


def test_an_interrupted_upload_leaves_no_file():
    handler = SealingUploadHandler()
    handler.new_file("attachment", "half.pdf", "application/pdf", None)
    handler.receive_data_chunk(b"x" * CHUNK * 2, 0)

    handler.upload_interrupted()

    assert list(_sealed_dir().iterdir()) == []


@pytest.mark.urls("refleact.crypto.testapp.urls")
@pytest.mark.django_db(databases="__all__")
def test_an_upload_through_a_form_is_sealed_and_downloads_as_sent(client, coach):
    client.force_login(coach)
    person = make_person()
    content = b"%PDF-1.4 verslag van het intakegesprek\n" * 2000

    response = client.post(
        reverse("note_upload", args=[person.pk]),
        {
            "title": "Intake",
            "attachment": SimpleUploadedFile(
                "intake-verslag.pdf", content, content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["upload"] == "SealedUploadedFile"
    note = Note.objects.get(pk=response.json()["note"])
    assert b"verslag" not in note.attachment.path.read_bytes()

    download = client.get(reverse("note_download", args=[note.pk]))

    assert b"".join(download.streaming_content) == content
    assert download["Content-Length"] == str(len(content))
    assert download["Content-Disposition"] == (
        'attachment; filename="intake-verslag.pdf"'
    )


def test_a_download_streams_a_50_mb_file_in_bounded_memory():
    sealed = seal_chunks(_pieces(50 * MB), filename="groot.bin", content_type="x/y")

    tracemalloc.start()
    try:
        digest = _digest(file_response(sealed).streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert digest == _digest(_pieces(50 * MB))
    assert peak < 2 * MB, peak


def test_a_damaged_file_fails_before_any_header_is_sent():
    sealed = seal_chunks([b"inhoud"], filename="f.pdf", content_type="x/y")
    _tamper(sealed, _flip_last_byte)

    with pytest.raises(DecryptionError):
        file_response(sealed)


def test_an_uploaded_content_type_only_shows_inline_when_harmless():
    html = seal_chunks([b"<script>"], filename="x.html", content_type="text/html")
    pdf = seal_chunks([b"%PDF"], filename="x.pdf", content_type="application/pdf")

    assert file_response(html, as_attachment=False)["Content-Disposition"].startswith(
        "attachment;"
    )
    assert file_response(pdf, as_attachment=False)["Content-Disposition"].startswith(
        "inline;"
    )


@pytest.mark.urls("refleact.crypto.testapp.urls")
@pytest.mark.django_db(databases="__all__")
def test_an_anonymous_upload_stores_nothing(client):
    person = make_person()
    response = client.post(
        reverse("note_upload", args=[person.pk]),
        {"title": "X", "attachment": SimpleUploadedFile("a.pdf", b"data" * 1000)},
    )
    assert response.json()["upload"] == "NoneType"  # the file was skipped
    assert Note.objects.get().attachment is None
    assert not _sealed_dir().exists() or list(_sealed_dir().iterdir()) == []


@pytest.mark.urls("refleact.crypto.testapp.urls")
@pytest.mark.django_db(databases="__all__")
def test_an_oversized_upload_is_dropped_while_it_streams_in(client, coach, settings):
    settings.SEALED_UPLOAD_MAX_BYTES = 3 * CHUNK
    client.force_login(coach)
    person = make_person()
    response = client.post(
        reverse("note_upload", args=[person.pk]),
        {"title": "X", "attachment": SimpleUploadedFile("big.pdf", b"x" * (5 * CHUNK))},
    )
    assert response.json()["upload"] == "NoneType"  # the file was dropped
    assert Note.objects.get().attachment is None
    assert not _sealed_dir().exists() or list(_sealed_dir().iterdir()) == []
