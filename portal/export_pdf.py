"""The readable export as PDF, laid out a chunk at a time and streamed.

WeasyPrint lays out a whole document in memory, so one document of a large
dossier would hold every row's boxes at once. Instead the snapshot's rows are
read as they come (``Section.rows`` reads with ``iterator()``), ``PDF_CHUNK`` at
a time; each chunk is laid out as a small PDF of its own, in the client's
language, and its pages are written straight on (``pdfjoin.PdfJoiner``) before
the next chunk is read. Memory holds one chunk, not the dossier; nothing is
written to disk. A chunk starts on a new page and carries on the page numbers of
the one before; a section split over two chunks repeats its title, marked as
continued.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.models import Client
from portal.pdfjoin import PdfJoiner
from portal.snapshot import Row, Section, client_snapshot

# Rows per laid-out chunk: large enough that the page breaks between chunks are
# rare, small enough that a chunk's layout stays a few megabytes
# (bench/export.py measures it).
PDF_CHUNK = 100


@dataclass
class Part:
    """The rows of one section that fall into one chunk."""

    section: Section
    continued: bool = False
    rows: list[Row] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows and not self.continued


def _parts(sections, *, size: int) -> Iterator[list[Part]]:
    """Yield the snapshot's rows as chunks of at most ``size`` rows."""
    chunk: list[Part] = []
    count = 0
    for section in sections:
        part = Part(section)
        for row in section.rows():
            if count == size:
                if part.rows:
                    chunk.append(part)
                yield chunk
                chunk, count = [], 0
                part = Part(section, continued=bool(part.rows))
            part.rows.append(row)
            count += 1
        if part.rows or part.empty:
            chunk.append(part)
    yield chunk


def _layout(parts: list[Part], *, first: bool, page: int, generated_at):
    from weasyprint import HTML

    html = render_to_string(
        "portal/export_pdf.html",
        {
            "parts": parts,
            "first": first,
            "first_page": page + 1,
            "generated_at": generated_at,
        },
    )
    return HTML(string=html).render()


def export_pdf_chunks(*, client: Client, chunk: int = PDF_CHUNK) -> Iterator[bytes]:
    """Yield the readable export as PDF, in the client's language, piece by piece."""
    language = client.language or "nl"
    generated_at = timezone.now()
    joiner = PdfJoiner()
    yield joiner.start()
    with translation.override(language):
        # Section titles and field labels are translated as they are read.
        chunks = _parts(client_snapshot(client=client), size=chunk)
    first = True
    while True:
        # The language is switched per chunk, never across a yield: the code
        # that streams the response runs in the request's language.
        with translation.override(language):
            parts = next(chunks, None)
            if parts is None:
                title = _("My data")
                break
            document = _layout(
                parts, first=first, page=joiner.pages, generated_at=generated_at
            )
            pdf = document.write_pdf()
        del document
        yield from joiner.add(pdf)
        first = False
    yield from joiner.finish(title=title, lang=language)
