"""The consent section of the dashboard: contact questions still open.

Registered with ``refleact.dashboard`` in ``ConsentConfig.ready``.
"""

from __future__ import annotations

from clients.selectors import clients_for_user
from consent import selectors
from consent.models import ConsentRecord
from refleact.dashboard import Section, SectionContent

LIMIT = 50


def open_contact_questions(*, user, now) -> SectionContent:
    """Return the clients this user may see whose contact question is still open."""
    asked = ConsentRecord.objects.filter(
        purpose__key=selectors.CONTACT_AFTER,
        decision=ConsentRecord.Decision.REQUESTED,
    ).values("client_id")
    clients = list(
        clients_for_user(user=user)
        .filter(pk__in=asked)
        .order_by("-last_activity_at")[: LIMIT * 4]
    )
    states = selectors.contact_states(clients=clients)
    waiting = [
        {"client": c, "asked_at": states[c.pk].open_request.decided_at}
        for c in clients
        if states[c.pk].open_request is not None
    ][:LIMIT]
    return SectionContent(
        {"waiting": waiting}, shown=[row["client"] for row in waiting]
    )


SECTION = Section(
    key="consent_open",
    template="consent/dashboard_open.html",
    gather=open_contact_questions,
    order=30,
)
