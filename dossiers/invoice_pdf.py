"""The invoice as a PDF, rendered with WeasyPrint from an HTML template."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from dossiers.models import Invoice, PracticeDetails


def invoice_pdf(*, invoice: Invoice) -> bytes:
    """Return the PDF of an invoice. Caller must have checked access."""
    from weasyprint import HTML

    lines = list(invoice.lines.all())
    # A Dutch invoice: printed in Dutch whatever the coach's interface language.
    with translation.override("nl"):
        html = render_to_string(
            "dossiers/invoice_pdf.html",
            {
                "invoice": invoice,
                "lines": lines,
                "totals": invoice.totals(lines),
                "practice": PracticeDetails.load(),
            },
        )
    return HTML(string=html).write_pdf()
