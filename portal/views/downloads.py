"""What the client downloads: attachments, the calendar file, receipts, the export.

Each is audit-logged (downloads and exports without their content) and streamed
where it can be.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from breaches.pdf import notice_pdf
from consent.receipts import receipt_json, receipt_pdf
from portal import export, selectors
from portal.access import client_required
from portal.ics import appointments_ics
from portal.snapshot import withheld
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.crypto.errors import DecryptionError
from refleact.crypto.files import SealedFile, file_response


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@client_required
def attachment_view(request, pk):
    entry = selectors.entry_get_for_client(client=request.client, pk=pk)
    sealed = entry.attachment
    if not isinstance(sealed, SealedFile) or "attachment" in withheld(entry):
        raise Http404
    try:
        response = file_response(sealed)
    except DecryptionError as exc:
        raise Http404 from exc
    audit_record(request=request, action=AuditEvent.Action.DOWNLOAD, obj=entry)
    return response


@require_safe
@client_required
def calendar_view(request):
    appointments = list(selectors.appointments_for_client(client=request.client))
    for appointment in appointments:
        audit_record(
            request=request, action=AuditEvent.Action.DOWNLOAD, obj=appointment
        )
    body = appointments_ics(appointments, title=_("Appointment with Refleact"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="refleact.ics"'
    return _private(response)


@require_safe
@client_required
def receipt_view(request, receipt_id, fmt: str):
    if fmt not in ("pdf", "json"):
        raise Http404
    record = selectors.receipt_get_for_client(
        client=request.client, receipt_id=receipt_id
    )
    audit_record(request=request, action=AuditEvent.Action.DOWNLOAD, obj=record)
    if fmt == "pdf":
        response = HttpResponse(
            receipt_pdf(record=record), content_type="application/pdf"
        )
    else:
        response = HttpResponse(
            receipt_json(record=record), content_type="application/json"
        )
    name = f"receipt-{record.receipt_id}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _private(response)


@require_safe
@client_required
def breach_notice_view(request, pk: str):
    notice = selectors.breach_notice_get_for_client(client=request.client, pk=pk)
    audit_record(request=request, action=AuditEvent.Action.DOWNLOAD, obj=notice)
    response = HttpResponse(notice_pdf(notice=notice), content_type="application/pdf")
    name = f"{notice.breach.reference}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _private(response)


def _filename(ext: str) -> str:
    return f"refleact-gegevens-{timezone.localdate().isoformat()}.{ext}"


@require_safe
@client_required
def export_view(request, fmt: str):
    """Download mijn gegevens: zip (everything), json or pdf."""
    if fmt not in ("zip", "json", "pdf"):
        raise Http404
    client = request.client
    # Logged without content: who exported whose data, when.
    audit_record(request=request, action=AuditEvent.Action.EXPORT, obj=client)
    if fmt == "json":
        response = StreamingHttpResponse(
            export.export_json_chunks(client=client), content_type="application/json"
        )
    elif fmt == "pdf":
        response = StreamingHttpResponse(
            export.export_pdf_chunks(client=client), content_type="application/pdf"
        )
    else:
        response = StreamingHttpResponse(
            export.export_zip_chunks(client=client), content_type="application/zip"
        )
    response["Content-Disposition"] = f'attachment; filename="{_filename(fmt)}"'
    return _private(response)
