"""Join PDF documents into one PDF that is written out as it goes.

WeasyPrint lays out a whole document in memory, so a PDF of a large dossier is
laid out in chunks (``portal/export_pdf.py``), each a small PDF of its own. This
module writes their pages into one file without holding it: each chunk's objects
are read (pypdf), renumbered and written at once; the page tree, the catalogue,
the document information and the cross-reference table follow at the end (PDF
1.7, ISO 32000-1 section 7.5). What stays in memory is one byte offset per object
and one reference per page.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    create_string_object,
)

CATALOG, PAGES, INFO = 1, 2, 3
HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def _ref(number: int) -> IndirectObject:
    return IndirectObject(number, 0, None)  # type: ignore[arg-type]


class PdfJoiner:
    """Write the pages of several PDF documents as one PDF, chunk by chunk.

    ``start()``, then ``add(pdf)`` per document, then ``finish()``; each yields
    the bytes to write next, in order.
    """

    def __init__(self) -> None:
        self._offset = 0
        self._offsets: list[int] = [0, 0, 0, 0]  # 0 is the free head; 1-3 reserved
        self._kids: list[int] = []
        self._digest = hashlib.sha256()

    @property
    def pages(self) -> int:
        return len(self._kids)

    def _emit(self, data: bytes) -> bytes:
        self._offset += len(data)
        self._digest.update(data)
        return data

    def _reserve(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _object(self, number: int, obj: PdfObject) -> bytes:
        self._offsets[number] = self._offset
        out = io.BytesIO()
        out.write(b"%d 0 obj\n" % number)
        obj.write_to_stream(out)
        out.write(b"\nendobj\n")
        return self._emit(out.getvalue())

    def start(self) -> bytes:
        return self._emit(HEADER)

    def add(self, pdf: bytes) -> Iterator[bytes]:
        """Yield the objects of ``pdf``'s pages, renumbered, one at a time."""
        reader = PdfReader(io.BytesIO(pdf))
        numbers: dict[tuple[int, int], int] = {}
        queue: list[IndirectObject] = []

        def translate(obj):
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key not in numbers:
                    numbers[key] = self._reserve()
                    queue.append(obj)
                return _ref(numbers[key])
            if isinstance(obj, DictionaryObject):  # streams too
                for key, value in list(dict.items(obj)):
                    dict.__setitem__(obj, key, translate(value))
            elif isinstance(obj, ArrayObject):
                for index, value in enumerate(list(obj)):
                    list.__setitem__(obj, index, translate(value))
            return obj

        page_keys = set()
        for page in reader.pages:
            reference = page.indirect_reference
            key = (reference.idnum, reference.generation)
            page_keys.add(key)
            numbers[key] = self._reserve()
            self._kids.append(numbers[key])
            queue.append(reference)
        while queue:
            reference = queue.pop(0)
            key = (reference.idnum, reference.generation)
            obj = reader.get_object(reference)
            if obj is None:  # a reference to a missing object reads as null
                obj = NullObject()
            elif key in page_keys:
                # The chunk's own page tree stays behind: every page hangs from
                # the joined document's. Inherited attributes (resources, media
                # box) pypdf has already copied onto each page.
                dict.pop(obj, NameObject("/Parent"), None)
                translate(obj)
                dict.__setitem__(obj, NameObject("/Parent"), _ref(PAGES))
            else:
                translate(obj)
            yield self._object(numbers[key], obj)

    def finish(self, *, title: str = "", lang: str = "") -> Iterator[bytes]:
        """Yield the page tree, catalogue, information, cross-references, trailer."""
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject(_ref(n) for n in self._kids),
                NameObject("/Count"): NumberObject(len(self._kids)),
            }
        )
        yield self._object(PAGES, pages)
        catalog = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): _ref(PAGES),
            }
        )
        if lang:
            catalog[NameObject("/Lang")] = create_string_object(lang)
        yield self._object(CATALOG, catalog)
        info = DictionaryObject(
            {NameObject("/Producer"): create_string_object("Refleact")}
        )
        if title:
            info[NameObject("/Title")] = create_string_object(title)
        yield self._object(INFO, info)
        xref_at = self._offset
        size = len(self._offsets)
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % at for at in self._offsets[1:]]
        yield self._emit(b"".join(lines))
        file_id = self._digest.hexdigest()[:32]
        yield self._emit(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n"
            b"startxref\n%d\n%%%%EOF\n"
            % (size, CATALOG, INFO, file_id.encode(), file_id.encode(), xref_at)
        )
