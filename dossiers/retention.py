"""The retention sweep: carry out each closed trajectory's choice once it is due.

Policy: "Refleact zal bij het sluiten van het begeleidingstraject uw gegevens
verwijderen of pseudonimiseren"; financial records 7 years (art. 52 AWR). One
transaction per trajectory; a rerun finds nothing left to do; the key of an
erased holder is destroyed after the data commit (refleact/erasure/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from clients.models import Client, Organisation
from dossiers.models import Evaluation, Invoice, Trajectory
from refleact.audit.models import AuditEvent
from refleact.erasure.models import RetentionLogEntry
from refleact.erasure.registry import Erasure, Rule, handlers
from refleact.erasure.services import (
    holder_erase,
    holder_identify,
    holder_pseudonym,
    keys_destroy_pending,
)
from refleact.inventory.declarations import End, declarations


@dataclass
class RetentionSummary:
    """What one sweep did: counts and trajectory ids, never personal data."""

    processed: list[tuple[int, str, bool]] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    invoices_removed: int = 0
    keys_destroyed: int = 0


def retention_due(*, today: date):
    """Return the closed trajectories whose retention is due and not yet done."""
    return Trajectory.objects.filter(
        status=Trajectory.Status.CLOSED,
        closed_at__isnull=False,
        retention_done_at__isnull=True,
        retention_due_on__lte=today,
    )


def _held_by_open_evaluation(trajectory: Trajectory, *, today: date) -> bool:
    # Issue 12: an open end-of-trajectory evaluation holds the erasure back until
    # it is answered or the grace period has passed twice.
    if trajectory.retention_due_on is None:
        return False
    limit = trajectory.retention_due_on + timedelta(days=settings.RETENTION_GRACE_DAYS)
    return (
        today < limit
        and Evaluation.objects.filter(
            trajectory=trajectory,
            moment=Evaluation.Moment.END,
            submitted_at__isnull=True,
        ).exists()
    )


def _claim(pk: int, *, today: date) -> Trajectory | None:
    rows = retention_due(today=today).filter(pk=pk)
    if connection.features.has_select_for_update_skip_locked:
        # Two sweeps at once: the second skips a trajectory the first holds.
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return rows.first()


def _lock_holder(trajectory: Trajectory) -> None:
    # Serialises the trajectories of one holder, so that of two processed at
    # once the later one sees the earlier done and erases the holder.
    model = Client if trajectory.client_id else Organisation
    list(model.objects.select_for_update().filter(holder_id=trajectory.holder_id))


@transaction.atomic
def trajectory_retention_apply(
    *, pk: int, now=None, dry_run: bool = False
) -> tuple[str, bool] | None:
    """Carry out one due trajectory's choice; return (rule, holder erased).

    None when there is nothing to do (done already, reopened, held, or being
    processed by another sweep). With ``dry_run`` everything is rolled back.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    trajectory = _claim(pk, today=today)
    if trajectory is None or _held_by_open_evaluation(trajectory, today=today):
        return None
    _lock_holder(trajectory)
    others = (
        Trajectory.objects.filter(
            holder_id=trajectory.holder_id, retention_done_at__isnull=True
        )
        .exclude(pk=trajectory.pk)
        .exists()
    )
    erasure = Erasure(
        holder_id=trajectory.holder_id,
        kind="clients.Client" if trajectory.client_id else "clients.Organisation",
        rule=trajectory.retention or Rule.DELETE,
        erasing=not others,
    )
    holder_identify(erasure=erasure)
    if erasure.rule == Rule.PSEUDONYMISE:
        erasure.pseudonym = holder_pseudonym(holder_id=trajectory.holder_id)
    for handler in handlers():
        if handler.trajectory is not None:
            handler.trajectory(trajectory=trajectory, erasure=erasure)
    if erasure.erasing:
        holder_erase(erasure=erasure)
    else:
        Trajectory.objects.filter(pk=trajectory.pk).update(retention_done_at=now)
    RetentionLogEntry.objects.create(
        at=now,
        trajectory_id=trajectory.pk,
        rule=erasure.rule,
        holder_erased=erasure.erasing,
        removed=erasure.removed,
        kept=erasure.kept,
    )
    # The access log: the system (no actor) deleted this trajectory's data.
    AuditEvent.objects.create(
        at=now,
        action=AuditEvent.Action.DELETE,
        model=Trajectory._meta.label_lower,
        object_id=str(trajectory.pk),
        holder_id=trajectory.holder_id,
    )
    if dry_run:
        transaction.set_rollback(True)
    return erasure.rule, erasure.erasing


def _invoice_keep_years() -> int:
    years = [
        d.keep_years
        for d in declarations()
        if d.model == "dossiers.Invoice" and d.end == End.KEEP_YEARS and d.keep_years
    ]
    return max(years, default=7)


def invoices_expired(*, today: date):
    """Return unlinked invoices past their legal retention.

    Art. 52 AWR: 7 years, counted from the end of the financial year (the
    calendar year of the invoice date): an invoice of 2025 goes on 1 January 2033.
    """
    last_year = today.year - _invoice_keep_years() - 1
    return Invoice.objects.filter(
        trajectory__isnull=True,
        issue_date__isnull=False,
        issue_date__year__lte=last_year,
    )


@transaction.atomic
def invoices_purge(*, today: date, dry_run: bool = False) -> int:
    """Delete the unlinked invoices whose retention has passed (credits first)."""
    expired = invoices_expired(today=today)
    count = expired.count()
    # A credit note protects the invoice it credits: delete credits first.
    expired.filter(credit_for__isnull=False).delete()
    expired.delete()
    if dry_run:
        transaction.set_rollback(True)
    return count


def retention_sweep(*, now=None, dry_run: bool = False) -> RetentionSummary:
    """Carry out every due retention action; safe to run twice or at once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    summary = RetentionSummary()
    if not dry_run:
        # First the destructions a crash left undone (their data already went).
        summary.keys_destroyed = keys_destroy_pending()
    due = retention_due(today=today).order_by("retention_due_on", "pk")
    for pk in due.values_list("pk", flat=True).iterator(chunk_size=500):
        outcome = trajectory_retention_apply(pk=pk, now=now, dry_run=dry_run)
        if outcome is None:
            summary.held.append(pk)
        else:
            summary.processed.append((pk, *outcome))
    summary.invoices_removed = invoices_purge(today=today, dry_run=dry_run)
    return summary
