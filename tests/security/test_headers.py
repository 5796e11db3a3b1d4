"""Headers and sessions: a CSP without 'unsafe-inline', frames denied, cookies
locked down, staff sessions ending after inactivity."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from tests.security.publicurls import public_urls

pytestmark = pytest.mark.django_db(databases="__all__")


def page_types(owner):
    """One URL of every kind of page: public, login, admin list, change, errors."""
    from refleact.testing.factories import ClientFactory

    client = ClientFactory()
    return {
        **{f"public {name}": url for name, url in public_urls()},
        "admin index": reverse("admin:index"),
        "admin list": reverse("admin:clients_client_changelist"),
        "admin change": reverse("admin:clients_client_change", args=[client.pk]),
        "not found": "/no-such-page/",
        "bad request": reverse("admin:dossiers_invoice_changelist")
        + "?number__regex=(",
    }


def assert_strict_csp(response, what: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part
    )
    assert directives, f"{what}: no CSP header"
    for name in ("script-src", "style-src"):
        assert name in directives, f"{what}: no {name}"
        assert "unsafe-inline" not in directives[name], f"{what}: {name}"
        assert "unsafe-eval" not in directives[name], f"{what}: {name}"
    assert directives.get("frame-ancestors") == "'none'", what
    assert directives.get("object-src") == "'none'", what


def test_every_page_type_carries_the_security_headers(owner):
    http = HttpClient()
    http.force_login(owner)
    for what, url in page_types(owner).items():
        response = http.get(url)
        assert_strict_csp(response, what)
        assert response.headers["X-Frame-Options"] == "DENY", what
        assert response.headers["Referrer-Policy"] == "same-origin", what
        assert response.headers["X-Content-Type-Options"] == "nosniff", what
        permissions = response.headers["Permissions-Policy"]
        assert "camera=()" in permissions and "geolocation=()" in permissions, what
        assert len(response.headers["X-Request-ID"]) == 32, what


def test_the_login_page_is_covered_anonymously():
    response = HttpClient().get(reverse("admin:login"))
    assert response.status_code == 200
    assert_strict_csp(response, "login")


def test_cookies_are_secure_httponly_and_same_site(settings, coach):
    # settings_test keeps debug off, as production: the Secure flag is on.
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    http = HttpClient()
    response = http.post(
        reverse("admin:login"),
        {"username": "coach", "password": "a-long-test-password"},  # noqa: S106
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    page = HttpClient().get(reverse("admin:login"))
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


def test_hsts_is_on_without_debug(settings):
    assert not settings.DEBUG
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    assert settings.SECURE_HSTS_INCLUDE_SUBDOMAINS


def test_a_staff_session_ends_after_an_hour_without_requests(settings, coach):
    settings.STAFF_SESSION_IDLE_MINUTES = 60
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        http = HttpClient()
        http.force_login(coach)
        assert http.get(reverse("admin:index")).status_code == 200
        clock.shift(datetime.timedelta(minutes=59))
        assert http.get(reverse("admin:index")).status_code == 200
        clock.shift(datetime.timedelta(minutes=61))
        response = http.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_the_admin_url_is_a_setting():
    from django.conf import settings

    assert reverse("admin:index") == "/" + settings.ADMIN_URL
