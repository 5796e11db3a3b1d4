"""Search that a coach expects (issue 9, point 2), through the admin.

Any part of a first or last name, e-mail, phone or organisation name finds the
client, case- and accent-insensitive, within the access rule; above
SEARCH_OPEN_ROWS_MAX only the blind indexes' exact lookups run, and the page says
so. The term is posted, kept in a sealed cookie of the list's own, and never
appears in a URL the app builds.
"""

from __future__ import annotations

import re

import pytest
from django.db import connections
from django.urls import reverse

from clients.models import Client
from refleact.crypto import keyring
from refleact.keystore.models import Tombstone
from refleact.testing.factories import ClientFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(databases="__all__")

LIST = reverse("admin:clients_client_changelist")
SEARCH = reverse("admin:clients_client_search")
ORGANISATIONS = reverse("admin:clients_organisation_changelist")
COOKIE = "refleact_search_clients_client"


def search(http, term, url=SEARCH, **fields):
    """Post term to a list's search and return the list page it leads to."""
    posted = http.post(url, {"q": term, **fields})
    assert posted.status_code == 302
    return http.get(posted["Location"])


def shown(response) -> list:
    return list(response.context["cl"].result_list)


@pytest.fixture
def jose(coach):
    organisation = OrganisationFactory(name="Zorggroep Noorderlicht")
    return ClientFactory(
        first_name="José",
        last_name="Timmermans",
        email="jose.timmermans@hoogland.nl",
        phone="+31612345678",
        organisation=organisation,
        coaches=[coach],
    )


@pytest.fixture
def bas(coach):
    return ClientFactory(
        first_name="Bas",
        last_name="Koning",
        email="bas@koning.example",
        phone="+31207654321",
        coaches=[coach],
    )


@pytest.mark.parametrize(
    "term",
    [
        "Timm",  # the start of the last name
        "mmerm",  # the middle of it
        "jose",  # without the accent
        "JOSÉ",  # in capitals, with it
        "timm jos",  # parts of both names, in any order
        "jose.timm",  # part of the e-mail
        "@hoogland",
        "06 1234",  # the phone as typed in the Netherlands
        "+316 1234",  # and internationally
        "0031 6 12",
        "345678",  # a part from the middle
        "noorderl",  # part of the organisation's name
        "zorggroep jose",
    ],
)
def test_any_part_finds_the_client(coach_http, jose, bas, term):
    assert shown(search(coach_http, term)) == [jose]


@pytest.mark.parametrize("term", ["Timmermanns", "jose koning", "06 9999", "Éjose"])
def test_what_is_not_there_finds_nothing(coach_http, jose, bas, term):
    assert shown(search(coach_http, term)) == []


def test_search_stays_within_the_coachs_clients(coach_http, owner_http, outsider, jose):
    theirs = ClientFactory(
        first_name="Josefien", last_name="Timmer", coaches=[outsider]
    )
    assert shown(search(coach_http, "timm")) == [jose]
    assert set(shown(search(owner_http, "timm"))) == {jose, theirs}


def test_erased_and_damaged_values_match_nothing(coach, coach_http, jose):
    erased = ClientFactory(coaches=[coach])
    keyring.destroy(erased.holder_id, reason=Tombstone.Reason.TEST)
    keyring.clear_cache()
    for term in ("erased", "gewist", "opened", "geopend"):
        assert shown(search(coach_http, term)) == []


def test_above_the_cap_only_exact_lookups_run_and_the_page_says_so(
    settings, coach_http, jose, bas
):
    settings.SEARCH_OPEN_ROWS_MAX = 1
    partial = search(coach_http, "Timm")
    assert shown(partial) == []
    notes = [str(m) for m in partial.context["messages"]]
    assert len(notes) == 1 and "1" in notes[0]
    assert shown(search(coach_http, "timmermans")) == [jose]  # a whole word
    assert shown(search(coach_http, "JOSE.Timmermans@hoogland.nl")) == [jose]


def test_a_filter_narrows_the_rows_a_search_opens(settings, owner_http, coach, jose):
    settings.SEARCH_OPEN_ROWS_MAX = 1
    ClientFactory(first_name="Timo", coaches=[])  # nobody's: the owner sees it
    page = search(owner_http, "Timm", coach=str(coach.pk))
    assert shown(page) == [jose]
    assert list(page.context["messages"]) == []


def test_the_cost_of_a_search_is_bounded(
    coach, coach_http, django_assert_max_num_queries
):
    organisation = OrganisationFactory(name="Zorggroep Noorderlicht")
    for n in range(40):
        ClientFactory(
            last_name=f"Timmer{n}", organisation=organisation, coaches=[coach]
        )
    posted = coach_http.post(SEARCH, {"q": "timmer"})
    keyring.clear_cache()
    # One key-store query loads the data keys of every candidate (and of their
    # organisations) at once, and the page's rows then open from the cache; the
    # other loads the practice key (the user's own name in the page header).
    with django_assert_max_num_queries(2, connection=connections["keystore"]):
        # The search: a count, then the candidates; the rest is the list page.
        with django_assert_max_num_queries(12):
            page = coach_http.get(posted["Location"])
    assert len(shown(page)) == 40


