"""The retention sweep: carry out each closed trajectory's choice once it is due.

Policy: "Refleact zal bij het sluiten van het begeleidingstraject uw gegevens
verwijderen of pseudonimiseren"; financial records 7 years (art. 52 AWR). One
transaction per trajectory; a rerun finds nothing left to do; the key of an
erased holder is destroyed after the data commit (refleact/erasure/README.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from clients.models import Client, Organisation
from clients.selectors import organisations_unused
from dossiers.models import Evaluation, Invoice, Quote, Trajectory
from refleact.audit.models import AuditEvent
from refleact.crypto import keyring
from refleact.erasure.models import RetentionLogEntry
from refleact.erasure.registry import Erasure, Rule, handlers
from refleact.erasure.services import (
    holder_erase,
    holder_identify,
    holder_pseudonym,
    keys_destroy_pending,
)
from refleact.inventory.declarations import End, declarations

CLIENT = "clients.Client"
# Rows fetched per query by the sweep's loops, and trajectories per key-cache
# flush: memory bounded by a batch, whatever the backlog.
BATCH = 500
ORGANISATION = "clients.Organisation"


@dataclass
class RetentionSummary:
    """What one sweep did: counts only, never personal data.

    Counts, not lists: the sweep's memory must not grow with the backlog
    (issue 12, bench/retention.py). A caller that wants each trajectory passes
    ``on_processed`` to ``retention_sweep``.
    """

    processed: int = 0
    held: int = 0
    unused_erased: int = 0
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


def _touched(trajectory: Trajectory) -> tuple[list, list]:
    """Return the holder ids of the clients and organisations this trajectory
    touches: its client, its participants, its training organisation, and the
    organisations of those clients."""
    clients = Client.objects.filter(
        Q(pk=trajectory.client_id)
        | Q(pk__in=trajectory.participants.values("pk"))  # a subquery, no join
    ).values_list("holder_id", "organisation_id")
    client_ids, organisation_pks = [], {trajectory.organisation_id}
    for holder_id, organisation_id in clients:
        client_ids.append(holder_id)
        organisation_pks.add(organisation_id)
    organisation_ids = list(
        Organisation.objects.filter(pk__in=organisation_pks - {None}).values_list(
            "holder_id", flat=True
        )
    )
    if not trajectory.client_id and trajectory.holder_id not in organisation_ids:
        organisation_ids.append(trajectory.holder_id)
    return client_ids, organisation_ids


def _lock_holders(client_ids: list, organisation_ids: list) -> None:
    # Serialises the trajectories that touch one holder, so that of two processed
    # at once the later one sees the earlier done and erases the holder. Always
    # clients before organisations, each in pk order: two sweeps lock in the same
    # order and cannot deadlock.
    for model, ids in ((Client, client_ids), (Organisation, organisation_ids)):
        list(
            model.objects.select_for_update()
            .filter(holder_id__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _has_open_trajectory(holder_id, kind: str, *, besides: int) -> bool:
    """Whether a trajectory other than ``besides`` that touches the holder is not
    yet processed by the sweep (one query per way of touching, no joins OR-ed)."""
    unprocessed = Trajectory.objects.filter(retention_done_at__isnull=True).exclude(
        pk=besides
    )
    if kind == CLIENT:
        touching = (Q(holder_id=holder_id), Q(participants__holder_id=holder_id))
    else:
        # The contact persons' trajectories too: their pseudonymisation scrubs
        # the organisation's name, which erasing it first would make unknown.
        touching = (
            Q(holder_id=holder_id),
            Q(organisation__holder_id=holder_id),
            Q(client__organisation__holder_id=holder_id),
            Q(participants__organisation__holder_id=holder_id),
        )
    return any(unprocessed.filter(q).exists() for q in touching)


def _erase_untouched(
    holders: list[tuple[object, str]], *, trajectory: Trajectory, erasure: Erasure
) -> None:
    """Erase each touched holder with nothing left to process, as its own holder.

    Invoices need no check here: an issued invoice is sealed under the practice
    key and unlinked when its trajectory is processed (dossiers/erasure.py), so
    none is linked to a holder whose trajectories are all processed.
    """
    for holder_id, kind in holders:
        if holder_id == trajectory.holder_id or _has_open_trajectory(
            holder_id, kind, besides=trajectory.pk
        ):
            continue
        other = holder_erase(
            erasure=Erasure(holder_id=holder_id, kind=kind, rule=erasure.rule)
        )
        for label, count in other.removed.items():
            erasure.record_removed(label, count)
        for label, count in other.kept.items():
            erasure.record_kept(label, count)


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
    client_ids, organisation_ids = _touched(trajectory)
    _lock_holders(client_ids, organisation_ids)
    kind = CLIENT if trajectory.client_id else ORGANISATION
    erasure = Erasure(
        holder_id=trajectory.holder_id,
        kind=kind,
        rule=trajectory.retention or Rule.DELETE,
        erasing=not _has_open_trajectory(
            trajectory.holder_id, kind, besides=trajectory.pk
        ),
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
        # Kept with plain columns only: no link to who took part.
        trajectory.participants.clear()
        Trajectory.objects.filter(pk=trajectory.pk).update(retention_done_at=now)
    # Participants and organisations with nothing left to process go too
    # (issue 12: "organisations are clients too").
    _erase_untouched(
        [(h, CLIENT) for h in client_ids]
        + [(h, ORGANISATION) for h in organisation_ids],
        trajectory=trajectory,
        erasure=erasure,
    )
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


def unused_before(now):
    """Return the moment before which a holder untouched by any trajectory has
    been idle long enough to go (RETENTION_UNUSED_HOLDER_DAYS)."""
    return now - timedelta(days=settings.RETENTION_UNUSED_HOLDER_DAYS)


def _holds_nothing_kept():
    # No invoice or quote under the holder's own key (an issued invoice is
    # sealed under the practice key and hangs on a trajectory, so a holder
    # without trajectories has none; checked all the same).
    return ~Exists(Invoice.objects.filter(holder_id=OuterRef("holder_id"))) & ~Exists(
        Quote.objects.filter(holder_id=OuterRef("holder_id"))
    )


def unused_clients(*, before, within=None):
    """Return the clients no trajectory touches, idle since before ``before``.

    Policy: personal data only as long as the work needs it. Untouched: not the
    client of a trajectory, not a participant, and not a contact person of an
    organisation with a trajectory still to process (its pseudonymisation
    scrubs the contact persons' names). Idle: created, changed and last active
    before ``before``. A client whose intake trajectory exists is never here:
    that trajectory's retention decides.
    """
    participants = Trajectory.participants.through.objects
    unprocessed = Trajectory.objects.filter(retention_done_at__isnull=True)
    # ``within``: the clients a user may see (clients_for_user), filtered as it
    # is rather than through "pk IN (...)", which for the owner names every
    # client and keeps the database from reading the list in index order.
    return (within if within is not None else Client.objects).filter(
        Q(created_at__lt=before, updated_at__lt=before, last_activity_at__lt=before)
        & ~Exists(Trajectory.objects.filter(client=OuterRef("pk")))
        & ~Exists(Trajectory.objects.filter(holder_id=OuterRef("holder_id")))
        & ~Exists(participants.filter(client=OuterRef("pk")))
        & ~Exists(unprocessed.filter(organisation=OuterRef("organisation")))
        & ~Exists(unprocessed.filter(holder_id=OuterRef("organisation__holder_id")))
        & _holds_nothing_kept()
    )


def unused_organisations(*, before, within=None):
    """Return the organisations nothing uses, idle since before ``before``.

    Nothing uses it: no trajectory holds or names it, and no client (contact
    person) or other registered use points at it (clients.selectors). Its
    contact persons go first as unused clients, so in one sweep an unused
    organisation follows its unused contact persons.
    """
    rows = organisations_unused()
    if within is not None:
        rows = rows & within
    return rows.filter(
        Q(created_at__lt=before, updated_at__lt=before)
        & ~Exists(Trajectory.objects.filter(holder_id=OuterRef("holder_id")))
        & ~Exists(Trajectory.objects.filter(organisation=OuterRef("pk")))
        & ~Exists(Client.objects.filter(organisation=OuterRef("pk")))
        & _holds_nothing_kept()
    )


def _unused_rows(kind: str, *, before):
    return (
        unused_clients(before=before)
        if kind == CLIENT
        else unused_organisations(before=before)
    )


@transaction.atomic
def unused_holder_erase(*, kind: str, pk, now, dry_run: bool = False) -> bool:
    """Erase one unused client or organisation; False if it is no longer unused.

    As any erasure: every app's rows, its journal entry, and once the data
    commit is done its key (holder_erase). With ``dry_run`` all is rolled back.
    """
    rows = _unused_rows(kind, before=unused_before(now)).filter(pk=pk)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    holder_id = rows.values_list("holder_id", flat=True).first()
    if holder_id is None:
        return False
    holder_erase(erasure=Erasure(holder_id=holder_id, kind=kind, rule=Rule.UNUSED))
    if dry_run:
        transaction.set_rollback(True)
    return True


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


def retention_sweep(
    *,
    now=None,
    dry_run: bool = False,
    on_processed: Callable[[int, str, bool], None] | None = None,
    on_unused: Callable[[str, object], None] | None = None,
) -> RetentionSummary:
    """Carry out every due retention action; safe to run twice or at once.

    ``on_processed(pk, rule, holder_erased)`` is called after each processed
    trajectory (after its commit), ``on_unused(kind, pk)`` after each unused
    client or organisation erased, so a caller can report as the sweep goes.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    summary = RetentionSummary()
    if not dry_run:
        # First the destructions a crash left undone (their data already went).
        summary.keys_destroyed = keys_destroy_pending()
    due = retention_due(today=today).order_by("retention_due_on", "pk")
    for done, pk in enumerate(
        due.values_list("pk", flat=True).iterator(chunk_size=BATCH)
    ):
        if done % BATCH == 0:
            # Bounded memory: the keys a batch unwrapped go with it (an erased
            # holder's key is forgotten anyway; participants' and staff keys
            # would otherwise stay until the cache's own bound).
            keyring.clear_cache()
        outcome = trajectory_retention_apply(pk=pk, now=now, dry_run=dry_run)
        if outcome is None:
            summary.held += 1
            continue
        summary.processed += 1
        if on_processed is not None:
            on_processed(pk, *outcome)
    # Clients first: an organisation whose contact persons go is unused after.
    before = unused_before(now)
    for kind in (CLIENT, ORGANISATION):
        rows = _unused_rows(kind, before=before).order_by("pk")
        for done, pk in enumerate(
            rows.values_list("pk", flat=True).iterator(chunk_size=BATCH)
        ):
            if done % BATCH == 0:
                keyring.clear_cache()
            if unused_holder_erase(kind=kind, pk=pk, now=now, dry_run=dry_run):
                summary.unused_erased += 1
                if on_unused is not None:
                    on_unused(kind, pk)
    summary.invoices_removed = invoices_purge(today=today, dry_run=dry_run)
    return summary
