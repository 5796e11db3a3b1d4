"""Walk every admin URL with hand-made input and expect no server error.

Malformed ids in the path, lookups the page does not offer in the query string,
and broken action payloads must each be a clear 4xx, a redirect or the page with
a message, never a 500 (and never a traceback). The URL list comes from the
resolver (tests/security/urlwalk.py), so a page added later is walked without listing it here.
"""

from __future__ import annotations

import uuid

import pytest
from django.contrib import admin
from django.test import Client as HttpClient
from django.urls import (
    NoReverseMatch,
    reverse,
)

from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    EvaluationFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    OrganisationFactory,
    TrajectoryFactory,
)
from refleact.testing.personas import make_user
from tests.security.urlwalk import admin_patterns

pytestmark = pytest.mark.django_db(databases="__all__")

# Values a hand-made URL puts where an id belongs.
MALFORMED_IDS = [
    "not-a-uuid",
    "0",
    "-1",
    "1%27%20OR%201=1",
    "%00",
    "9" * 40,
    str(uuid.uuid4()),  # well-formed, but no such row
    "..%2F..%2Fetc",
]


def urls_with_malformed_ids():
    seen = set()
    for name, converters in admin_patterns():
        if not converters:
            continue
        for bad in MALFORMED_IDS:
            kwargs = {}
            for key in converters:
                kwargs[key] = bad
            if "app_label" in kwargs:
                continue  # the app index: its labels are not ids
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue  # the converter refuses this value: no such URL
            if url not in seen:
                seen.add(url)
                yield url


@pytest.fixture
def practice(coach, owner):
    """Two of everything: an organisation with two clients, a client with two
    coaches and two trajectories, and rows of every kind in them."""
    second = make_user("second", role="coach")
    organisation = OrganisationFactory()
    clients = [
        ClientFactory(organisation=organisation, coaches=[coach, second])
        for _ in range(2)
    ]
    for client in clients:
        for _ in range(2):
            trajectory = TrajectoryFactory(client=client, coach=coach)
            DossierEntryFactory(trajectory=trajectory)
            AppointmentFactory(trajectory=trajectory)
            EvaluationFactory(trajectory=trajectory)
            InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory))
    return clients


@pytest.fixture(params=["coach", "owner"])
def http(request, practice):
    user = request.getfixturevalue(request.param)
    http = HttpClient(raise_request_exception=False)
    http.force_login(user)
    return http


def assert_no_server_error(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"
    assert b"Traceback" not in response.content, what


def test_every_admin_url_survives_malformed_ids(http):
    urls = list(urls_with_malformed_ids())
    assert len(urls) > 50  # the walk reached the admin's patterns
    for url in urls:
        assert_no_server_error(http.get(url), f"GET {url}")
        assert_no_server_error(http.post(url, {"post": "yes"}), f"POST {url}")


def changelists():
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        yield model, model_admin, reverse(name)


def test_no_list_runs_a_lookup_it_does_not_offer(http):
    for model, _model_admin, url in changelists():
        for field in model._meta.concrete_fields:
            for query in (
                f"{field.attname}__regex=(",
                f"{field.attname}__gt=%00",
                f"{field.attname}__exact=not-a-value",
                f"{field.attname}__year=abc",
            ):
                response = http.get(f"{url}?{query}")
                assert_no_server_error(response, f"GET {url}?{query}")
        for query in ("no_such_field=1", "pk__in=x,y", "o=abc", "p=-1", "e=1"):
            assert_no_server_error(http.get(f"{url}?{query}"), f"GET {url}?{query}")


@pytest.mark.parametrize(
    "query",
    ["number__regex=(", "number__iregex=(", "pk__regex=(", "billing_name__isnull=1"],
)
def test_invoice_list_refuses_a_lookup_it_does_not_offer(owner_http, query):
    response = owner_http.get(f"{reverse('admin:dossiers_invoice_changelist')}?{query}")
    assert response.status_code == 400


def test_offered_filters_still_filter(owner_http, practice):
    response = owner_http.get(
        f"{reverse('admin:dossiers_trajectory_changelist')}?status__exact=active"
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 4


BAD_ACTIONS = [
    {"action": "delete_selected", "_selected_action": "not-a-uuid"},
    {"action": "delete_selected", "_selected_action": ["not-a-uuid", "1"]},
    {"action": "delete_selected", "_selected_action": "x", "post": "yes"},
    {"action": "no_such_action", "_selected_action": "x"},
    {"action": "delete_selected", "index": "abc", "_selected_action": "1"},
    {"action": "delete_selected", "select_across": "maybe"},
    {"action": ["delete_selected", "x"], "index": "5", "_selected_action": "1"},
    {"_selected_action": "not-a-uuid"},
]


def test_bad_action_payloads_are_no_server_error(http):
    for _model, _model_admin, url in changelists():
        for payload in BAD_ACTIONS:
            data = {"index": "0", **payload}
            assert_no_server_error(http.post(url, data), f"POST {url} {data}")


def test_malformed_selection_gives_a_message_and_deletes_nothing(owner_http, practice):
    url = reverse("admin:clients_client_changelist")
    response = owner_http.post(
        url,
        {
            "action": "delete_selected",
            "index": "0",
            "_selected_action": [str(practice[0].pk), "not-a-uuid"],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "selecteer de rijen opnieuw" in response.content.decode()
    assert type(practice[0]).objects.filter(pk=practice[0].pk).exists()


def test_add_and_change_forms_survive_malformed_values(http, practice):
    for model, _model_admin, _url in changelists():
        opts = model._meta
        data = {
            field.name: "not-a-uuid"
            for field in opts.get_fields()
            if not field.auto_created or field.concrete
        }
        data.update({"_save": "Save", "coaches": ["x"], "participants": ["x"]})
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert_no_server_error(http.post(add, data), f"POST {add}")
        first = model._default_manager.first()
        if first is not None:
            change = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]
            )
            assert_no_server_error(http.post(change, data), f"POST {change}")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "app_label=clients&model_name=client&field_name=organisation&term=x",
        "app_label=dossiers&model_name=trajectory&field_name=client&term=%00",
        "app_label=nope&model_name=x&field_name=y",
        "app_label=dossiers&model_name=trajectory&field_name=coach&term=a",
        "app_label=dossiers&model_name=trajectory&field_name=client&page=-3",
    ],
)
def test_autocomplete_survives_hand_made_queries(http, query):
    response = http.get(f"{reverse('admin:autocomplete')}?{query}")
    assert_no_server_error(response, query)


def test_hand_over_survives_malformed_coaches(owner_http):
    url = reverse("admin:clients_client_hand_over")
    response = owner_http.post(url, {"from_coach": "x", "to_coach": str(uuid.uuid4())})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_autocomplete_takes_the_term_in_the_body_with_csrf(coach, practice):
    # The pickers post what is typed, so a name never travels in a URL.
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(coach)
    page = http.get(reverse("admin:dossiers_trajectory_add"))
    assert 'data-ajax--type="POST"' in page.content.decode()
    token = page.cookies["csrftoken"].value
    url = reverse("admin:autocomplete")
    data = {
        "app_label": "dossiers",
        "model_name": "trajectory",
        "field_name": "client",
        "term": practice[0].last_name[:4],
    }
    refused = http.post(url, data)
    assert refused.status_code == 403  # no CSRF token, no answer
    answered = http.post(url, data, HTTP_X_CSRFTOKEN=token)
    assert answered.status_code == 200
    assert str(practice[0].pk) in [r["id"] for r in answered.json()["results"]]
