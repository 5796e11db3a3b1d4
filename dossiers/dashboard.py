"""The dossiers app's sections of the dashboard: active trajectories, the coming
week's appointments per day. Registered with ``refleact.dashboard`` in
``DossiersConfig.ready``."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from dossiers import selectors
from dossiers.models import Trajectory
from refleact.dashboard import Section, SectionContent

# The week view: today and the six days after it.
WEEK_DAYS = 7


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
    """Return this user's coming appointments as a week: today and the six days after.

    Each day is listed, with or without appointments, so the section reads as a
    calendar; at most 100 appointments. Cancelled ones and those of closed
    trajectories are left out.
    """
    today = timezone.localdate(now)
    days = [today + timedelta(days=n) for n in range(WEEK_DAYS)]
    end = timezone.make_aware(
        datetime.combine(today + timedelta(days=WEEK_DAYS), time.min)
    )
    appointments = list(
        selectors.appointments_for_user(user=user)
        .filter(starts_at__gte=now, starts_at__lt=end, cancelled_at=None)
        .exclude(trajectory__status=Trajectory.Status.CLOSED)
        .select_related("trajectory", "trajectory__client", "trajectory__organisation")
        .order_by("starts_at")[:100]
    )
    by_day: dict = {day: [] for day in days}
    for appointment in appointments:
        by_day[timezone.localdate(appointment.starts_at)].append(appointment)
    week = [
        {"date": day, "is_today": day == today, "appointments": by_day[day]}
        for day in days
    ]
    return SectionContent(
        {"appointments": appointments, "week": week}, shown=appointments
    )


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
