"""Invoices and quotes as PDFs, rendered with WeasyPrint from one HTML layout.

templates/dossiers/document_pdf.html holds the layout, lines and totals; the
invoice and quote templates extend it with their own heading, dates and note.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from dossiers.models import Invoice, PracticeDetails, Quote


def _document_pdf(*, template: str, document, **context) -> bytes:
    from weasyprint import HTML

    lines = list(document.lines.all())
    # A Dutch document: printed in Dutch whatever the coach's interface language.
    with translation.override("nl"):
        html = render_to_string(
            template,
            {
                "document": document,
                "lines": lines,
                "totals": document.totals(lines),
                "practice": PracticeDetails.load(),
                **context,
            },
        )
    return HTML(string=html).write_pdf()


def invoice_pdf(*, invoice: Invoice) -> bytes:
    """Return the PDF of an invoice. Caller must have checked access."""
    return _document_pdf(
        template="dossiers/invoice_pdf.html", document=invoice, invoice=invoice
    )


def quote_pdf(*, quote: Quote) -> bytes:
    """Return the PDF of a quote, in the invoice's look. Caller must have checked access."""
    return _document_pdf(
        template="dossiers/quote_pdf.html", document=quote, quote=quote
    )
