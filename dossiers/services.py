"""Writes about trajectories and dossiers: atomic, validated, audited.

Every row of a trajectory is sealed with its client's key (or, for a training
ordered by an organisation, the organisation's key): the services copy the
trajectory's holder onto each row they create.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from dossiers import extensions, selectors
from dossiers.models import (
    Appointment,
    DossierEntry,
    Evaluation,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    PracticeDetails,
    StatusChange,
    Trajectory,
)
from dossiers.selectors import invoices_for_user
from refleact import videocall
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record, audit_record_many


def jitsi_room_url() -> str:
    """Return a random, unguessable room URL on the practice's video-call server."""
    return videocall.room_url(settings.VIDEO_CALL_BASE_URL)


def _touch(trajectory: Trajectory, now=None) -> None:
    now = now or timezone.now()
    Trajectory.objects.filter(pk=trajectory.pk).update(last_activity_at=now)
    if trajectory.client_id:
        Client.objects.filter(pk=trajectory.client_id).update(last_activity_at=now)


@transaction.atomic
def trajectory_save(*, actor, trajectory: Trajectory, request=None) -> Trajectory:
    """Create or change a trajectory; record status changes; its coach joins the client's coaches."""
    adding = trajectory._state.adding
    if adding:
        owner = trajectory.client or trajectory.organisation
        if owner is None:
            raise ValidationError(_("Choose a client or an organisation."))
        trajectory.holder_id = owner.holder_id
        previous_status = None
    else:
        previous_status, client_id, organisation_id = (
            Trajectory.objects.filter(pk=trajectory.pk)
            .values_list("status", "client_id", "organisation_id")
            .get()
        )
        if (client_id, organisation_id) != (
            trajectory.client_id,
            trajectory.organisation_id,
        ):
            # Its rows are sealed with the first owner's key: a new owner would
            # escape crypto-shredding of theirs, and the old one's would miss these.
            raise ValidationError(_("The client of a trajectory cannot be changed."))
        if previous_status == Trajectory.Status.CLOSED:
            raise ValidationError(_("A closed trajectory cannot be changed."))
    if (
        trajectory.status == Trajectory.Status.CLOSED
        and previous_status != Trajectory.Status.CLOSED
    ):
        raise ValidationError(
            _(
                "Close a trajectory with the close action, which asks what happens to its data."
            )
        )
    now = timezone.now()
    if trajectory.status != previous_status:
        trajectory.status_changed_at = now
    trajectory.last_activity_at = now
    trajectory.full_clean()
    trajectory.save()
    if trajectory.status != previous_status:
        StatusChange.objects.create(
            trajectory=trajectory,
            status=trajectory.status,
            changed_at=now,
            changed_by=actor,
        )
        extensions.status_changed(
            trajectory=trajectory, status=trajectory.status, actor=actor, now=now
        )
    if trajectory.client_id:
        # Access rule: assigning a trajectory's coach adds them to the client's coaches.
        trajectory.client.coaches.add(trajectory.coach)
    action = AuditEvent.Action.CREATE if adding else AuditEvent.Action.CHANGE
    audit_record(request=request, actor=actor, action=action, obj=trajectory)
    return trajectory


def trajectory_retention_due_on(*, now=None):
    """Return the day the retention sweep would act on a trajectory closed now."""
    now = now or timezone.now()
    return timezone.localdate(now) + timedelta(days=settings.RETENTION_GRACE_DAYS)


@transaction.atomic
def trajectory_close(
    *, actor, trajectory: Trajectory, retention: str, request=None, now=None
) -> Trajectory:
    """Close a trajectory, record what happens to its personal data and when.

    The retention sweep acts on ``retention`` from ``retention_due_on`` (after
    RETENTION_GRACE_DAYS). Its future appointments are cancelled with it. Closing
    twice is refused, so the recorded choice cannot be changed afterwards.
    """
    if retention not in Trajectory.Retention.values:
        raise ValidationError(_("Choose whether to delete or pseudonymise the data."))
    locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    if locked.status == Trajectory.Status.CLOSED:
        raise ValidationError(_("This trajectory is already closed."))
    now = now or timezone.now()
    Trajectory.objects.filter(pk=locked.pk).update(
        status=Trajectory.Status.CLOSED,
        status_changed_at=now,
        closed_at=now,
        retention=retention,
        retention_due_on=trajectory_retention_due_on(now=now),
        end_date=locked.end_date or timezone.localdate(now),
        last_activity_at=now,
    )
    StatusChange.objects.create(
        trajectory=locked,
        status=Trajectory.Status.CLOSED,
        changed_at=now,
        changed_by=actor,
    )
    extensions.status_changed(
        trajectory=locked, status=Trajectory.Status.CLOSED, actor=actor, now=now
    )
    # Cancelled at the closing's own moment: reopening recognises them by it.
    cancelled = list(
        selectors.appointments_cancelled_at_close(trajectory=locked, now=now)
    )
    Appointment.objects.filter(pk__in=[a.pk for a in cancelled]).update(
        cancelled_at=now
    )
    trajectory.refresh_from_db()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=trajectory
    )
    audit_record_many(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, objs=cancelled
    )
    return trajectory


