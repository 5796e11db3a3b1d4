"""The coach's consent pages: no client named on an add page, autocomplete within the
access rule, purposes there even when the data migration's rows are gone, and list
pages whose query count stays flat as rows grow."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consent import selectors, services
from consent.models import Purpose
from consent.models.ledger import CONTACT_AFTER, PR_PUBLICATION
from refleact.audit.models import AuditEvent
from refleact.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db(databases="__all__")

ADD_PAGES = (
    "admin:consent_consentrecord_add",
    "admin:consent_occasion_add",
    "admin:consent_disclosure_add",
)


@pytest.mark.parametrize("name", ADD_PAGES)
def test_add_page_names_no_client(coach, coach_http, name):
    client = ClientFactory(coaches=[coach], last_name="Wijnberg-Oudeman")

    response = coach_http.get(reverse(name))

    assert response.status_code == 200
    assert client.last_name not in response.content.decode()


@pytest.mark.parametrize("model", ["consentrecord", "occasion", "disclosure"])
def test_client_autocomplete_lists_only_the_coachs_clients_and_logs_them(
    coach, outsider, coach_http, model
):
    mine = ClientFactory(coaches=[coach])
    ClientFactory(coaches=[outsider])

    response = coach_http.get(
        reverse("admin:autocomplete"),
        {"app_label": "consent", "model_name": model, "field_name": "client"},
    )

    assert response.status_code == 200
    shown = [row["id"] for row in json.loads(response.content)["results"]]
    assert shown == [str(mine.pk)]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LIST, object_id=str(mine.pk)
    ).exists()


def test_purposes_are_made_on_use_when_the_migrations_rows_are_gone(coach_http, coach):
    # A transactional test's flush removes the data migration's rows.
    Purpose.objects.all().delete()
    client = ClientFactory(coaches=[coach])

    services.consent_decide(
        client=client, purpose=CONTACT_AFTER, decision="given", method="portal"
    )

    assert selectors.consent_current(client=client, purpose=CONTACT_AFTER)
    assert selectors.purpose_get(key=PR_PUBLICATION).per_occasion
    assert Purpose.objects.filter(built_in=True).count() == 2
    with pytest.raises(Purpose.DoesNotExist):
        selectors.purpose_get(key="no-such-purpose")


def _rows(coach, count: int) -> None:
    for _ in range(count):
        client = ClientFactory(coaches=[coach])
        services.consent_decide(
            client=client, purpose=CONTACT_AFTER, decision="given", method="portal"
        )
        occasion = services.occasion_create(
            actor=coach,
            client=client,
            what="testimonial",
            medium="Nieuwsbrief",
            material="Een fijne begeleiding.",
        )
        services.consent_decide(
            client=client,
            purpose=PR_PUBLICATION,
            occasion=occasion,
            decision="given",
            method="portal",
        )
        services.disclosure_record(
            actor=coach,
            client=client,
            kind="invoice",
            recipient="Crediteurenadministratie",
            basis="agreement",
            categories=["financial"],
        )


def _queries(http, url, django_assert_max_num_queries, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        assert http.get(url).status_code == 200


@pytest.mark.parametrize("model", ["consentrecord", "occasion", "disclosure"])
def test_list_page_queries_stay_flat_as_rows_grow(
    coach, coach_http, model, django_assert_max_num_queries
):
    url = reverse(f"admin:consent_{model}_changelist")
    _rows(coach, 1)
    coach_http.get(url)  # warm the purposes, the content types and the session
    with CaptureQueriesContext(connection) as one:
        assert coach_http.get(url).status_code == 200
    _rows(coach, 6)

    _queries(coach_http, url, django_assert_max_num_queries, len(one))
