"""django-axes through the real admin login form: lockout, digest, release."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from refleact.accounts.lockout import login_name_digest
from refleact.accounts.models import User
from refleact.audit.models import AuditEvent
from refleact.localenv import new_key
from refleact.testing.factories import ClientFactory
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(databases="__all__")

LOGIN = reverse("admin:login")
ATTEMPTS = reverse("admin:axes_accessattempt_changelist")
LOGIN_RECORD_PAGES = [
    ATTEMPTS,
    reverse("admin:axes_accesslog_changelist"),
    reverse("admin:axes_accessfailurelog_changelist"),
]
PROXY = "10.0.0.1"


def _login(client, username: str, password: str, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def _fail_five_times(client, username: str, **extra) -> list[int]:
    return [
        _login(client, username, "wrong password", **extra).status_code
        for _ in range(5)
    ]


@pytest.fixture
def axes_log_lines():
    """Every line axes logs (at every level) and every line the root logger gets."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.DEBUG)
    # axes does not propagate (settings.LOGGING): listen on it directly.
    axes_logger, root = logging.getLogger("axes"), logging.getLogger()
    axes_level = axes_logger.level
    axes_logger.setLevel(logging.DEBUG)
    axes_logger.addHandler(handler)
    root.addHandler(handler)
    yield records
    root.removeHandler(handler)
    axes_logger.removeHandler(handler)
    axes_logger.setLevel(axes_level)


def test_five_failures_lock_the_pair_even_against_the_right_password(
    client, staff_coach
):
    statuses = _fail_five_times(client, staff_coach.username)

    sixth = _login(client, staff_coach.username, PASSWORD)

    assert statuses == [200, 200, 200, 200, 429]
    assert sixth.status_code == 429
    assert "accounts/lockout.html" in [t.name for t in sixth.templates]
    # The page speaks the default language (Dutch), whether or not it is compiled.
    with translation.override("nl"):
        heading = gettext("Account temporarily locked")
    assert heading in sixth.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_ends_after_one_hour(client, staff_coach):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail_five_times(client, staff_coach.username)
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert _login(client, staff_coach.username, PASSWORD).status_code == 429
    # The attempt during the lockout restarted the hour.
    with time_machine.travel(start + timedelta(minutes=59 + 61), tick=False):
        assert _login(client, staff_coach.username, PASSWORD).status_code == 302


def test_lockout_is_per_username_and_address(client, staff_coach, superuser_owner):
    _fail_five_times(client, staff_coach.username)

    # Same name from another address, and another name from the same address.
    other_address = _login(
        client, staff_coach.username, PASSWORD, REMOTE_ADDR="203.0.113.7"
    )
    client.logout()
    other_name = _login(client, superuser_owner.username, PASSWORD)

    assert other_address.status_code == 302
    assert other_name.status_code == 302


def test_attempt_row_stores_a_keyed_digest_never_the_typed_name(client, staff_coach):
    typed = "Coach.Tess@Example.NL"
    _fail_five_times(client, typed)

    attempt = AccessAttempt.objects.get()

    assert attempt.username == login_name_digest(None, {"username": typed})
    assert attempt.username.startswith("h:")
    stored = " ".join([attempt.username, attempt.get_data, attempt.post_data]).lower()
    assert "tess" not in stored and "example" not in stored
    assert "wrong password" not in stored


def test_digest_is_keyed_and_ignores_case_and_spaces(settings):
    digest = login_name_digest(None, {"username": " Coach.Tess "})
    assert digest == login_name_digest(None, {"username": "coach.tess"})

    settings.BLIND_INDEX_KEY = new_key()

    assert login_name_digest(None, {"username": "coach.tess"}) != digest


def test_successful_login_logs_the_digest_and_clears_failures(client, staff_coach):
    _login(client, staff_coach.username, "wrong password")

    response = _login(client, staff_coach.username, PASSWORD)

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    log = AccessLog.objects.get()
    assert log.username == login_name_digest(None, {"username": staff_coach.username})
    client.post(reverse("admin:logout"))
    log.refresh_from_db()
    assert log.logout_time is not None


def test_axes_logs_never_name_the_typed_login(client, staff_coach, axes_log_lines):
    _fail_five_times(client, staff_coach.username)
    _login(client, staff_coach.username, PASSWORD)

    messages = [record.getMessage() for record in axes_log_lines]

    assert any("Locking out" in message for message in messages)
    assert not any("tess" in message.lower() for message in messages)


