"""The dossiers app's sections of the dashboard: active trajectories, this week's
appointments. Registered with ``refleact.dashboard`` in ``DossiersConfig.ready``."""

from __future__ import annotations

from datetime import timedelta

from dossiers import selectors
from dossiers.models import Trajectory
from refleact.dashboard import Section, SectionContent


def active_trajectories(*, user, now) -> SectionContent:
    """Return the 50 most recently active trajectories this user may see."""
    active = list(
        selectors.trajectories_for_user(user=user)
        .filter(status=Trajectory.Status.ACTIVE)
        .select_related("client", "organisation", "coach")
        .order_by("-last_activity_at")[:50]
    )
    return SectionContent({"active": active}, shown=active)


def coming_appointments(*, user, now) -> SectionContent:
    """Return this user's appointments in the coming seven days (at most 100)."""
    appointments = list(
        selectors.appointments_for_user(user=user)
        .filter(starts_at__gte=now, starts_at__lt=now + timedelta(days=7))
        .exclude(trajectory__status=Trajectory.Status.CLOSED)
        .select_related("trajectory", "trajectory__client", "trajectory__organisation")
        .order_by("starts_at")[:100]
    )
    return SectionContent({"appointments": appointments}, shown=appointments)


SECTIONS = (
    Section(
        key="active_trajectories",
        template="dossiers/dashboard_active.html",
        gather=active_trajectories,
        order=10,
    ),
    Section(
        key="coming_appointments",
        template="dossiers/dashboard_appointments.html",
        gather=coming_appointments,
        order=20,
    ),
)
