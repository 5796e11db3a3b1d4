"""Reads of clients and organisations. They carry the access rule.

A coach sees a client if and only if they are among the client's coaches; the
practice owner sees everything; anyone else sees nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

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
    """Return the organisations this user may see: for a coach, those of their clients
    or of their trajectories, and those they created while no client or trajectory
    uses them yet (once one does, who may see it follows that use)."""
    if getattr(user, "is_owner", False):
        return Organisation.objects.all()
    if getattr(user, "is_coach", False):
        from dossiers.models import Trajectory

        return (
            Organisation.objects.filter(
                pk__in=clients_for_user(user=user)
                .exclude(organisation=None)
                .values("organisation_id")
            )
            | Organisation.objects.filter(
                pk__in=Trajectory.objects.filter(coach=user)
                .exclude(organisation=None)
                .values("organisation_id")
            )
            | unused_organisations_created_by(user)
        )
    return Organisation.objects.none()


def unused_organisations_created_by(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        created_by=user, clients__isnull=True, trajectories__isnull=True
    )


def coaches_for_user(*, user):
    """Return the staff accounts this user may assign as coach."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User.objects.filter(
        is_active=True, is_staff=True, groups__name="coach"
    ).distinct()