def test_the_term_stays_out_of_every_url(coach_http, coach, jose):
    posted = coach_http.post(SEARCH, {"q": "Timmermans", "kind__exact": "private"})
    assert posted["Location"] == f"{LIST}?kind__exact=private"
    page = coach_http.get(posted["Location"])
    assert shown(page) == [jose]
    html = page.content.decode()
    urls = re.findall(r'(?:href|action)="([^"]*)"', html)
    assert urls and not [u for u in urls if "timm" in u.lower() or "q=" in u]
    # Django's search form is a GET form: this one posts.
    assert 'method="post" action="' + SEARCH in html
    # The change link carries the filters without the term; so does the
    # redirect after saving.
    change = reverse("admin:clients_client_change", args=[jose.pk])
    saved = coach_http.post(
        f"{change}?_changelist_filters=kind__exact%3Dprivate%26q%3DTimmermans",
        {
            "kind": "private",
            "organisation": jose.organisation_id,
            "first_name": "José",
            "last_name": "Timmermans",
            "email": jose.email,
            "phone": jose.phone,
            "language": "nl",
            "coaches": [coach.pk],
        },
    )
    assert saved.status_code == 302
    assert saved["Location"] == f"{LIST}?kind__exact=private"
    # Back on the list, the search still holds: it is in the cookie.
    assert shown(coach_http.get(saved["Location"])) == [jose]


def test_a_term_in_a_link_moves_into_the_cookie(coach_http, jose, bas):
    response = coach_http.get(LIST, {"q": "Timm", "kind__exact": "private"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?kind__exact=private"
    assert shown(coach_http.get(response["Location"])) == [jose]


def test_the_cookie_is_sealed_scoped_and_of_this_login_only(coach, jose, bas):
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(coach)
    posted = http.post(SEARCH, {"q": "Timmermans"})
    cookie = posted.cookies[COOKIE]
    assert "timmermans" not in cookie.value.lower()
    assert cookie["httponly"] and cookie["path"] == LIST and not cookie["max-age"]
    assert shown(http.get(LIST)) == [jose]
    # A new login: the old cookie no longer opens, and is dropped.
    stolen = cookie.value
    http.logout()
    http.force_login(coach)
    http.cookies[COOKIE] = stolen
    again = http.get(LIST)
    assert len(shown(again)) == 2
    assert again.cookies[COOKIE].value == ""


def test_a_damaged_cookie_is_ignored(coach_http, jose, bas):
    coach_http.cookies[COOKIE] = "not-a-sealed-value"
    response = coach_http.get(LIST)
    assert response.status_code == 200 and len(shown(response)) == 2


def test_clearing_the_search_shows_every_client_again(coach_http, jose, bas):
    assert shown(search(coach_http, "Timm")) == [jose]
    assert len(shown(search(coach_http, "Timm", _clear="1"))) == 2
    assert shown(search(coach_http, "Timm")) == [jose]
    assert len(shown(search(coach_http, "  "))) == 2  # an empty term clears too


def test_a_too_long_term_is_refused_with_a_message(coach_http, jose, bas):
    posted = coach_http.post(SEARCH, {"q": "x" * 101})
    assert posted.status_code == 302 and COOKIE not in posted.cookies
    page = coach_http.get(posted["Location"])
    assert len(shown(page)) == 2
    assert "100" in str(list(page.context["messages"])[0])


def test_the_search_view_takes_only_a_post_from_the_practice(client, coach_http):
    assert coach_http.get(SEARCH).status_code == 405
    anonymous = client.post(SEARCH, {"q": "Timm"})
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert "Timm" not in anonymous["Location"]


def test_organisations_are_found_by_any_part_of_their_name(owner_http):
    wanted = OrganisationFactory(name="Kwekerij De Groene Hoek")
    OrganisationFactory(name="Bakkerij Van Dam")
    url = reverse("admin:clients_organisation_search")
    assert shown(search(owner_http, "groen", url=url)) == [wanted]
    assert shown(search(owner_http, "KWEK hoek", url=url)) == [wanted]


def test_autocomplete_finds_a_part_of_a_name_within_the_access_rule(
    coach_http, outsider, jose
):
    ClientFactory(first_name="Josefien", last_name="Timmer", coaches=[outsider])
    answer = coach_http.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "dossiers",
            "model_name": "trajectory",
            "field_name": "client",
            "term": "timm",
        },
    )
    assert answer.status_code == 200
    assert [r["id"] for r in answer.json()["results"]] == [str(jose.pk)]


def test_organisation_autocomplete_finds_a_part_of_the_name(owner_http):
    wanted = OrganisationFactory(name="Kwekerij De Groene Hoek")
    OrganisationFactory(name="Bakkerij Van Dam")
    answer = owner_http.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "clients",
            "model_name": "client",
            "field_name": "organisation",
            "term": "groen",
        },
    )
    assert [r["id"] for r in answer.json()["results"]] == [str(wanted.pk)]


def test_no_client_is_found_by_what_only_another_row_holds(coach_http, coach):
    # Guards the candidate loop: each row is matched on its own values.
    ClientFactory(first_name="Anna", last_name="Smit", coaches=[coach])
    ClientFactory(first_name="Timo", last_name="Bakker", coaches=[coach])
    assert shown(search(coach_http, "anna bakker")) == []
    assert Client.objects.count() == 2