def test_owner_sees_lockouts_as_digests_and_releases_them(
    client, staff_coach, superuser_owner
):
    _fail_five_times(client, staff_coach.username)
    attempt = AccessAttempt.objects.get()
    client.force_login(superuser_owner)

    changelist = client.get(ATTEMPTS)
    released = client.post(
        ATTEMPTS,
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert changelist.status_code == 200
    assert attempt.username in changelist.content.decode()
    assert released.status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert _login(client, staff_coach.username, PASSWORD).status_code == 302


def test_owner_group_member_may_release_lockouts(client, staff_coach, group_owner):
    _fail_five_times(client, staff_coach.username)
    attempt = AccessAttempt.objects.get()
    client.force_login(group_owner)

    assert client.get(ATTEMPTS).status_code == 200
    client.post(
        ATTEMPTS,
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert not AccessAttempt.objects.exists()


def test_coach_can_neither_see_nor_release_lockouts(
    client, staff_coach, superuser_owner
):
    _fail_five_times(client, superuser_owner.username)
    attempt = AccessAttempt.objects.get()
    client.force_login(staff_coach)

    listing = client.get(ATTEMPTS)
    release = client.post(
        ATTEMPTS,
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    delete_view = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert listing.status_code == 403
    assert release.status_code == 403
    assert delete_view.status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


# -- behind a TLS proxy: the client's address, not the proxy's ------------------------


def _via_proxy(forwarded_for: str, *, remote: str = PROXY) -> HttpClient:
    """A browser whose requests reach Django through the proxy at remote."""
    return HttpClient(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_behind_a_trusted_proxy_one_clients_failures_lock_out_only_that_client(
    settings, staff_coach
):
    settings.TRUSTED_PROXIES = (PROXY,)
    attacker = _via_proxy("198.51.100.66")

    statuses = _fail_five_times(attacker, staff_coach.username)
    coach_elsewhere = _login(_via_proxy("203.0.113.5"), staff_coach.username, PASSWORD)

    assert statuses[-1] == 429
    assert coach_elsewhere.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.66"


def test_lockouts_and_the_access_log_record_the_same_forwarded_address(
    settings, staff_coach
):
    settings.TRUSTED_PROXIES = ("10.0.0.0/24",)
    client = ClientFactory(coaches=[staff_coach])
    # The client's browser put a forged address first; two proxies added theirs.
    browser = _via_proxy("192.0.2.99, 203.0.113.5, 10.0.0.2")

    _login(browser, staff_coach.username, PASSWORD)
    browser.get(reverse("admin:clients_client_change", args=[client.pk]))

    assert AccessLog.objects.get().ip_address == "203.0.113.5"
    assert AuditEvent.objects.filter(action="view").exists()
    assert set(AuditEvent.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.5"
    }


@pytest.mark.parametrize(
    ("trusted", "remote"),
    [
        ((), PROXY),  # no trusted proxy configured
        ((PROXY,), "198.51.100.66"),  # the header comes straight from a client
    ],
)
def test_x_forwarded_for_is_ignored_unless_a_trusted_proxy_sent_it(
    settings, staff_coach, trusted, remote
):
    settings.TRUSTED_PROXIES = trusted
    # A new forged address each time must not dodge the lockout.
    statuses = [
        _login(
            _via_proxy(f"192.0.2.{n}", remote=remote),
            staff_coach.username,
            "wrong password",
        ).status_code
        for n in range(5)
    ]

    assert statuses == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get().ip_address == remote


# -- whose lockout: the account beside the digest -----------------------------------


def _records(username: str) -> None:
    common = {"username": username, "ip_address": "192.0.2.1", "user_agent": "t"}
    AccessAttempt.objects.create(
        **common, get_data="", post_data="", failures_since_start=5
    )
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common)


def _digest(name: str) -> str:
    return login_name_digest(None, {"username": name})


@pytest.mark.parametrize("page", LOGIN_RECORD_PAGES)
def test_owner_sees_the_account_each_login_record_belongs_to(
    client, superuser_owner, staff_coach, page
):
    _records(_digest(" Coach.TESS "))  # as typed: the same login name
    _records(_digest("olga@gissing.example"))  # no account has this name
    client.force_login(superuser_owner)

    with translation.override("nl"):
        content = client.get(page, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        no_account = gettext("no account")

    user_page = reverse("admin:accounts_user_change", args=[staff_coach.pk])
    assert f'<a href="{user_page}">coach.tess</a>' in content
    assert content.count(f"<em>{no_account}</em>") == 1
    assert "gissing" not in content
    assert _digest("coach.tess") in content  # the digest stays beside it


def test_a_lockouts_own_page_names_its_account(client, group_owner, staff_coach):
    _fail_five_times(client, staff_coach.username)
    attempt = AccessAttempt.objects.get()
    client.force_login(group_owner)

    page = client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))

    assert page.status_code == 200
    assert ">coach.tess</a>" in page.content.decode()


def test_naming_accounts_costs_the_same_queries_for_any_number_of_records(
    client, superuser_owner
):
    client.force_login(superuser_owner)
    accounts = [
        User.objects.create_user(username=f"coach.{n}", is_staff=True) for n in range(4)
    ]
    _records(_digest(accounts[0].username))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(ATTEMPTS).status_code == 200
        return len(captured)

    one = queries()
    for account in accounts[1:]:
        _records(_digest(account.username))

    assert queries() == one


@pytest.mark.parametrize("page", LOGIN_RECORD_PAGES)
def test_coach_sees_no_login_records(client, staff_coach, page):
    _records(_digest(staff_coach.username))
    client.force_login(staff_coach)

    assert client.get(page).status_code == 403
