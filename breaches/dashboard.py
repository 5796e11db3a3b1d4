"""The breach section of the dashboard: open breaches, their clocks, the banner.

Registered with ``refleact.dashboard`` in ``BreachesConfig.ready``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from breaches import escalation, selectors
from refleact.dashboard import Deadline, Section, SectionContent

PHONE_LIMIT = 50


def _left(due, now) -> str:
    seconds = int((due - now).total_seconds())
    if seconds <= 0:
        return _("passed")
    hours, rest = divmod(seconds, 3600)
    return _("%(h)d h %(m)02d min left") % {"h": hours, "m": rest // 60}


def open_breaches_section(*, user, now) -> SectionContent:
    """Return the open breaches with both deadlines and what is missing."""
    rows = []
    for breach in selectors.breaches_for_user(user=user).filter(closed_at=None):
        rows.append(
            {
                "breach": breach,
                "url": reverse("admin:breaches_breach_change", args=[breach.pk]),
                "client_due": breach.client_deadline,
                "client_left": _left(breach.client_deadline, now),
                "ap_due": breach.ap_deadline,
                "ap_left": _left(breach.ap_deadline, now),
                "banner": escalation.needs_banner(breach, now=now),
            }
        )
    to_phone = list(selectors.notices_to_phone(user=user)[:PHONE_LIMIT]) if rows else []
    return SectionContent(
        {"breaches": rows, "to_phone": to_phone},
        shown=[n.client for n in to_phone if n.client is not None],
    )


def breach_deadlines(*, user, now):
    """Yield the 48-hour and 72-hour deadlines of every open breach."""
    for breach in selectors.breaches_for_user(user=user).filter(closed_at=None):
        url = reverse("admin:breaches_breach_change", args=[breach.pk])
        yield Deadline(
            due=breach.client_deadline,
            label=_("%(ref)s: notify the clients (48 hours, %(left)s)")
            % {"ref": breach.reference, "left": _left(breach.client_deadline, now)},
            url=url,
        )
        yield Deadline(
            due=breach.ap_deadline,
            label=_("%(ref)s: report to the AP (72 hours, %(left)s)")
            % {"ref": breach.reference, "left": _left(breach.ap_deadline, now)},
            url=url,
        )


SECTION = Section(
    key="breaches_open",
    template="breaches/dashboard_open.html",
    gather=open_breaches_section,
    order=5,
)
