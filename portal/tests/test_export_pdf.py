"""The PDF export is laid out chunk by chunk and still reads as one document."""

from __future__ import annotations

import subprocess

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.export_pdf import export_pdf_chunks
from refleact.testing.factories import DossierEntryFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def _entries(client, coach, count: int) -> None:
    trajectory = TrajectoryFactory(client=client, coach=coach)
    for n in range(count):
        DossierEntryFactory(
            trajectory=trajectory, title=f"Sessie nummer {n:03d}", body=f"Notitie {n}"
        )


def _text(tmp_path, pdf: bytes, *args: str) -> str:
    path = tmp_path / "export.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    )
    assert done.stderr == ""  # poppler reports a damaged cross-reference table here
    return done.stdout


def _pages(tmp_path, pdf: bytes) -> int:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return int(
        next(li for li in info.splitlines() if li.startswith("Pages:")).split()[1]
    )


def test_chunked_pdf_holds_every_row_in_order_with_running_page_numbers(
    client_a, coach, tmp_path
):
    _entries(client_a, coach, 7)
    pdf = b"".join(export_pdf_chunks(client=client_a, chunk=3))
    text = _text(tmp_path, pdf)
    positions = [text.index(f"Sessie nummer {n:03d}") for n in range(7)]
    # Newest first, as on the page: every entry once, none lost between chunks.
    assert positions == sorted(positions, reverse=True)
    assert all(text.count(f"Notitie {n}\n") == 1 for n in range(7))
    assert "(vervolg)" in text  # the dossier section runs over three chunks
    assert client_a.last_name in text
    pages = _pages(tmp_path, pdf)
    assert pages >= 4  # profile and trajectory, then the entries in chunks of 3
    last = _text(tmp_path, pdf, "-f", str(pages), "-l", str(pages))
    assert str(pages) in last.split()


def test_pdf_is_in_the_clients_language(http_a, client_a, full_a, tmp_path):
    client_a.language = "en"
    client_a.save()
    response = http_a.get(reverse("portal:export", args=["pdf"]))
    assert response.streaming
    text = _text(tmp_path, b"".join(response.streaming_content))
    assert "My data at Refleact" in text
    assert "Reflectie aaaa" in text


def _pdf_queries(client) -> int:
    with CaptureQueriesContext(connections["default"]) as data:
        with CaptureQueriesContext(connections["keystore"]) as keys:
            for _chunk in export_pdf_chunks(client=client):
                pass
    return len(data) + len(keys)


def test_pdf_export_queries_do_not_grow_with_the_number_of_entries(
    client_a, client_b, coach
):
    # The rows are read with iterator(), not one query per row; memory is
    # measured by bench/export.py.
    _entries(client_a, coach, 5)
    _entries(client_b, coach, 50)
    assert _pdf_queries(client_a) == _pdf_queries(client_b)
