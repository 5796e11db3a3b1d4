"""The demo's client login has something in every section; no client e-mail
carries personal data, rendered for every demo client."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from clients.models import Client
from portal import notices, selectors
from portal.models import PortalAccount
from portal.tests.conftest import logged_in

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def demo(db):
    from clients import demo as clients_demo
    from consent import demo as consent_demo
    from dossiers import demo as dossiers_demo
    from portal import demo as portal_demo
    from refleact.accounts import demo as accounts_demo

    out = io.StringIO()
    accounts_demo.build(stdout=out)
    for module in (clients_demo, dossiers_demo, consent_demo):
        module.build(stdout=out)
    return portal_demo.build(stdout=out), portal_demo


def test_demo_client_has_a_login_and_something_in_every_section(demo, client):
    logins, portal_demo = demo
    ((email, password),) = logins
    response = client.post(
        reverse("portal:login"), {"email": email, "password": password}
    )
    assert response.status_code == 302
    for name in (
        "dossier",
        "appointments",
        "evaluations",
        "quotes",
        "consents",
        "notices",
        "requests",
    ):
        page = client.get(reverse(f"portal:{name}")).content.decode()
        assert "entry" in page, name
    # An organisation's training they take part in, with an evaluation for them.
    account = PortalAccount.objects.get()
    assert selectors.trainings_for_participant(client=account.client).exists()
    assert account.client.training_evaluations.exists()
    # A second run changes nothing and prints no password.
    assert portal_demo.build(stdout=io.StringIO()) == []
    assert PortalAccount.objects.count() == 1


def test_every_client_email_holds_no_personal_value(demo):
    for client in Client.objects.all():
        personal = [
            v
            for v in (client.first_name, client.last_name, client.email, client.phone)
            if isinstance(v, str) and len(v) > 2
        ]
        for kind in notices.KINDS:
            for language in ("nl", "en"):
                message = notices.portal_email(
                    kind=kind, to=client.email, language=language, path="/portal/x/"
                )
                text = message.subject + "\n" + message.body
                for value in personal:
                    assert value.lower() not in text.lower(), (kind, language)
                assert "/portal/x/" in message.body


def test_demo_pages_of_every_section_render_for_the_client(demo):
    account = PortalAccount.objects.get()
    http = logged_in(account)
    for name in ("home", "data", "profile", "account"):
        assert http.get(reverse(f"portal:{name}")).status_code == 200
