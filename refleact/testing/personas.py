"""The three personas every test of client data uses, and their logged-in clients.

- owner: the practice owner (group 'owner'); sees and changes everything.
- coach: a coach (group 'coach'); sees only the clients they work with.
- outsider: another coach; must get 404 (or 403) on everything of coach's clients.

And for a client's portal account: portal_activate (password set, activated) and
portal_login (a test client logged in to the portal, its session started).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client as HttpClient
from django.utils import timezone

from refleact.accounts.models import User


def make_user(username: str, *, role: str) -> User:
    user = User.objects.create_user(
        username=username,
        password="a-long-test-password",  # noqa: S106
        is_staff=True,
        first_name=username.title(),
    )
    # get_or_create: transactional tests flush the groups the data migration made.
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def owner(db):
    return make_user("owner", role="owner")


@pytest.fixture
def coach(db):
    return make_user("coach", role="coach")


@pytest.fixture
def outsider(db):
    return make_user("outsider", role="coach")


def _logged_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def owner_http(owner):
    return _logged_in(owner)


@pytest.fixture
def coach_http(coach):
    return _logged_in(coach)


@pytest.fixture
def outsider_http(outsider):
    return _logged_in(outsider)


# -- a client's portal account ----------------------------------------------------
PORTAL_PASSWORD = "a long portal password 42"  # noqa: S105


def portal_activate(account, password: str = PORTAL_PASSWORD):
    """The invited account as its client leaves it: password set, activated."""
    account.user.set_password(password)
    account.user.save()
    account.activated_at = timezone.now()
    account.save()
    return account


def portal_login(account, **http_options) -> HttpClient:
    """A browser logged in to the portal as the account, its session started;
    http_options go to the test client (REMOTE_ADDR=...)."""
    from portal.access import session_start

    http = HttpClient(**http_options)
    http.force_login(account.user, backend="portal.backends.ClientEmailBackend")
    session = http.session

    class _Request:
        pass

    request = _Request()
    request.session = session
    session_start(request, account)
    session.save()
    return http
