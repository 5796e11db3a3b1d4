"""Reads of the breach register and its notices. They carry the access rule.

The register describes breaches, not clients: everyone who works in the
practice sees it (a coach must know the clock is running). Who was affected is
client data: the owner sees every notice and selection row, a coach those of
the clients they work with, anyone else nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from breaches.models import Breach, Notice, Selection, SelectionMember
from breaches.models.register import DataCategory
from clients.models import Client
from clients.selectors import clients_for_user
from dossiers.models import DossierEntry, Evaluation, Trajectory
from refleact.keystore.models import Tombstone

HELD_STATUSES = (
    Trajectory.Status.INTAKE,
    Trajectory.Status.QUOTE,
    Trajectory.Status.PLANNED,
    Trajectory.Status.ACTIVE,
)
_CHUNK = 900


def breaches_for_user(*, user) -> QuerySet[Breach]:
    """Return the breaches this user may see: all of them, for practice staff."""
    if getattr(user, "works_in_practice", False):
        return Breach.objects.all()
    return Breach.objects.none()


def breach_get_for_user(*, user, pk) -> Breach:
    """Return one breach the user may see, or raise Http404."""
    try:
        return breaches_for_user(user=user).get(pk=pk)
    except (Breach.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def _of_clients_seen(queryset: QuerySet, *, user) -> QuerySet:
    if getattr(user, "is_owner", False):
        return queryset
    if getattr(user, "is_coach", False):
        return queryset.filter(client__in=clients_for_user(user=user).values("pk"))
    return queryset.none()


def notices_for_user(*, user) -> QuerySet[Notice]:
    """Return the notices this user may see (a coach: their clients' notices)."""
    return _of_clients_seen(Notice.objects.all(), user=user)


def selection_members_for_user(*, user) -> QuerySet[SelectionMember]:
    """Return the selection rows this user may see."""
    return _of_clients_seen(SelectionMember.objects.all(), user=user)


def selections_for_user(*, user) -> QuerySet[Selection]:
    if getattr(user, "works_in_practice", False):
        return Selection.objects.all()
    return Selection.objects.none()


def notices_for_client(*, client) -> QuerySet[Notice]:
    """Return the notices a client is shown (the portal): released, newest first.

    Caller must have established that the request is the client's own.
    """
    return (
        Notice.objects.filter(client=client, breach__notices_released_at__isnull=False)
        .select_related("breach")
        .order_by("-breach__discovered_at")
    )


def notices_to_phone(*, user, breach: Breach | None = None) -> QuerySet[Notice]:
    """Return the notices that e-mail did not deliver and nobody phoned yet."""
    rows = notices_for_user(user=user).filter(
        status__in=[Notice.Status.FAILED, Notice.Status.UNREACHABLE],
        reached_by_phone_at__isnull=True,
    )
    if breach is not None:
        rows = rows.filter(breach=breach)
    return rows.select_related("client", "breach")


@dataclass(frozen=True)
class Candidate:
    client_id: object
    holder_id: object
    in_care: bool


def erased_holders(holder_ids: Iterable) -> set:
    """Return those of holder_ids whose data key is tombstoned (erased)."""
    holder_ids = list(holder_ids)
    erased = set()
    for start in range(0, len(holder_ids), _CHUNK):
        erased.update(
            Tombstone.objects.using("keystore")
            .filter(holder_id__in=holder_ids[start : start + _CHUNK])
            .values_list("holder_id", flat=True)
        )
    return erased


# Data categories that only some held clients have data in: a breach of only
# these narrows the candidates to clients with a trajectory holding such rows.
# Names and contact details (and invoices, login details) every held client may
# have, so a category outside this map narrows nothing.
_CATEGORY_ROWS = {
    DataCategory.CONTENT: DossierEntry,
    DataCategory.EVALUATION: Evaluation,
}


def _of_categories(trajectories: QuerySet, categories: list[str]) -> QuerySet:
    if not categories or any(c not in _CATEGORY_ROWS for c in categories):
        return trajectories
    ids = Q()
    for category in categories:
        rows = _CATEGORY_ROWS[DataCategory(category)].objects
        ids |= Q(pk__in=rows.values("trajectory_id"))  # subqueries: no join, no dups
    return trajectories.filter(ids)


def affected_candidates(
    *,
    at: datetime,
    kinds: Iterable[str] = (),
    coach_ids: Iterable = (),
    categories: Iterable[str] = (),
) -> list[Candidate]:
    """Return every client whose data was still held at ``at``, and whether in care.

    Held: a trajectory (their own, or a training they take part in) made before
    ``at`` that was not yet closed at ``at`` ("in begeleiding", policy), or was
    closed and not yet processed by the retention sweep then (still traceable,
    GDPR art. 34); a client with no trajectory at all is held too (nothing
    processed them). Never a client made after ``at``, nor one erased since
    (its key is tombstoned: there is nothing left to notify with). ``kinds``
    and ``coach_ids`` narrow by trajectory kind and coach; ``categories`` by the
    data affected (only dossier content, only evaluations). No value is opened.
    """
    kinds, coach_ids = list(kinds), list(coach_ids)
    categories = [c for c in categories if c in DataCategory.values]
    trajectories = Trajectory.objects.filter(created_at__lte=at).filter(
        Q(retention_done_at__isnull=True) | Q(retention_done_at__gt=at)
    )
    narrowed = _of_categories(trajectories, categories)
    narrowing = bool(kinds or coach_ids) or narrowed is not trajectories
    trajectories = narrowed
    if kinds:
        trajectories = trajectories.filter(kind__in=kinds)
    if coach_ids:
        trajectories = trajectories.filter(coach_id__in=coach_ids)
    open_at = Q(closed_at__isnull=True) | Q(closed_at__gt=at)
    held: dict = {}
    for client_id in trajectories.exclude(client=None).values_list(
        "client_id", flat=True
    ):
        held.setdefault(client_id, False)
    for in_care_id in (
        trajectories.filter(open_at)
        .exclude(client=None)
        .values_list("client_id", flat=True)
    ):
        held[in_care_id] = True
    participants = Trajectory.participants.through.objects.filter(
        trajectory__in=trajectories
    )
    for client_id in participants.values_list("client_id", flat=True):
        held.setdefault(client_id, False)
    for client_id in participants.filter(
        trajectory__in=trajectories.filter(open_at)
    ).values_list("client_id", flat=True):
        held[client_id] = True
    clients = Client.objects.filter(created_at__lte=at)
    if not narrowing:
        without = clients.filter(trajectories=None, trainings=None)
        for client_id in without.values_list("pk", flat=True):
            held.setdefault(client_id, False)
    rows = {}
    ids = list(held)
    for start in range(0, len(ids), _CHUNK):
        rows.update(
            clients.filter(pk__in=ids[start : start + _CHUNK]).values_list(
                "pk", "holder_id"
            )
        )
    erased = erased_holders(rows.values())
    return [
        Candidate(client_id=pk, holder_id=holder, in_care=held[pk])
        for pk, holder in rows.items()
        if holder not in erased
    ]