def trajectory_reopen_refusal(*, trajectory: Trajectory, now=None) -> str | None:
    """Return why this trajectory cannot be reopened now, or None if it can."""
    now = now or timezone.now()
    if trajectory.status != Trajectory.Status.CLOSED:
        return _("This trajectory is not closed.")
    if trajectory.retention_done_at is not None:
        return _("Its personal data was already deleted or pseudonymised.")
    if (
        trajectory.retention_due_on is None
        or timezone.localdate(now) >= trajectory.retention_due_on
    ):
        return _("The grace period after closing has passed.")
    return None


@transaction.atomic
def trajectory_reopen(
    *, actor, trajectory: Trajectory, request=None, now=None
) -> Trajectory:
    """Undo a closing within its grace period, before the retention sweep acted.

    The trajectory returns to the status it had before closing; appointments the
    closing cancelled that still lie ahead are planned again.
    """
    now = now or timezone.now()
    locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    refusal = trajectory_reopen_refusal(trajectory=locked, now=now)
    if refusal is not None:
        raise ValidationError(refusal)
    before = (
        locked.status_changes.exclude(status=Trajectory.Status.CLOSED)
        .order_by("-changed_at", "-id")
        .values_list("status", flat=True)
        .first()
    ) or Trajectory.Status.ACTIVE
    restored = list(
        locked.appointments.filter(cancelled_at=locked.closed_at, starts_at__gte=now)
    )
    Appointment.objects.filter(pk__in=[a.pk for a in restored]).update(
        cancelled_at=None
    )
    Trajectory.objects.filter(pk=locked.pk).update(
        status=before,
        status_changed_at=now,
        closed_at=None,
        retention="",
        retention_due_on=None,
        last_activity_at=now,
    )
    StatusChange.objects.create(
        trajectory=locked, status=before, changed_at=now, changed_by=actor
    )
    trajectory.refresh_from_db()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=trajectory
    )
    audit_record_many(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, objs=restored
    )
    return trajectory


@transaction.atomic
def trajectory_delete(*, actor, trajectory: Trajectory, request=None) -> None:
    """Delete a trajectory with everything in it, each deletion in the access log."""
    from refleact.audit.services import audit_record_many
    from refleact.crypto.files import SealedFile, delete_stored

    entries = list(trajectory.entries.all())
    children = [*entries, *trajectory.appointments.all(), *trajectory.evaluations.all()]
    audit_record_many(
        request=request, actor=actor, action=AuditEvent.Action.DELETE, objs=children
    )
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.DELETE, obj=trajectory
    )
    files = [e.attachment for e in entries if isinstance(e.attachment, SealedFile)]
    trajectory.delete()
    transaction.on_commit(lambda: [delete_stored(f) for f in files])


def trajectories_hand_over(*, from_coach, to_coach) -> list[Trajectory]:
    """Give a departing coach's open trajectories to another coach; return them.

    Registered as a hand-over step of clients (``clients_hand_over`` runs it in its
    transaction and records the moved rows). Closed ones keep their historic coach.
    """
    moving = list(
        Trajectory.objects.filter(coach=from_coach).exclude(
            status=Trajectory.Status.CLOSED
        )
    )
    Trajectory.objects.filter(pk__in=[t.pk for t in moving]).update(coach=to_coach)
    return moving


def _ensure_open(trajectory: Trajectory) -> None:
    if trajectory.status == Trajectory.Status.CLOSED:
        raise ValidationError(
            _("The trajectory is closed; its dossier can no longer change.")
        )


