"""Reads of clients and organisations. They carry the access rule.

A coach sees a client if and only if they are among the client's coaches; the
practice owner sees everything; anyone else sees nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from clients import extensions
from clients.models import Client, Organisation


def clients_for_user(*, user) -> QuerySet[Client]:
    """Return the clients this user may see."""
    if getattr(user, "is_owner", False):
        return Client.objects.all()
    if getattr(user, "is_coach", False):
        return Client.objects.filter(
            pk__in=Client.coaches.through.objects.filter(user=user).values("client_id")
        )
    return Client.objects.none()


def client_get_for_user(*, user, pk) -> Client:
    """Return one client the user may see, or raise Http404 (existence is not revealed)."""
    try:
        return clients_for_user(user=user).get(pk=pk)
    except (Client.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def organisations_for_user(*, user) -> QuerySet[Organisation]:
    """Return the organisations this user may see, each once.

    For a coach: those that a registered use puts in their work (their clients'
    organisations, their trajectories' organisations), and those they created
    while nothing uses them yet (once something does, who may see it follows
    that use). One filter of subqueries: ``|`` over joins would repeat rows.
    """
    if getattr(user, "is_owner", False):
        return Organisation.objects.all()
    if getattr(user, "is_coach", False):
        visible = Q(created_by=user) & _unused()
        for use in extensions.organisation_uses():
            visible |= Q(pk__in=_used_by(use, coach=user))
        return Organisation.objects.filter(visible)
    return Organisation.objects.none()


def _used_by(use: extensions.OrganisationUse, *, coach=None) -> QuerySet:
    field = use.organisation_field
    rows = use.model._default_manager.exclude(**{field: None})
    if coach is not None:
        rows = rows.filter(**{use.coach_lookup: coach})
    return rows.values(f"{field}_id")


def _unused() -> Q:
    unused = Q()
    for use in extensions.organisation_uses():
        unused &= ~Q(pk__in=_used_by(use))
    return unused


def organisations_unused() -> QuerySet[Organisation]:
    """Return the organisations that no registered model (a client, a trajectory,
    ...) uses: the retention sweep's candidates for erasing an unused holder."""
    return Organisation.objects.filter(_unused())


def unused_organisations_created_by(user) -> QuerySet[Organisation]:
    """Return the organisations user created that nothing uses yet."""
    return Organisation.objects.filter(Q(created_by=user) & _unused())


def coaches_for_user(*, user):
    """Return the staff accounts this user may assign as coach."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name="coach")
        .distinct()
    )
