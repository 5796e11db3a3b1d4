"""Reads of trajectories and everything in them. They carry the access rule.

A coach sees a trajectory if and only if they are its coach or one of its
client's coaches; the owner sees everything. Entries, appointments,
evaluations and invoices follow their trajectory.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from clients.models import Client, Organisation
from dossiers.models import (
    Appointment,
    DossierEntry,
    Evaluation,
    Invoice,
    KnowledgeCase,
    Quote,
    Trajectory,
)


def trajectories_for_user(*, user) -> QuerySet[Trajectory]:
    """Return the trajectories this user may see."""
    if getattr(user, "is_owner", False):
        return Trajectory.objects.all()
    if getattr(user, "is_coach", False):
        own_clients = Client.coaches.through.objects.filter(user=user).values(
            "client_id"
        )
        return Trajectory.objects.filter(Q(coach=user) | Q(client_id__in=own_clients))
    return Trajectory.objects.none()


def trajectory_get_for_user(*, user, pk) -> Trajectory:
    """Return one trajectory the user may see, or raise Http404."""
    try:
        return trajectories_for_user(user=user).get(pk=pk)
    except (Trajectory.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def retention_coming(*, user) -> QuerySet[Trajectory]:
    """Return the closed trajectories this user may see whose retention is to come.

    Soonest first: what the sweep will do (``retention``) and from when
    (``retention_due_on``).
    """
    return (
        trajectories_for_user(user=user)
        .filter(
            status=Trajectory.Status.CLOSED,
            retention_done_at__isnull=True,
            retention_due_on__isnull=False,
        )
        .order_by("retention_due_on", "pk")
    )


def knowledge_cases_for_user(*, user) -> QuerySet[KnowledgeCase]:
    """Return the knowledge cases this user may read: the owner all, a coach theirs."""
    if getattr(user, "is_owner", False):
        return KnowledgeCase.objects.all()
    if getattr(user, "is_coach", False):
        return KnowledgeCase.objects.filter(coach=user)
    return KnowledgeCase.objects.none()


def _within_trajectories(model, *, user):
    if getattr(user, "is_owner", False):
        return model.objects.all()
    return model.objects.filter(
        trajectory_id__in=trajectories_for_user(user=user).values("pk")
    )


def entries_for_user(*, user) -> QuerySet[DossierEntry]:
    return _within_trajectories(DossierEntry, user=user)


def entry_get_for_user(*, user, pk) -> DossierEntry:
    """Return one dossier entry the user may see, or raise Http404."""
    try:
        return entries_for_user(user=user).get(pk=pk)
    except (DossierEntry.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def appointments_for_user(*, user) -> QuerySet[Appointment]:
    return _within_trajectories(Appointment, user=user)


def appointments_cancelled_at_close(*, trajectory, now) -> QuerySet[Appointment]:
    """Return the appointments that closing this trajectory at now cancels.

    Caller must have checked access to the trajectory.
    """
    return trajectory.appointments.filter(starts_at__gte=now, cancelled_at=None)


def evaluations_for_user(*, user) -> QuerySet[Evaluation]:
    """Evaluations of visible trajectories; one asked of a training's participant
    only if the user may also see that participant.

    Coaching a training does not make a coach one of its participants' coaches
    (``clients.selectors.clients_for_user``: a coach sees the clients they are
    linked to), and what a participant answers is theirs, sealed under their key.
    """
    rows = _within_trajectories(Evaluation, user=user)
    if getattr(user, "is_owner", False):
        return rows
    own_clients = Client.coaches.through.objects.filter(user=user).values("client_id")
    return rows.filter(Q(participant=None) | Q(participant_id__in=own_clients))


def invoices_for_user(*, user) -> QuerySet[Invoice]:
    """Invoices of visible trajectories; the owner also sees invoices whose
    trajectory was deleted at closing (kept under the legal duty)."""
    return _within_trajectories(Invoice, user=user)


def invoice_get_for_user(*, user, pk) -> Invoice:
    try:
        return invoices_for_user(user=user).get(pk=pk)
    except (Invoice.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def quotes_for_user(*, user) -> QuerySet[Quote]:
    """Return the quotes of the trajectories this user may see."""
    return _within_trajectories(Quote, user=user)


def quote_get_for_user(*, user, pk) -> Quote:
    """Return one quote the user may see, or raise Http404."""
    try:
        return quotes_for_user(user=user).get(pk=pk)
    except (Quote.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def case_known_for(*, trajectory) -> tuple[list[Client], list]:
    """Return the other clients and the organisations known around this trajectory.

    For scrubbing an intervision case only (dossiers/intervision.py): the clients
    of the trajectory's coach other than its own client, and the organisations of
    the coach's trajectories. Never shown, so not audit-logged as seen. Caller
    must have checked access to the trajectory.
    """
    coach_clients = Client.coaches.through.objects.filter(
        user_id=trajectory.coach_id
    ).values("client_id")
    coach_trajectories = Trajectory.objects.filter(coach_id=trajectory.coach_id)
    clients = (
        Client.objects.filter(
            Q(pk__in=coach_clients)
            | Q(pk__in=coach_trajectories.exclude(client=None).values("client_id"))
        )
        .exclude(pk=trajectory.client_id)
        .select_related("organisation")
    )
    organisations = Organisation.objects.filter(
        Q(
            pk__in=coach_trajectories.exclude(organisation=None).values(
                "organisation_id"
            )
        )
        | Q(pk=trajectory.organisation_id)
    )
    return list(clients), list(organisations)
