"""Every page bench/pages.py measures costs the same queries with 5 and 50 rows.

Issue 16: pages must not slow down as a practice (10,000 clients) or a platform
(1,000,000) grows. A page whose query count grows with the rows behind it does,
so each page here is counted at two sizes of what grows on it (clients, entries,
appointments, audit rows), on both database aliases, with the key cache emptied
before the counted request (``refleact.testing.querycount``): the same count at
both sizes, and the keys of all rows shown fetched in a bounded number of
key-store queries, never one per row.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connections
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from dossiers.models import DossierEntry
from portal import services as portal_services
from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    TrajectoryFactory,
)
from refleact.testing.personas import portal_login
from refleact.testing.querycount import page_queries

pytestmark = pytest.mark.django_db(databases="__all__")

SMALL, LARGE = 5, 50
# The keys of every row a page shows come in one key-store query per kind of
# holder (clients, organisations, the practice), whatever the number of rows.
KEYSTORE_MAX = 4

FOUND = {
    "first_name": "Zoë",
    "last_name": "Vindbaar",
    "email": "zoe.vindbaar@voorbeeld.nl",
}
SEARCHES = {
    "email": FOUND["email"],
    "name_token": "vindbaar",
    "name_part": "indba",
}


def _grown(http, url, build) -> tuple:
    """Count url's queries after build(SMALL) and after build(LARGE) rows in all."""
    build(SMALL)
    small = page_queries(http, url)
    build(LARGE - SMALL)
    large = page_queries(http, url)
    return small, large


def _assert_flat(small, large, page: str = "") -> None:
    assert large == small, (
        f"{page} queries grow with the rows: {small} at {SMALL}, {large} at {LARGE}\n"
        + "\n".join(large.default_sql)
    )
    assert small.keystore <= KEYSTORE_MAX, "\n".join(small.keystore_sql)


@pytest.fixture(params=["coach", "owner"])
def staff(request, coach, owner):
    """The two staff personas every cockpit page is counted for."""
    user = {"coach": coach, "owner": owner}[request.param]
    http = HttpClient()
    http.force_login(user)
    return user, http


# -- the client list, plain and searched --------------------------------------
def _client_list_queries(http, settings) -> dict:
    """Count the list, and the list searched each way, on the same rows."""
    url = reverse("admin:clients_client_changelist")
    counted = {"plain": page_queries(http, url)}
    # Below SEARCH_OPEN_ROWS_MAX the search opens the rows the user may see;
    # above it, it uses the blind indexes alone: both ways are counted.
    for way, cap in (("opening", 1000), ("blind_index", 2)):
        settings.SEARCH_OPEN_ROWS_MAX = cap
        for search, term in SEARCHES.items():
            http.get(url, {"q": term})  # kept in the sealed cookie
            counted[f"{way} {search}"] = page_queries(http, url)
            # The blind indexes find whole words and the exact address, not a part.
            found = way == "opening" or search != "name_part"
            response = http.get(url)
            assert response.context["cl"].result_count == int(found), (way, search)
            assert (FOUND["last_name"] in response.content.decode()) is found
    http.get(url, {"q": ""})
    return counted


def test_client_list_and_its_searches_cost_the_same_with_5_and_50_clients(
    staff, coach, settings
):
    _user, http = staff
    ClientFactory(coaches=[coach], **FOUND)
    for _ in range(SMALL - 1):
        ClientFactory(coaches=[coach])
    small = _client_list_queries(http, settings)
    for _ in range(LARGE - SMALL):
        ClientFactory(coaches=[coach])
    large = _client_list_queries(http, settings)
    for page in small:
        _assert_flat(small[page], large[page], page)
    # The list counts its rows once (no second count of every row visible).
    counts = [q for q in large["plain"].default_sql if q.startswith("SELECT COUNT(*)")]
    assert len(counts) == 1, counts


# -- a client's page, a trajectory's page -------------------------------------
def test_client_page_costs_the_same_with_5_and_50_entries_and_appointments(
    staff, coach
):
    _user, http = staff
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    url = reverse("admin:clients_client_change", args=[trajectory.client_id])

    def build(n):
        for i in range(n):
            DossierEntryFactory(trajectory=trajectory, title=f"Sessie {i}")
            AppointmentFactory(trajectory=trajectory)

    _assert_flat(*_grown(http, url, build))


def test_trajectory_page_costs_the_same_with_5_and_50_entries(staff, coach):
    _user, http = staff
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])

    def build(n):
        for _ in range(n):
            DossierEntryFactory(trajectory=trajectory)

    _assert_flat(*_grown(http, url, build))


