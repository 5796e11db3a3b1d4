"""Encrypted attachments, sealed as they stream in and opened as they stream out.

Each file gets a random 256-bit file key and a random stored name; the file key
travels only inside the row's encrypted file field, sealed with the holder's
data key, so destroying the holder key makes the file unreadable too.

On disk a file is a sequence of records::

    last flag (1 byte) | length of what follows (4 bytes, big-endian) | nonce (12) | ciphertext+tag

Chunk i's associated data is "refleact-file:" + stored name + i (8 bytes) + last
flag, so a chunk moved, dropped, swapped into another file, or a file cut off
after any chunk, fails to open. Plaintext chunks are 64 KiB; uploading or
downloading holds one or two chunks in memory, whatever the file size. The
upload handler is the only one configured, so no plaintext temporary file is
ever written.

A stored file outlives its row unless the caller deletes it (``delete_stored`` on
commit). Either way it cannot be opened without its file key, which lives only in
the row, sealed with the holder key: destroying that key erases the file too.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import struct
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from refleact.crypto.errors import DecryptionError

CHUNK = 64 * 1024
_RECORD_HEADER = struct.Struct(">BI")
_NONCE = 12
_TAG = 16
_STORED_NAME = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class SealedFile:
    """What the database keeps about an attachment (sealed in the row)."""

    name: str  # random stored name, not the original filename
    key: str  # the file key, URL-safe base64
    size: int
    filename: str
    content_type: str

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> SealedFile:
        return cls(**data)

    def __str__(self) -> str:
        return self.filename

    @property
    def path(self) -> Path:
        if not _STORED_NAME.fullmatch(self.name):
            raise DecryptionError("a sealed file's stored name is malformed")
        return storage_dir() / self.name


def storage_dir() -> Path:
    path = Path(settings.SEALED_FILES_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _aad(name: str, index: int, last: bool) -> bytes:
    return b"refleact-file:" + name.encode() + struct.pack(">Q?", index, last)


class SealingWriter:
    """Seal chunks to disk as they arrive, holding back one to mark the last.

    Memory stays at one chunk of plaintext (plus the record being written) whatever
    the size and shape of what ``write`` is given.
    """

    def __init__(self) -> None:
        self.name = secrets.token_hex(20)
        self._key = AESGCM.generate_key(bit_length=256)
        self._aead = AESGCM(self._key)
        self._handle = open(storage_dir() / self.name, "xb")  # noqa: SIM115
        self._pending = bytearray()
        self._index = 0
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        view = memoryview(data)
        position = 0
        while position < len(view):
            if len(self._pending) == CHUNK:
                # More data follows, so this full chunk is not the last one.
                self._emit(self._pending, last=False)
                self._pending = bytearray()
            take = min(CHUNK - len(self._pending), len(view) - position)
            self._pending += view[position : position + take]
            position += take

    def _emit(self, chunk: bytearray, *, last: bool) -> None:
        nonce = os.urandom(_NONCE)
        body = nonce + self._aead.encrypt(
            nonce, bytes(chunk), _aad(self.name, self._index, last)
        )
        self._handle.write(_RECORD_HEADER.pack(int(last), len(body)))
        self._handle.write(body)
        self._index += 1

    def close(self, *, filename: str, content_type: str) -> SealedFile:
        self._emit(self._pending, last=True)
        self._pending = bytearray()
        self._handle.close()
        return SealedFile(
            name=self.name,
            key=base64.urlsafe_b64encode(self._key).decode("ascii"),
            size=self.size,
            filename=os.path.basename(filename or "attachment")[:200],
            content_type=content_type or "application/octet-stream",
        )

    def abort(self) -> None:
        self._handle.close()
        (storage_dir() / self.name).unlink(missing_ok=True)


def seal_chunks(
    chunks: Iterable[bytes], *, filename: str, content_type: str
) -> SealedFile:
    """Seal an iterable of byte chunks into a new stored file."""
    writer = SealingWriter()
    try:
        for chunk in chunks:
            writer.write(chunk)
    except BaseException:
        writer.abort()
        raise
    return writer.close(filename=filename, content_type=content_type)


def open_chunks(sealed: SealedFile) -> Iterator[bytes]:
    """Yield the plaintext chunks of a stored file; raise DecryptionError on any tampering."""
    aead = AESGCM(base64.urlsafe_b64decode(sealed.key))
    try:
        handle = open(sealed.path, "rb")  # noqa: SIM115
    except FileNotFoundError as exc:
        raise DecryptionError(f"sealed file {sealed.name} is missing") from exc
    with handle:
        index = 0
        while True:
            header = handle.read(_RECORD_HEADER.size)
            if not header:
                raise DecryptionError(f"sealed file {sealed.name} is cut off")
            if len(header) < _RECORD_HEADER.size:
                raise DecryptionError(f"sealed file {sealed.name} has a torn record")
            last, length = _RECORD_HEADER.unpack(header)
            if not _NONCE + _TAG <= length <= _NONCE + CHUNK + _TAG:
                # Checked before reading: a forged length must not make us allocate.
                raise DecryptionError(f"sealed file {sealed.name} has a torn record")
            body = handle.read(length)
            if len(body) < length:
                raise DecryptionError(f"sealed file {sealed.name} has a torn record")
            try:
                chunk = aead.decrypt(
                    body[:_NONCE], body[_NONCE:], _aad(sealed.name, index, bool(last))
                )
            except InvalidTag as exc:
                raise DecryptionError(
                    f"sealed file {sealed.name}: chunk {index} fails to open "
                    "(dropped, swapped, reordered or altered)"
                ) from exc
            yield chunk
            index += 1
            if last:
                if handle.read(1):
                    raise DecryptionError(
                        f"sealed file {sealed.name} has data after its end"
                    )
                return


def delete_stored(sealed: SealedFile | None) -> None:
    """Remove a stored file's ciphertext (its key dies with the row anyway).

    Anything but a SealedFile (None, ERASED, an Unopenable reference) names no
    file here: it is left to the orphan sweep, which deletes files no row refers
    to once no reference fails to open.
    """
    if isinstance(sealed, SealedFile):
        sealed.path.unlink(missing_ok=True)


# The uploader chose the content type: only these may be shown inline; anything
# else (text/html, image/svg+xml...) would run in the practice's origin.
SAFE_INLINE_TYPES = frozenset(
    {"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain"}
)


def file_response(
    sealed: SealedFile, *, as_attachment: bool = True
) -> StreamingHttpResponse:
    """Stream a stored file to the browser. Caller must have checked access.

    Raise DecryptionError before any header is sent when the file is missing or its
    first chunk fails; a later chunk that fails ends the stream early, which the
    browser sees as a download shorter than its Content-Length.
    """
    if sealed.content_type not in SAFE_INLINE_TYPES:
        as_attachment = True
    chunks = open_chunks(sealed)
    first = next(chunks)  # fail here, before headers are sent, if the file is damaged
    response = StreamingHttpResponse(
        _prepend(first, chunks), content_type=sealed.content_type
    )
    response["Content-Length"] = str(sealed.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment, sealed.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


class SealedUploadedFile(UploadedFile):
    """An upload already sealed on disk; its plaintext is never kept."""

    def __init__(self, sealed: SealedFile) -> None:
        super().__init__(
            file=None,
            name=sealed.filename,
            content_type=sealed.content_type,
            size=sealed.size,
        )
        self.sealed = sealed

    def open(self, mode=None):
        raise ValueError("a sealed upload cannot be reopened as plaintext")

    def chunks(self, chunk_size=None):
        return open_chunks(self.sealed)

    def close(self) -> None:
        pass


class SealingUploadHandler(FileUploadHandler):
    """Seal each uploaded file chunk by chunk as it streams in."""

    chunk_size = CHUNK

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        # Only people who are logged in may store files: an anonymous POST (the
        # login form, say) must not be able to fill the disk with sealed files.
        # Without a request (sealing in code) there is nobody to check.
        user = getattr(self.request, "user", None)
        if self.request is not None and not getattr(user, "is_authenticated", False):
            raise SkipFile
        self.writer = SealingWriter()

    def receive_data_chunk(self, raw_data: bytes, start: int):
        self.writer.write(raw_data)
        if self.writer.size > settings.SEALED_UPLOAD_MAX_BYTES:
            # Too large: drop what was written; the form reports a missing file.
            self.writer.abort()
            del self.writer
            raise SkipFile
        return None

    def file_complete(self, file_size: int):
        sealed = self.writer.close(
            filename=self.file_name, content_type=self.content_type
        )
        return SealedUploadedFile(sealed)

    def upload_interrupted(self) -> None:
        if hasattr(self, "writer"):
            self.writer.abort()
