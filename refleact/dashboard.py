"""The dashboard's sections: today's work, gathered from every app that has some.

The dashboard belongs to the admin site, not to one app: each app registers the
sections it contributes from its ``AppConfig.ready()`` (dossiers: active
trajectories and the coming week's appointments; later apps: their deadlines),
so the admin site imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models


@dataclass(frozen=True)
class SectionContent:
    """What a section shows: its template context, and the rows it shows."""

    context: dict
    # Rows whose data (a client's name, an appointment) is on screen: the
    # dashboard records them in the access log.
    shown: Iterable[models.Model] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """A part of the dashboard: ``gather(user=, now=)`` returns its content.

    ``gather`` must apply the access rule (through the app's selectors).
    """

    key: str
    template: str
    gather: Callable[..., SectionContent]
    order: int = 100


@dataclass(frozen=True)
class Deadline:
    due: datetime
    label: str
    url: str = ""
    # The row the deadline is about, recorded as shown when it names a client.
    subject: models.Model | None = None
    # Past due: the dashboard flags it in red.
    overdue: bool = False


_sections: list[Section] = []
# Each provider (user=, now=) -> iterable of Deadline; shown in one list.
_deadline_providers: list[Callable[..., Iterable[Deadline]]] = []


def register_section(section: Section) -> None:
    if all(s.key != section.key for s in _sections):
        _sections.append(section)


def register_deadlines(provider: Callable[..., Iterable[Deadline]]) -> None:
    if provider not in _deadline_providers:
        _deadline_providers.append(provider)


def dashboard_for_user(*, user, now: datetime) -> list[tuple[Section, SectionContent]]:
    """Return each registered section's content for this user, in order."""
    gathered = [
        (section, section.gather(user=user, now=now))
        for section in sorted(_sections, key=lambda s: s.order)
    ]
    deadlines = sorted(
        (d for provider in _deadline_providers for d in provider(user=user, now=now)),
        key=lambda d: d.due,
    )
    gathered.append(
        (
            Section(
                key="deadlines",
                template="admin/dashboard_deadlines.html",
                gather=lambda **_: SectionContent({}),
                order=1000,
            ),
            SectionContent(
                {"deadlines": deadlines},
                shown=[d.subject for d in deadlines if d.subject is not None],
            ),
        )
    )
    return gathered
