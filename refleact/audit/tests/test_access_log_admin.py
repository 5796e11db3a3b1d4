"""The access log: the owner reads and filters it per client; nobody changes it."""

import datetime
import html
import re
import uuid

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

LOG = reverse("admin:audit_auditevent_changelist")


def test_owner_filters_the_log_per_client(owner_http, coach, coach_http):
    first = ClientFactory(coaches=[coach])
    second = ClientFactory(coaches=[coach])
    coach_http.get(reverse("admin:clients_client_change", args=[first.pk]))
    coach_http.get(reverse("admin:clients_client_change", args=[second.pk]))
    response = owner_http.get(LOG, {"holder_id": str(first.holder_id), "rows": "all"})
    shown = list(response.context["cl"].result_list)
    assert shown and {e.object_id for e in shown} == {str(first.pk)}
    page = owner_http.get(reverse("admin:clients_client_change", args=[first.pk]))
    assert f"holder_id={first.holder_id}" in page.content.decode()


def test_coach_cannot_read_the_log(coach_http):
    assert coach_http.get(LOG).status_code == 403


def test_nobody_changes_or_deletes_log_rows(owner_http, coach, coach_http):
    client = ClientFactory(coaches=[coach])
    coach_http.get(reverse("admin:clients_client_change", args=[client.pk]))
    event = AuditEvent.objects.get(action="view")
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert owner_http.post(change, {"action": "delete"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert owner_http.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# -- who looked at client X, and when? ------------------------------------------------


@pytest.fixture
def two_clients(coach):
    first = ClientFactory(first_name="Annelies", last_name="Wijnberg", coaches=[coach])
    second = ClientFactory(first_name="Bart", last_name="Kloosterman", coaches=[coach])
    trajectory = TrajectoryFactory(client=first, coach=coach)
    DossierEntryFactory(trajectory=trajectory, title="Werkdruknotitie")
    TrajectoryFactory(client=second, coach=coach)
    return first, second, trajectory


def test_log_filtered_by_one_client_lists_exactly_the_views_of_that_client(
    owner_http, coach_http, two_clients
):
    first, second, trajectory = two_clients
    for client in (first, second):
        coach_http.get(reverse("admin:clients_client_change", args=[client.pk]))
    coach_http.get(reverse("admin:dossiers_trajectory_change", args=[trajectory.pk]))
    coach_http.get(reverse("admin:dossiers_trajectory_changelist"))
    assert AuditEvent.objects.exclude(holder_id=first.holder_id).exists()

    def views_of_first():
        of_first = AuditEvent.objects.filter(holder_id=first.holder_id)
        return set(of_first.values_list("pk", flat=True))

    expected = views_of_first()
    grouped = owner_http.get(LOG, {"holder_id": str(first.holder_id)})
    assert sum(g.count for g in grouped.context["cl"].result_list) == len(expected)
    # Reading the log named the client: that is a view of them too.
    expected = views_of_first()
    rows = owner_http.get(LOG, {"holder_id": str(first.holder_id), "rows": "all"})
    assert {e.pk for e in rows.context["cl"].result_list} == expected
    page = grouped.content.decode()
    assert "Annelies Wijnberg" in page and "Kloosterman" not in page


def test_each_row_names_what_was_seen_and_links_to_it(owner_http, coach_http, coach):
    client = ClientFactory(first_name="Annelies", last_name="Wijnberg", coaches=[coach])
    gone = ClientFactory(coaches=[coach])
    for row in (client, gone):
        coach_http.get(reverse("admin:clients_client_change", args=[row.pk]))
    AuditEvent.objects.filter(object_id=str(gone.pk)).update(
        object_id=str(uuid.uuid4())
    )
    page = owner_http.get(LOG, {"rows": "all"}, HTTP_ACCEPT_LANGUAGE="en")
    page = page.content.decode()
    url = reverse("admin:clients_client_change", args=[client.pk])
    assert f'Client: <a href="{url}">Annelies Wijnberg</a>' in page
    assert "Client: <em>no longer exists</em>" in page
    # Opened on screen only: the log itself stores ids.
    stored = " ".join(str(v) for e in AuditEvent.objects.values() for v in e.values())
    assert "Wijnberg" not in stored


def test_showing_the_log_records_the_names_it_opened(
    owner, owner_http, coach_http, coach
):
    client = ClientFactory(coaches=[coach])
    coach_http.get(reverse("admin:clients_client_change", args=[client.pk]))
    owner_http.get(LOG)
    assert AuditEvent.objects.filter(
        actor=owner, action="list", object_id=str(client.pk)
    ).exists()


def burst(actor, *, rows, start, model="clients.client", step=1, holder=None):
    """Log `rows` list events of one actor, `step` seconds apart from start."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action="list",
            model=model,
            object_id=str(uuid.uuid4()),
            holder_id=holder or uuid.uuid4(),
            at=start + datetime.timedelta(seconds=i * step),
        )
        for i in range(rows)
    )


def test_ten_minutes_of_one_coachs_work_is_one_line_that_opens_its_rows(
    owner_http, coach
):
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    burst(coach, rows=473, start=start)  # 473 rows within 7 minutes 52 seconds
    burst(coach, rows=2, start=start + datetime.timedelta(minutes=10))
    response = owner_http.get(LOG, HTTP_ACCEPT_LANGUAGE="en")
    groups = response.context["cl"].result_list
    assert [(g.count, g.actor) for g in groups] == [(2, coach), (473, coach)]
    link = re.search(
        r'href="(\?[^"]*rows=all[^"]*)">show 473 rows<', response.content.decode()
    )
    expanded = owner_http.get(LOG + html.unescape(link.group(1)))
    assert expanded.status_code == 200
    assert expanded.context["cl"].result_count == 473


def test_filter_by_staff_member(owner_http, coach, outsider):
    start = timezone.now() - datetime.timedelta(hours=1)
    burst(coach, rows=3, start=start)
    burst(outsider, rows=2, start=start)
    response = owner_http.get(LOG, {"actor": str(outsider.pk), "rows": "all"})
    assert {e.actor for e in response.context["cl"].result_list} == {outsider}
    assert owner_http.get(LOG, {"actor": "not-a-user"}).context["cl"].result_count == 0


@pytest.mark.parametrize("rows", ["", "all"])
def test_the_log_costs_the_same_queries_with_10_and_400_rows(
    owner_http, coach, outsider, two_clients, rows, django_assert_max_num_queries
):
    first, second, trajectory = two_clients
    start = timezone.now() - datetime.timedelta(hours=5)

    def grow(n):
        for actor in (coach, outsider):
            for model, row in (
                ("clients.client", first),
                ("dossiers.trajectory", trajectory),
            ):
                AuditEvent.objects.bulk_create(
                    AuditEvent(
                        actor=actor,
                        action="view",
                        model=model,
                        object_id=str(row.pk),
                        holder_id=first.holder_id,
                        at=start + datetime.timedelta(minutes=7 * i),
                    )
                    for i in range(n)
                )

    def queries():
        owner_http.get(LOG, {"rows": rows})  # warm Django's own caches
        with CaptureQueriesContext(connections["default"]) as captured:
            assert owner_http.get(LOG, {"rows": rows}).status_code == 200
        return len(captured)

    grow(3)
    small = queries()
    grow(100)
    with django_assert_max_num_queries(small):
        owner_http.get(LOG, {"rows": rows})


def test_owner_searches_a_client_for_the_filter(
    owner, owner_http, coach_http, two_clients
):
    first, _second, _trajectory = two_clients
    url = reverse("admin:audit_auditevent_holders")
    found = owner_http.get(url, {"term": "Wijnberg"}).json()["results"]
    assert [r["id"] for r in found] == [str(first.holder_id)]
    assert "Annelies Wijnberg" in found[0]["text"]
    assert AuditEvent.objects.filter(actor=owner, object_id=str(first.pk)).exists()
    assert owner_http.get(url, {"term": ""}).json()["results"] == []
    assert coach_http.get(url, {"term": "Wijnberg"}).status_code == 403
    # The picker posts what is typed, so the name stays out of the URL.
    posted = owner_http.post(url, {"term": "Wijnberg"}).json()["results"]
    assert [r["id"] for r in posted] == [str(first.holder_id)]
    assert owner_http.put(url).status_code == 405
    chosen = owner_http.get(LOG, {"holder_id": str(first.holder_id)}).content.decode()
    assert (
        f'<option value="{first.holder_id}" selected>Annelies Wijnberg</option>'
        in chosen
    )


def test_a_hand_made_client_value_matches_nothing(owner_http, coach_http, two_clients):
    coach_http.get(reverse("admin:clients_client_change", args=[two_clients[0].pk]))
    for value in ("not-a-uuid", str(uuid.uuid4())):
        response = owner_http.get(LOG, {"holder_id": value, "rows": "all"})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0
