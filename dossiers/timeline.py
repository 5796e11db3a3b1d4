"""A client's timeline: what happened in their trajectories, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model
from django.utils.translation import gettext as _

from dossiers.models import Appointment, DossierEntry, StatusChange


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime
    label: str
    # The row the event shows (for the access log of the page showing it).
    source: Model | None = None


def client_timeline(*, client, limit: int = 30) -> list[TimelineEvent]:
    """Return status changes, dossier entries and appointments of a client's trajectories.

    Caller must have checked access to the client. Labels carry kinds and
    titles for the screen only; nothing here is stored.
    """
    events: list[TimelineEvent] = []
    for change in StatusChange.objects.filter(trajectory__client=client).select_related(
        "trajectory"
    )[:limit]:
        events.append(
            TimelineEvent(
                change.changed_at,
                _("%(trajectory)s: status %(status)s")
                % {
                    "trajectory": change.trajectory,
                    "status": change.get_status_display(),
                },
                change.trajectory,
            )
        )
    for entry in (
        DossierEntry.objects.filter(trajectory__client=client)
        .only("id", "holder_id", "trajectory_id", "kind", "title", "created_at")
        .order_by("-created_at")[:limit]
    ):
        events.append(
            TimelineEvent(
                entry.created_at,
                _("%(kind)s: %(title)s")
                % {"kind": entry.get_kind_display(), "title": entry.title},
                entry,
            )
        )
    for appointment in Appointment.objects.filter(trajectory__client=client).order_by(
        "-starts_at"
    )[:limit]:
        events.append(
            TimelineEvent(
                appointment.starts_at,
                _("Appointment (%(minutes)d min)")
                % {"minutes": appointment.duration_minutes},
                appointment,
            )
        )
    events.sort(key=lambda e: e.when, reverse=True)
    return events[:limit]
