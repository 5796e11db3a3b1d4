"""Portal personas: a client with an account (who logs in), and another client.

- client_a: has a portal account and a coaching trajectory with every kind of row;
  the one logged in.
- client_b: another client of the same coach and organisation; everything of
  theirs must be a 404 for client_a.
"""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from portal import services
from portal.access import session_start
from refleact.testing.factories import ClientFactory, OrganisationFactory

PASSWORD = "a long portal password 42"


def activate(account, password: str = PASSWORD):
    account.user.set_password(password)
    account.user.save()
    account.activated_at = timezone.now()
    account.save()
    return account


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def client_a(coach, organisation):
    client = ClientFactory(
        email="anna.a@example.nl", organisation=organisation, kind="contact"
    )
    client.coaches.add(coach)
    return client


@pytest.fixture
def client_b(coach, organisation):
    client = ClientFactory(
        email="bert.b@example.nl", organisation=organisation, kind="contact"
    )
    client.coaches.add(coach)
    return client


@pytest.fixture
def account_a(client_a, coach, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = services.account_invite(actor=coach, client=client_a)
    mailoutbox.clear()
    return activate(account)


@pytest.fixture
def account_b(client_b, coach, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = services.account_invite(actor=coach, client=client_b)
    return activate(account)


def logged_in(account) -> HttpClient:
    http = HttpClient()
    http.force_login(account.user, backend="portal.backends.ClientEmailBackend")
    session = http.session

    class _Request:
        pass

    request = _Request()
    request.session = session
    session_start(request, account)
    session.save()
    return http


@pytest.fixture
def http_a(account_a):
    return logged_in(account_a)


@pytest.fixture
def http_b(account_b):
    return logged_in(account_b)
