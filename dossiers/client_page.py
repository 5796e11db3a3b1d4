"""The parts of a client's page that the dossiers app draws: trajectories, timeline.

Registered with ``clients.extensions`` (see ``DossiersConfig.ready``): clients
imports nothing from here. Each returns its HTML and the rows it showed, which
the client page records in the access log. Caller has checked access to the
client; whoever may see a client may see all of its trajectories (the access
rule grants a trajectory to each of its client's coaches).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from dossiers.models import Trajectory
from dossiers.timeline import client_timeline


def trajectories_section(*, client):
    """Return the client's trajectories as links, with the rows shown."""
    rows = list(
        Trajectory.objects.filter(client=client)
        .select_related("coach", "client", "organisation")
        .order_by("-last_activity_at")
    )
    if not rows:
        return _("No trajectories yet."), []
    html = format_html_join(
        "",
        '<div><a href="{}">{}</a> · {} · {}</div>',
        (
            (
                reverse("admin:dossiers_trajectory_change", args=[t.pk]),
                str(t),
                t.get_status_display(),
                t.coach,
            )
            for t in rows
        ),
    )
    return html, rows


def timeline_section(*, client):
    """Return the client's timeline (status changes, entries, appointments)."""
    events = client_timeline(client=client)
    if not events:
        return "—", []
    html = format_html(
        '<ul class="timeline">{}</ul>',
        format_html_join(
            "",
            "<li><time>{}</time> {}</li>",
            (
                (
                    date_format(timezone.localtime(e.when), "SHORT_DATETIME_FORMAT"),
                    e.label,
                )
                for e in events
            ),
        ),
    )
    return html, [e.source for e in events if e.source is not None]
