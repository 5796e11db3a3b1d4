"""The breach pages in the admin: who reaches what, which methods, how many queries.

Personas (refleact/testing/personas.py): the owner sees every breach and every
notice; the coach sees every breach (the clock runs for everyone) but only their
own clients' notices and selection rows; the outsider, another coach, sees none
of the coach's clients. Anonymous visitors and client logins go to the login.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from breaches.models import Notice, RiskAssessment, SelectionMember
from breaches.tests.conftest import assess_and_decide, ready_to_send, record
from refleact.testing.factories import ClientFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def clients(coach):
    people = [
        ClientFactory(first_name="Geertruida", last_name="Zwanenburg", coaches=[coach]),
        ClientFactory(first_name="Hylke", last_name="Osinga", coaches=[coach]),
    ]
    for person in people:
        TrajectoryFactory(client=person, coach=coach)
    return people


@pytest.fixture
def breach(owner, clients):
    return record(owner)  # after the clients: they are held at discovery


@pytest.fixture
def sent(owner, breach, clients):
    ready_to_send(breach, owner)
    return breach


def _url(name, *args):
    return reverse(f"admin:breaches_{name}", args=args)


def test_the_owner_sees_the_register_in_bounded_queries(
    owner_http, owner, django_assert_max_num_queries
):
    for _ in range(5):
        record(owner)
    with django_assert_max_num_queries(25):
        response = owner_http.get(_url("breach_changelist"))
    assert response.status_code == 200
    assert response.content.count(b"DL-") >= 5


def test_a_coach_sees_the_register_too(coach_http, breach):
    response = coach_http.get(_url("breach_change", breach.pk))
    assert response.status_code == 200
    assert _url("breach_pdf", breach.pk).encode() in response.content


@pytest.mark.parametrize("step", ["assess", "decide", "select", "release", "pdf"])
def test_anonymous_is_sent_to_the_login(client, breach, step):
    response = client.get(_url(f"breach_{step}", breach.pk))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_client_login_is_sent_to_the_login(client, breach):
    person = get_user_model().objects.create_user(username="client.x", password="x")
    client.force_login(person)
    for name in ("breach_changelist", "notice_changelist"):
        response = client.get(_url(name))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("step", ["assess", "decide", "select", "release", "close"])
def test_a_step_answers_get_and_post_only(owner_http, breach, step):
    response = owner_http.put(_url(f"breach_{step}", breach.pk))
    assert response.status_code == 405


def test_the_pdf_answers_get_only(owner_http, breach):
    assert owner_http.post(_url("breach_pdf", breach.pk)).status_code == 405


def test_an_unknown_breach_is_a_404(owner_http):
    url = _url("breach_assess", "00000000-0000-0000-0000-000000000000")
    assert owner_http.get(url).status_code == 404
    assert owner_http.get(_url("breach_pdf", "not-a-uuid")).status_code == 404


def test_assessing_through_the_page_adds_a_version(owner_http, breach):
    response = owner_http.post(
        _url("breach_assess", breach.pk),
        {
            "dpc": "2",
            "ei": "0.75",
            "cb_confidentiality": "0.5",
            "cb_integrity": "0",
            "cb_availability": "0",
            "cb_malicious": "0",
            "reasoning": "Namen en e-mailadressen, versleuteld.",
        },
    )
    assert response.status_code == 302
    assessment = RiskAssessment.objects.get(breach=breach)
    assert (assessment.version, str(assessment.score)) == (1, "2.00")


def test_bad_input_on_a_step_is_shown_not_saved(owner_http, breach):
    response = owner_http.post(_url("breach_assess", breach.pk), {"dpc": "9"})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not RiskAssessment.objects.exists()


def test_a_coach_may_not_decide(coach_http, breach, owner):
    assess_and_decide(breach, owner)  # an assessment exists; the coach tries anyway
    response = coach_http.post(
        _url("breach_decide", breach.pk),
        {
            "ap_decision": "notify",
            "clients_decision": "notify",
            "reasoning": "x",
        },
    )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.decided_by == owner


def test_the_coach_lists_their_clients_notices_in_bounded_queries(
    coach_http, sent, clients, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = coach_http.get(_url("notice_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == len(clients)


def test_the_outsider_sees_none_of_the_coachs_notices(outsider_http, sent):
    response = outsider_http.get(_url("notice_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    notice = Notice.objects.first()
    response = outsider_http.get(_url("notice_change", notice.pk))
    assert response.status_code in (302, 403, 404)
    assert b"Geertruida" not in response.content


def test_the_outsider_sees_none_of_the_selection(outsider_http, owner, breach, clients):
    from breaches import services

    assess_and_decide(breach, owner)
    services.selection_propose(breach=breach, actor=owner)
    response = outsider_http.get(_url("breach_select", breach.pk))
    assert response.status_code == 200
    assert response.context["members"] == []
    assert b"Zwanenburg" not in response.content


def test_the_owner_reviews_the_draft_selection(owner_http, owner, breach, clients):
    from breaches import services

    assess_and_decide(breach, owner)
    services.selection_propose(breach=breach, actor=owner)
    response = owner_http.get(_url("breach_select", breach.pk))
    assert response.status_code == 200
    assert response.context["member_count"] == len(clients)


def test_the_pdf_for_the_ap_has_every_section_and_no_client(owner_http, sent, clients):
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: bash scripts/setup installs poppler-utils")
    response = owner_http.get(_url("breach_pdf", sent.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for section in (
        "1. Ontdekking",
        "2. Aard",
        "3. Getroffen gegevens en personen",
        "4. Maatregelen vooraf",
        "5. Gevolgen",
        "6. Genomen en geplande maatregelen",
        "7. Risicobeoordelingen",
        "8. Beslissing",
        "9. De getroffenen zijn ingelicht",
        "10. Grensoverschrijdend",
        "11. Melder",
        "12. Meldingen bij de AP",
    ):
        assert section in text, section
    assert sent.reference in text
    for person in clients:
        for value in (person.first_name, person.last_name, person.email):
            assert value not in text
    assert SelectionMember.objects.count() == len(clients)
