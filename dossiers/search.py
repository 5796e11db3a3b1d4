"""Search of trajectories: by their client's or their organisation's details.

It calls the clients' search (clients/search.py), so a part of a name, e-mail,
phone or organisation name finds the trajectory, within the access rule.
"""

from __future__ import annotations

from django.db.models import Q

from clients.search import SearchResult, clients_search, organisations_search
from dossiers.selectors import trajectories_for_user


def trajectories_search(*, user, term: str) -> SearchResult:
    """Return the trajectories this user may see whose client or organisation
    matches any part of term."""
    clients = clients_search(user=user, term=term)
    organisations = organisations_search(user=user, term=term)
    # Subqueries on the trajectory's own columns: no join, so each row once.
    rows = trajectories_for_user(user=user).filter(
        Q(client__in=clients.rows.values("pk"))
        | Q(organisation__in=organisations.rows.values("pk"))
    )
    return SearchResult(
        rows=rows, exact_only=clients.exact_only or organisations.exact_only
    )
