"""After a coach's searches, no search term is stored anywhere (issue 9, point 2).

A coach logs in through the real form and searches for parts of a client's name,
e-mail, phone and organisation: through the client list (posted, and as a link
with ``?q=``), the autocomplete pickers and the trajectory list, and saves a
client from a searched list. Then every table of both databases is scanned raw
(SQLite's file image; ``pg_dump`` on PostgreSQL, as in
clients/tests/test_no_plaintext_at_rest.py), and every session is also decoded
(its data is signed, compressed base64: a raw scan alone would not see a term
in it). No term turns up.
"""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse

from clients.tests.test_no_plaintext_at_rest import database_image
from dossiers.models import Trajectory
from refleact.testing.factories import (
    ClientFactory,
    OrganisationFactory,
    TrajectoryFactory,
)
from refleact.testing.personas import make_user

# Parts of the client's details, as a coach would type them.
LIST_TERMS = ["Wolkenveld", "quirijntje.wolk", "06 8765 12"]
LINK_TERM = "Vlindervleug"
AUTOCOMPLETE_TERMS = {"client": "Quirijnt", "organisation": "vlinderv"}
TRAJECTORY_TERM = "wolkenvelder quir"
TERMS = [LIST_TERMS, [LINK_TERM], AUTOCOMPLETE_TERMS.values(), [TRAJECTORY_TERM]]


def forms_of(term: str) -> set[bytes]:
    """The ways a term could be stored: as typed, in other cases, URL-encoded."""
    found = set()
    for variant in {term, term.lower(), term.upper()}:
        found |= {
            variant.encode(),
            quote(variant).encode(),
            quote_plus(variant).encode(),
        }
        found.add(json.dumps(variant)[1:-1].encode())
    return found


def listed(response) -> list:
    return list(response.context["cl"].result_list)


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_no_search_term_is_stored_after_a_coachs_searches(client):
    coach = make_user("coach.quirijn", role="coach")
    organisation = OrganisationFactory(name="Zeefdrukkerij Vlindervleugel")
    quirijntje = ClientFactory(
        first_name="Quirijntje",
        last_name="Wolkenvelder",
        email="quirijntje.wolkenvelder@voorbeeld-geheim.nl",
        phone="+31687651234",
        organisation=organisation,
        coaches=[coach],
    )
    trajectory = TrajectoryFactory(client=quirijntje, coach=coach)
    TrajectoryFactory(
        kind=Trajectory.Kind.TRAINING,
        client=None,
        organisation=organisation,
        holder_id=organisation.holder_id,
        coach=coach,
    )
    login = client.post(
        reverse("admin:login"),
        {"username": "coach.quirijn", "password": "a-long-test-password"},
    )
    assert login.status_code == 302 and Session.objects.exists()

    clients_list = reverse("admin:clients_client_changelist")
    for term in LIST_TERMS:
        posted = client.post(reverse("admin:clients_client_search"), {"q": term})
        assert listed(client.get(posted["Location"])) == [quirijntje], term
    linked = client.get(clients_list, {"q": LINK_TERM}, follow=True)
    assert listed(linked) == [quirijntje]
    # Saving from the searched list: the redirect goes back to it.
    change = reverse("admin:clients_client_change", args=[quirijntje.pk])
    saved = client.post(
        change,
        {
            "kind": "contact",
            "organisation": organisation.pk,
            "first_name": "Quirijntje",
            "last_name": "Wolkenvelder",
            "email": quirijntje.email,
            "phone": "06 8765 1234",
            "language": "nl",
            "coaches": [coach.pk],
        },
    )
    assert saved.status_code == 302, saved.content[:500]
    for field, term in AUTOCOMPLETE_TERMS.items():
        answer = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "dossiers",
                "model_name": "trajectory",
                "field_name": field,
                "term": term,
            },
        )
        assert len(answer.json()["results"]) == 1, field
    posted = client.post(
        reverse("admin:dossiers_trajectory_search"), {"q": TRAJECTORY_TERM}
    )
    assert listed(client.get(posted["Location"])) == [trajectory]

    terms = [term for group in TERMS for term in group]
    images = {alias: database_image(alias) for alias in ("default", "keystore")}
    assert quirijntje.pk.hex.encode() in images["default"] or (
        str(quirijntje.pk).encode() in images["default"]
    )  # the scan sees what is really stored
    leaks = [
        (alias, term)
        for alias, image in images.items()
        for term in terms
        if any(form in image for form in forms_of(term))
    ]
    sessions = json.dumps(
        [SessionStore().decode(s.session_data) for s in Session.objects.all()],
        ensure_ascii=False,
    ).encode()
    assert b"_auth_user_id" in sessions  # the decoding works
    leaks += [
        ("django_session", term)
        for term in terms
        if any(form in sessions for form in forms_of(term))
    ]
    assert leaks == []
