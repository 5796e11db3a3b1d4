"""Writes about quotes: drafting, acceptance, and copying their lines to an invoice.

A quote is sealed with its trajectory's holder key (so erasing the client erases
it); the lines copied to an invoice are sealed anew with the invoice's practice
key, which keeps them for the fiscal record-keeping duty.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import services
from dossiers.models import Invoice, InvoiceLine, Quote, QuoteLine, Trajectory
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record


def _refuse_if_accepted(quote: Quote) -> None:
    if (
        quote.pk
        and Quote.objects.filter(pk=quote.pk, status=Quote.Status.ACCEPTED).exists()
    ):
        raise ValidationError(_("An accepted quote cannot be changed."))


@transaction.atomic
def quote_save(*, actor, quote: Quote, request=None) -> Quote:
    """Create or change a quote that is not yet accepted."""
    adding = quote._state.adding
    _refuse_if_accepted(quote)
    trajectory = quote.trajectory
    if adding:
        if trajectory.status != Trajectory.Status.QUOTE:
            raise ValidationError(
                _("A quote belongs to a trajectory in the quote status.")
            )
        quote.holder_id = trajectory.holder_id
    quote.full_clean()
    quote.save()
    action = AuditEvent.Action.CREATE if adding else AuditEvent.Action.CHANGE
    audit_record(request=request, actor=actor, action=action, obj=quote)
    return quote


@transaction.atomic
def quote_line_save(*, line: QuoteLine) -> QuoteLine:
    """Add or change a line of a quote that is not yet accepted."""
    _refuse_if_accepted(line.quote)
    if line._state.adding:
        line.holder_id = line.quote.holder_id
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def quote_line_delete(*, line: QuoteLine) -> None:
    """Remove a line of a quote that is not yet accepted."""
    _refuse_if_accepted(line.quote)
    line.delete()


@transaction.atomic
def quote_accept(*, actor, quote: Quote, request=None, today=None) -> Quote:
    """Record that the quote was accepted and move its trajectory to planned.

    The coach records it in the admin; the portal calls this for the client,
    with the client's account as ``actor`` (``accepted_by`` stays empty then).
    """
    quote = (
        Quote.objects.select_for_update().select_related("trajectory").get(pk=quote.pk)
    )
    if quote.is_accepted:
        raise ValidationError(_("This quote was already accepted."))
    if not quote.lines.exists():
        raise ValidationError(_("A quote needs at least one line."))
    today = today or timezone.localdate()
    if quote.valid_until < today:
        raise ValidationError(
            _("This quote expired; make a new one with a later validity date.")
        )
    trajectory = quote.trajectory
    if trajectory.status != Trajectory.Status.QUOTE:
        raise ValidationError(
            _("The trajectory is no longer in the quote status: %(status)s.")
            % {"status": trajectory.get_status_display()}
        )
    quote.status = Quote.Status.ACCEPTED
    quote.accepted_at = timezone.now()
    quote.accepted_by = actor if getattr(actor, "is_staff", False) else None
    quote.save(update_fields=["status", "accepted_at", "accepted_by"])
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=quote
    )
    trajectory.status = Trajectory.Status.PLANNED
    services.trajectory_save(actor=actor, trajectory=trajectory, request=request)
    return quote


@transaction.atomic
def quote_lines_to_invoice(
    *, actor, quote: Quote, invoice: Invoice | None = None, request=None
) -> Invoice:
    """Copy an accepted quote's lines onto a draft invoice; return the invoice.

    Without ``invoice`` a new draft of the quote's trajectory is made, addressed
    as the quote was. Caller must have checked access to both.
    """
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if not quote.is_accepted:
        raise ValidationError(_("Only an accepted quote's lines can be invoiced."))
    if invoice is None:
        invoice = services.invoice_save(
            actor=actor,
            invoice=Invoice(
                trajectory=quote.trajectory,
                billing_name=quote.billing_name,
                billing_address=quote.billing_address,
            ),
            request=request,
        )
    else:
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.is_issued:
            raise ValidationError(
                _("Lines can only be added to a draft invoice, not an issued one.")
            )
        if invoice.trajectory_id != quote.trajectory_id:
            raise ValidationError(_("The invoice belongs to another trajectory."))
    start = invoice.lines.aggregate(last=Max("position"))["last"] or 0
    for offset, line in enumerate(quote.lines.all(), start=1):
        services.invoice_line_save(
            line=InvoiceLine(
                invoice=invoice,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                position=start + offset,
            )
        )
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=invoice
    )
    return invoice
