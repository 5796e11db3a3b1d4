"""List and detail pages cost the same number of queries with 5 and with 50 rows.

Counted on both database aliases with the key cache cleared: the keys a page
needs come from the key store in one query, never one per row.
"""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from refleact.crypto import keyring
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def count_queries(http, url) -> tuple[int, int]:
    # Warm Django's own process caches (content types, templates) first: only the
    # data and key queries of the page itself are compared.
    http.get(url)
    keyring.clear_cache()
    with (
        CaptureQueriesContext(connections["default"]) as data,
        CaptureQueriesContext(connections["keystore"]) as keys,
    ):
        response = http.get(url)
    assert response.status_code == 200
    return len(data), len(keys)


def build_clients(coach, n):
    return [ClientFactory(coaches=[coach]) for _ in range(n)]


def build_trajectories(coach, n):
    return [
        TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
        for _ in range(n)
    ]


def build_entries(coach, n):
    trajectories = build_trajectories(coach, n)
    return [DossierEntryFactory(trajectory=t) for t in trajectories]


def build_invoices(coach, n):
    trajectories = build_trajectories(coach, n)
    return [
        InvoiceLineFactory(invoice=InvoiceFactory(trajectory=t)).invoice
        for t in trajectories
    ]


LISTS = {
    "clients": ("admin:clients_client_changelist", build_clients),
    "trajectories": ("admin:dossiers_trajectory_changelist", build_trajectories),
    "entries": ("admin:dossiers_dossierentry_changelist", build_entries),
    "invoices": ("admin:dossiers_invoice_changelist", build_invoices),
}


@pytest.mark.parametrize("page", sorted(LISTS))
def test_list_pages_cost_the_same_with_5_and_50_rows(coach, coach_http, page):
    url_name, build = LISTS[page]
    build(coach, 5)
    small = count_queries(coach_http, reverse(url_name))
    build(coach, 45)
    large = count_queries(coach_http, reverse(url_name))
    assert large == small
    assert small[1] <= 2  # the keys of every row on the page in one or two queries


def test_dashboard_costs_the_same_with_5_and_50_trajectories(coach, coach_http):
    build_trajectories(coach, 5)
    small = count_queries(coach_http, reverse("admin:dashboard"))
    build_trajectories(coach, 45)
    assert count_queries(coach_http, reverse("admin:dashboard")) == small


def test_trajectory_page_costs_the_same_with_5_and_50_entries(coach, coach_http):
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    for _ in range(5):
        DossierEntryFactory(trajectory=trajectory)
    small = count_queries(coach_http, url)
    for _ in range(45):
        DossierEntryFactory(trajectory=trajectory)
    assert count_queries(coach_http, url) == small


def test_client_page_costs_the_same_with_5_and_50_trajectories(coach, coach_http):
    client = ClientFactory(coaches=[coach])
    url = reverse("admin:clients_client_change", args=[client.pk])
    for _ in range(5):
        TrajectoryFactory(client=client, coach=coach)
    small = count_queries(coach_http, url)
    for _ in range(45):
        TrajectoryFactory(client=client, coach=coach)
    assert count_queries(coach_http, url) == small