@transaction.atomic
def dossier_entry_save(*, actor, entry: DossierEntry, request=None) -> DossierEntry:
    """Add or change a dossier entry (coaching trajectories only)."""
    adding = entry._state.adding
    trajectory = entry.trajectory
    _ensure_open(trajectory)
    if trajectory.kind != Trajectory.Kind.COACHING:
        raise ValidationError(_("Dossier entries belong to coaching trajectories."))
    if adding:
        entry.holder_id = trajectory.holder_id
        entry.author = actor if getattr(actor, "is_authenticated", False) else None
    entry.full_clean()
    entry.save()
    _touch(trajectory)
    action = AuditEvent.Action.CREATE if adding else AuditEvent.Action.CHANGE
    audit_record(request=request, actor=actor, action=action, obj=entry)
    return entry


@transaction.atomic
def appointment_save(*, actor, appointment: Appointment, request=None) -> Appointment:
    adding = appointment._state.adding
    _ensure_open(appointment.trajectory)
    if adding:
        appointment.holder_id = appointment.trajectory.holder_id
    appointment.full_clean()
    appointment.save()
    _touch(appointment.trajectory)
    action = AuditEvent.Action.CREATE if adding else AuditEvent.Action.CHANGE
    audit_record(request=request, actor=actor, action=action, obj=appointment)
    # Planned or changed: the client is told there is something new (portal).
    extensions.client_notice(
        trajectory=appointment.trajectory, event="appointment", obj=appointment
    )
    return appointment


def _evaluation_check_participant(evaluation: Evaluation, *, adding: bool) -> None:
    if not adding:
        before = (
            Evaluation.objects.filter(pk=evaluation.pk)
            .values_list("participant_id", flat=True)
            .first()
        )
        if before != evaluation.participant_id:
            # Sealed under the first participant's key (or the trajectory's).
            raise ValidationError(
                {"participant": _("The participant of an evaluation cannot change.")}
            )
        return
    if evaluation.participant_id is None:
        return
    trajectory = evaluation.trajectory
    if not trajectory.participants.filter(pk=evaluation.participant_id).exists():
        raise ValidationError(
            {"participant": _("Choose one of the participants of this training.")}
        )


@transaction.atomic
def evaluation_save(*, actor, evaluation: Evaluation, request=None) -> Evaluation:
    adding = evaluation._state.adding
    _evaluation_check_participant(evaluation, adding=adding)
    if adding:
        # A participant's own evaluation is sealed under their key: erasing them
        # erases it, and the organisation's key opens nothing of theirs.
        owner = evaluation.participant or evaluation.trajectory
        evaluation.holder_id = owner.holder_id
    if evaluation.answers and evaluation.submitted_at is None:
        evaluation.submitted_at = timezone.now()
    evaluation.full_clean()
    evaluation.save()
    action = AuditEvent.Action.CREATE if adding else AuditEvent.Action.CHANGE
    audit_record(request=request, actor=actor, action=action, obj=evaluation)
    if adding and evaluation.submitted_at is None:
        # A new evaluation to fill in: the client is told (portal).
        extensions.client_notice(
            trajectory=evaluation.trajectory, event="evaluation", obj=evaluation
        )
    return evaluation


@transaction.atomic
def trajectory_child_delete(*, actor, obj, request=None) -> None:
    """Delete a dossier entry, appointment or evaluation of an open trajectory."""
    from refleact.crypto.files import delete_stored

    _ensure_open(obj.trajectory)
    audit_record(request=request, actor=actor, action=AuditEvent.Action.DELETE, obj=obj)
    sealed = getattr(obj, "attachment", None) if isinstance(obj, DossierEntry) else None
    obj.delete()
    if sealed is not None:
        transaction.on_commit(lambda: delete_stored(sealed))


# -- invoices ------------------------------------------------------------------


def invoice_billing_sources(*, user, trajectory: Trajectory | None) -> dict[str, dict]:
    """Return the billing details a new invoice of this trajectory may start from.

    Keys: "previous" (the latest invoice this user may see of the same client, or
    of the same organisation for a training), "organisation" (its billing
    details). Caller must have checked the user's access to the trajectory.
    """
    if trajectory is None:
        return {}
    sources: dict[str, dict] = {}
    owner = (
        Q(trajectory__client_id=trajectory.client_id)
        if trajectory.client_id
        else Q(trajectory__organisation_id=trajectory.organisation_id)
    )
    previous = (
        invoices_for_user(user=user)
        .filter(owner, credit_for=None)
        .order_by("-created_at")
        .first()
    )
    if previous is not None:
        sources["previous"] = {
            "billing_name": previous.billing_name,
            "billing_address": previous.billing_address,
            "reference": previous.reference,
        }
    org = trajectory.organisation or (
        trajectory.client.organisation if trajectory.client_id else None
    )
    if org is not None and (org.billing_name or org.billing_address):
        sources["organisation"] = {
            "billing_name": org.billing_name or org.name,
            "billing_address": org.billing_address,
            "reference": org.billing_reference,
        }
    return sources