# -- the dashboard ---------------------------------------------------------------
def test_dashboard_costs_the_same_with_5_and_50_clients_and_appointments(staff, coach):
    _user, http = staff
    url = reverse("admin:dashboard")

    def build(n):
        for i in range(n):
            trajectory = TrajectoryFactory(
                client=ClientFactory(coaches=[coach]), coach=coach
            )
            # One this week (shown), one far ahead (not shown, but there).
            AppointmentFactory(
                trajectory=trajectory,
                starts_at=timezone.now() + datetime.timedelta(hours=2 + i % 100),
            )
            AppointmentFactory(
                trajectory=trajectory,
                starts_at=timezone.now() + datetime.timedelta(days=30 + i),
            )

    _assert_flat(*_grown(http, url, build))


# -- the access log, filtered by client ----------------------------------------
@pytest.mark.parametrize("rows", ["grouped", "every_row"])
def test_audit_log_of_a_client_costs_the_same_with_5_and_50_events(
    owner_http, owner, coach, rows
):
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    client = trajectory.client
    url = (
        reverse("admin:audit_auditevent_changelist") + f"?holder_id={client.holder_id}"
    )
    if rows == "every_row":
        url += "&rows=all"
    start = timezone.now() - datetime.timedelta(days=2)

    def build(n):
        events = []
        for _ in range(n):
            entry = DossierEntryFactory(trajectory=trajectory)
            made = AuditEvent.objects.count()
            for action in (AuditEvent.Action.VIEW, AuditEvent.Action.CHANGE):
                events.append(
                    AuditEvent(
                        at=start
                        + datetime.timedelta(minutes=11 * (made + len(events))),
                        actor=coach,
                        action=action,
                        model=DossierEntry._meta.label_lower,
                        object_id=str(entry.pk),
                        holder_id=client.holder_id,
                    )
                )
        AuditEvent.objects.bulk_create(events)

    _assert_flat(*_grown(owner_http, url, build))


# -- the portal ------------------------------------------------------------------
@pytest.fixture
def portal_client(coach, django_capture_on_commit_callbacks):
    """A client with an activated portal account, logged in; and their trajectory."""
    client = ClientFactory(coaches=[coach])
    with django_capture_on_commit_callbacks(execute=True):
        account = portal_services.account_invite(
            actor=coach, client=client, send_email=False
        )
    account.activated_at = timezone.now()
    account.save()
    http = portal_login(account)
    trajectory = TrajectoryFactory(client=client, coach=coach)
    return http, trajectory


def _portal_rows(trajectory):
    def build(n):
        for i in range(n):
            DossierEntryFactory(trajectory=trajectory, title=f"Voortgang {i}")
            DossierEntryFactory(
                trajectory=trajectory,
                kind=DossierEntry.Kind.CLIENT_INFORMATION,
                title=f"Gedeeld {i}",
            )
            AppointmentFactory(trajectory=trajectory)

    return build


PORTAL_PAGES = {
    "home": reverse_lazy("portal:home"),
    "dossier": reverse_lazy("portal:dossier"),
    "json_export": reverse_lazy("portal:export", args=["json"]),
}


def test_portal_pages_cost_the_same_with_5_and_50_entries(portal_client):
    http, trajectory = portal_client
    build = _portal_rows(trajectory)
    build(SMALL)
    small = {page: page_queries(http, str(url)) for page, url in PORTAL_PAGES.items()}
    build(LARGE - SMALL)
    large = {page: page_queries(http, str(url)) for page, url in PORTAL_PAGES.items()}
    for page in PORTAL_PAGES:
        _assert_flat(small[page], large[page], page)


def test_json_export_holds_the_rows_it_was_counted_with(portal_client):
    http, trajectory = portal_client
    _portal_rows(trajectory)(LARGE)
    response = http.get(reverse("portal:export", args=["json"]))
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    data = json.loads(body)
    entries = [
        row
        for section in data["sections"]
        for row in section["rows"]
        if row["model"] == DossierEntry._meta.label_lower
    ]
    assert len(entries) == 2 * LARGE


def test_dashboard_reads_only_the_weeks_appointments_of_the_coachs_trajectories(
    coach_http, coach
):
    """The week's appointments come through the (trajectory, starts_at) index.

    Without it SQLite reads every appointment of each of the coach's
    trajectories and sorts them all: 20,000 rows for a coach of 10,000 clients.
    PostgreSQL plans by its statistics, which a test's few rows do not reflect.
    """
    if connections["default"].vendor != "sqlite":
        pytest.skip("the plan is checked on SQLite")
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    AppointmentFactory(trajectory=trajectory)
    with CaptureQueriesContext(connections["default"]) as data:
        assert coach_http.get(reverse("admin:dashboard")).status_code == 200
    (sql,) = [
        q["sql"]
        for q in data.captured_queries
        if q["sql"].startswith('SELECT "dossiers_appointment"."id"')
    ]
    with connections["default"].cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert "USING INDEX appointment_traj_starts (trajectory_id=? AND starts_at>" in (
        plan
    ), plan
