"""Invitation, password links, login by e-mail, lockout, idle sessions, log out everywhere."""

from __future__ import annotations

import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from portal import services
from portal.models import PortalAccount, PortalToken
from portal.tests.conftest import PASSWORD, logged_in

pytestmark = pytest.mark.django_db(databases="__all__")

NEW_PASSWORD = "another quite long password 7"


def _link(message) -> str:
    return (
        re.search(r"http\S+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]
    )


def _invite(coach, client, capture):
    with capture(execute=True):
        return services.account_invite(actor=coach, client=client)


def test_invitation_mail_has_a_link_and_no_personal_data(
    coach, client_a, mailoutbox, django_capture_on_commit_callbacks
):
    account = _invite(coach, client_a, django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert message.to == [client_a.email]
    text = message.subject + message.body
    for value in (client_a.first_name, client_a.last_name, client_a.email):
        assert value not in text
    assert "/portal/uitnodiging/" in message.body
    # The login has a random handle; nothing derived from e-mail or name.
    username = account.user.username
    assert username.startswith("client-")
    assert client_a.email.split("@")[0] not in username
    assert client_a.first_name.lower() not in username
    # Only the digest is stored.
    token = _link(message).rstrip("/").rsplit("/", 1)[1]
    assert not PortalToken.objects.filter(digest=token).exists()
    assert token not in str(list(PortalToken.objects.values_list("digest", flat=True)))


def test_invitation_get_spends_nothing_and_post_spends_it_once(
    client, coach, client_a, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(coach, client_a, django_capture_on_commit_callbacks)
    path = "/" + _link(mailoutbox[0])
    # A mail scanner opens the link twice: nothing is spent.
    for _ in range(2):
        response = client.get(path, follow=True)
        assert response.status_code == 200
        assert b"password1" in response.content
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    account = PortalAccount.objects.get(client=client_a)
    assert account.activated_at is not None
    assert account.user.check_password(PASSWORD)
    # Used once: the same link now fails.
    other = type(client)()
    response = other.get(path, follow=True)
    assert response.status_code == 400
    assert b"password1" not in response.content


def test_only_the_newest_invitation_works(
    client, coach, client_a, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(coach, client_a, django_capture_on_commit_callbacks)
    _invite(coach, client_a, django_capture_on_commit_callbacks)
    old, new = ("/" + _link(m) for m in mailoutbox)
    assert client.get(old, follow=True).status_code == 400
    assert client.get(new, follow=True).status_code == 200


def test_invitation_expires(
    client, settings, coach, client_a, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PORTAL_INVITATION_HOURS = 72
    _invite(coach, client_a, django_capture_on_commit_callbacks)
    path = "/" + _link(mailoutbox[0])
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=71)):
        assert client.get(path, follow=True).status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=73)):
        assert type(client)().get(path, follow=True).status_code == 400


def test_weak_password_is_refused_with_a_message(
    client, coach, client_a, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(coach, client_a, django_capture_on_commit_callbacks)
    response = client.get("/" + _link(mailoutbox[0]), follow=True)
    response = client.post(
        response.redirect_chain[-1][0], {"password1": "short", "password2": "short"}
    )
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert PortalAccount.objects.get(client=client_a).activated_at is None


def test_login_by_email_and_password(client, account_a, client_a):
    response = client.post(
        reverse("portal:login"), {"email": client_a.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200


def test_login_page_does_not_tell_whether_an_address_is_a_clients(
    client, account_a, client_a
):
    wrong = client.post(
        reverse("portal:login"), {"email": client_a.email, "password": "wrong"}
    )
    unknown = type(client)().post(
        reverse("portal:login"), {"email": "nobody@example.nl", "password": "wrong"}
    )
    assert wrong.status_code == unknown.status_code == 200
    strip = lambda r: re.sub(rb'value="[^"]*"', b"", r.content)  # noqa: E731
    assert strip(wrong) == strip(unknown)


def test_staff_cannot_log_into_the_portal(client, coach):
    client.force_login(coach)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


def test_client_login_cannot_open_the_admin(http_a):
    response = http_a.get(reverse("admin:index"))
    assert response.status_code == 302


def test_lockout_after_five_failures(client, account_a, client_a):
    for _ in range(5):
        client.post(reverse("portal:login"), {"email": client_a.email, "password": "x"})
    response = client.post(
        reverse("portal:login"), {"email": client_a.email, "password": PASSWORD}
    )
    assert response.status_code in (403, 429)
    assert client.get(reverse("portal:home")).status_code == 302
    # axes stores the keyed digest of the typed address, never the address.
    stored = list(AccessAttempt.objects.values_list("username", flat=True))
    assert stored and all(s.startswith("h:") for s in stored)
    assert client_a.email not in str(stored)


def test_session_ends_after_inactivity(settings, http_a):
    settings.PORTAL_SESSION_IDLE_MINUTES = 30
    assert http_a.get(reverse("portal:home")).status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=29)):
        assert http_a.get(reverse("portal:home")).status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=61)):
        assert http_a.get(reverse("portal:home")).status_code == 302


def test_log_out_everywhere_ends_every_session(account_a):
    one, two = logged_in(account_a), logged_in(account_a)
    assert two.get(reverse("portal:home")).status_code == 200
    assert one.post(reverse("portal:logout_everywhere")).status_code == 302
    assert two.get(reverse("portal:home")).status_code == 302


def test_reset_link_sets_a_new_password(
    client, account_a, client_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:reset_request"), {"email": client_a.email}
        )
    assert response.status_code == 200
    (message,) = mailoutbox
    assert client_a.email not in message.body
    response = client.get("/" + _link(message), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    account_a.user.refresh_from_db()
    assert account_a.user.check_password(NEW_PASSWORD)


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:reset_request"), {"email": "nobody@example.nl"}
        )
    assert response.status_code == 200
    assert mailoutbox == []


@pytest.mark.parametrize("token", ["x", "a" * 200, "not a token!", "%00"])
def test_malformed_links_are_a_clear_page_not_a_500(client, db, token):
    response = client.get(f"/portal/uitnodiging/{token}/", follow=True)
    assert response.status_code in (400, 404)


def test_invitation_is_refused_for_an_active_account(coach, account_a, client_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.account_invite(actor=coach, client=client_a)