def invoice_billing_defaults(*, user, trajectory: Trajectory | None) -> dict:
    """Suggest billing name and address for a new invoice (entered on the invoice itself)."""
    if trajectory is None:
        return {}
    sources = invoice_billing_sources(user=user, trajectory=trajectory)
    for key in ("previous", "organisation"):
        if key in sources:
            return sources[key]
    if trajectory.client_id:
        return {"billing_name": str(trajectory.client)}
    return {}


def _refuse_if_issued(invoice: Invoice) -> None:
    if (
        invoice.pk
        and Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.ISSUED).exists()
    ):
        raise ValidationError(
            _("An issued invoice cannot be changed; correct it with a credit invoice.")
        )


@transaction.atomic
def invoice_save(*, actor, invoice: Invoice, request=None) -> Invoice:
    """Create or change a draft invoice."""
    _refuse_if_issued(invoice)
    adding = invoice._state.adding
    invoice.full_clean()
    invoice.save()
    action = AuditEvent.Action.CREATE if adding else AuditEvent.Action.CHANGE
    audit_record(request=request, actor=actor, action=action, obj=invoice)
    return invoice


@transaction.atomic
def invoice_line_save(*, line: InvoiceLine) -> InvoiceLine:
    _refuse_if_issued(line.invoice)
    line.full_clean()
    line.save()
    return line


def _next_number(year: int) -> str:
    # The row lock serialises issuers: numbers run 1, 2, 3... per year without gaps,
    # and a rolled-back issue rolls its number back with it.
    sequence, _created = InvoiceSequence.objects.select_for_update().get_or_create(
        year=year
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{year}-{sequence.last_number:04d}"


@transaction.atomic
def invoice_issue(*, actor, invoice: Invoice, request=None, today=None) -> Invoice:
    """Give a draft its number and date; from then on it is read-only."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.is_issued:
        raise ValidationError(_("This invoice was already issued."))
    if not invoice.lines.exists():
        raise ValidationError(_("An invoice needs at least one line."))
    if invoice.service_from is None and not invoice.is_credit:
        # Wet OB art. 35a: an invoice states when the service was delivered.
        raise ValidationError(_("Enter the date or period of the service first."))
    today = today or timezone.localdate()
    invoice.number = _next_number(today.year)
    invoice.issue_date = today
    invoice.due_date = today + timedelta(days=PracticeDetails.load().payment_term())
    invoice.status = Invoice.Status.ISSUED
    invoice.save(update_fields=["number", "issue_date", "due_date", "status"])
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=invoice
    )
    return invoice


@transaction.atomic
def invoice_credit(*, actor, invoice: Invoice, request=None, today=None) -> Invoice:
    """Issue a credit invoice that cancels an issued invoice line by line."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not invoice.is_issued:
        raise ValidationError(
            _("Only an issued invoice can be credited; edit the draft instead.")
        )
    if invoice.is_credit:
        raise ValidationError(_("A credit invoice cannot be credited."))
    if Invoice.objects.filter(credit_for=invoice).exists():
        raise ValidationError(_("This invoice was already credited."))
    credit = Invoice(
        trajectory=invoice.trajectory,
        credit_for=invoice,
        billing_name=invoice.billing_name,
        billing_address=invoice.billing_address,
        reference=invoice.reference,
        service_from=invoice.service_from,
        service_until=invoice.service_until,
    )
    credit.full_clean()
    credit.save()
    for line in invoice.lines.all():
        InvoiceLine(
            invoice=credit,
            description=line.description,
            quantity=-line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            position=line.position,
        ).save()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CREATE, obj=credit
    )
    return invoice_issue(actor=actor, invoice=credit, request=request, today=today)


@transaction.atomic
def invoice_mark_paid(*, actor, invoice: Invoice, paid_on, request=None) -> Invoice:
    """Record payment: the one change an issued invoice accepts."""
    Invoice.objects.filter(pk=invoice.pk).update(paid_at=paid_on)
    invoice.refresh_from_db()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=invoice
    )
    return invoice
