"""What the retention sweep will do and did, on the dashboard and the client page.

Issue 12: "The dashboard lists the coming retention actions (which trajectory,
what, when) and the client page shows them", and the sweep's summary. Registered
in ``DossiersConfig.ready``. The summary holds counts only: the retention log
names trajectories by id, never a person.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from clients.selectors import clients_for_user, organisations_for_user
from dossiers import retention, selectors
from dossiers.models import Trajectory
from refleact.dashboard import Deadline, Section, SectionContent
from refleact.erasure.models import RetentionLogEntry
from refleact.erasure.registry import Rule

# The dashboard's list is a reminder, not an archive: the soonest ones.
COMING_MAX = 50


def retention_deadlines(*, user, now) -> list[Deadline]:
    """Return the coming retention actions this user may see, soonest first."""
    today = timezone.localdate(now)
    rows = selectors.retention_coming(user=user).select_related(
        "client", "organisation"
    )[:COMING_MAX]
    deadlines = [
        Deadline(
            due=timezone.make_aware(datetime.combine(t.retention_due_on, time.min)),
            label=_("Retention: %(action)s %(trajectory)s")
            % {"action": t.get_retention_display(), "trajectory": t},
            url=reverse("admin:dossiers_trajectory_change", args=[t.pk]),
            subject=t,
            overdue=t.retention_due_on < today,
        )
        for t in rows
    ]
    return deadlines + unused_deadlines(user=user, now=now)


def _unused_due(row):
    idle_since = max(
        row.created_at, row.updated_at, getattr(row, "last_activity_at", row.created_at)
    )
    return idle_since + timedelta(days=settings.RETENTION_UNUSED_HOLDER_DAYS)


def unused_deadlines(*, user, now) -> list[Deadline]:
    """Return the unused clients and organisations the sweep will erase within
    RETENTION_GRACE_DAYS (or is late for), that this user may see.

    The same warning time as a closed trajectory gets: until then a coach who
    still needs the holder starts a trajectory or changes it, and it stays.
    """
    horizon = retention.unused_before(now) + timedelta(
        days=settings.RETENTION_GRACE_DAYS
    )
    coming = [
        (
            row,
            "admin:clients_client_change",
            _("Retention: erase unused client %(holder)s"),
        )
        for row in retention.unused_clients(
            before=horizon, within=clients_for_user(user=user)
        ).order_by("last_activity_at", "pk")[:COMING_MAX]
    ] + [
        (
            row,
            "admin:clients_organisation_change",
            _("Retention: erase unused organisation %(holder)s"),
        )
        for row in retention.unused_organisations(
            before=horizon, within=organisations_for_user(user=user)
        ).order_by("updated_at", "pk")[:COMING_MAX]
    ]
    return [
        Deadline(
            due=_unused_due(row),
            label=label % {"holder": row},
            url=reverse(url, args=[row.pk]),
            subject=row,
            overdue=_unused_due(row) < now,
        )
        for row, url, label in coming
    ]


def last_sweep(*, user, now) -> SectionContent:
    """Return the owner's summary of the sweep's last run that carried out work."""
    if not getattr(user, "is_owner", False):
        return SectionContent({"summary": None})
    last = RetentionLogEntry.objects.aggregate(at=Max("at"))["at"]
    if last is None:
        return SectionContent({"summary": {"at": None}})
    counts = RetentionLogEntry.objects.filter(at=last).aggregate(
        trajectories=Count("id"),
        deleted=Count("id", filter=Q(rule=Rule.DELETE)),
        pseudonymised=Count("id", filter=Q(rule=Rule.PSEUDONYMISE)),
        erased=Count("id", filter=Q(holder_erased=True)),
    )
    return SectionContent({"summary": {"at": last, **counts}})


SECTION = Section(
    key="retention_summary",
    template="dossiers/dashboard_retention.html",
    gather=last_sweep,
    order=900,
)


def retention_section(*, client):
    """Return the client's coming retention actions, with the rows shown."""
    rows = list(
        Trajectory.objects.filter(
            client=client,
            status=Trajectory.Status.CLOSED,
            retention_done_at__isnull=True,
            retention_due_on__isnull=False,
        )
        .select_related("client", "organisation")
        .order_by("retention_due_on", "pk")
    )
    if not rows:
        return _("No retention actions to come."), []
    html = format_html_join(
        "",
        '<div><a href="{}">{}</a> · {} · {}</div>',
        (
            (
                reverse("admin:dossiers_trajectory_change", args=[t.pk]),
                str(t),
                t.get_retention_display(),
                date_format(t.retention_due_on, "DATE_FORMAT"),
            )
            for t in rows
        ),
    )
    return html, rows
