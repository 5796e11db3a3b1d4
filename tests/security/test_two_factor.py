"""Staff reach the admin only with a second factor (STAFF_TWO_FACTOR_REQUIRED)."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from refleact.audit.models import AuditEvent
from refleact.testing.personas import make_user
from refleact.twofactor.models import RecoveryCode

pytestmark = pytest.mark.django_db(databases="__all__")
PASSWORD = "a-long-test-password"  # noqa: S105 (make_user's)


@pytest.fixture(autouse=True)
def _required(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True


def password_login(username: str) -> HttpClient:
    http = HttpClient()
    response = http.post(
        reverse("admin:login"),
        {"username": username, "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302, response.status_code
    return http


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(http: HttpClient, user) -> tuple[TOTPDevice, list[str]]:
    page = http.get(reverse("admin:twofactor_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = http.post(
        reverse("admin:twofactor_setup"), {"token": current_code(device)}
    )
    assert response.status_code == 200
    codes = re.findall(
        r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode()
    )
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def test_password_alone_does_not_open_the_admin(coach):
    http = password_login("coach")
    response = http.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:twofactor_verify"))
    # Without a device the verify page sends the coach to enrol.
    response = http.get(response.url)
    assert response.url.startswith(reverse("admin:twofactor_setup"))
    assert http.get(reverse("admin:clients_client_changelist")).status_code == 302


def test_enrolment_then_a_code_opens_the_admin(coach):
    http = password_login("coach")
    enrol(http, coach)
    assert http.get(reverse("admin:index")).status_code == 200


def test_a_later_login_asks_for_the_code_and_a_recovery_code_works_once(coach):
    device, codes = enrol(password_login("coach"), coach)
    assert not RecoveryCode.objects.filter(digest__in=codes).exists()  # hashed

    http = password_login("coach")
    assert http.get(reverse("admin:index")).status_code == 302
    # Someone with the password alone cannot enrol a new app instead.
    assert http.get(reverse("admin:twofactor_setup")).status_code == 302
    response = http.post(reverse("admin:twofactor_verify"), {"token": codes[0]})
    assert response.status_code == 302
    assert http.get(reverse("admin:index")).status_code == 200

    again = password_login("coach")
    response = again.post(reverse("admin:twofactor_verify"), {"token": codes[0]})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert again.get(reverse("admin:index")).status_code == 302


def test_wrong_codes_lock_the_login_out(coach):
    enrol(password_login("coach"), coach)
    http = password_login("coach")
    statuses = [
        http.post(reverse("admin:twofactor_verify"), {"token": "000000"}).status_code
        for _ in range(5)
    ]
    assert statuses[-1] in (403, 429), statuses
    assert AccessAttempt.objects.filter(failures_since_start__gte=5).exists()
    # Locked: even the right password is refused now.
    response = HttpClient().post(
        reverse("admin:login"), {"username": "coach", "password": PASSWORD}
    )
    assert response.status_code in (403, 429)


def test_owner_resets_a_coachs_second_factor_with_an_audit_row(coach, owner):
    enrol(password_login("coach"), coach)
    http = password_login("owner")
    enrol(http, owner)
    response = http.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [coach.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coach).exists()
    assert AuditEvent.objects.filter(
        actor=owner, model="accounts.user", object_id=str(coach.pk), action="change"
    ).exists()


def test_a_coach_cannot_reset_anyones_second_factor(coach, outsider):
    http = password_login("coach")
    enrol(http, coach)
    enrol(password_login("outsider"), outsider)
    http.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [outsider.pk]},
    )
    assert TOTPDevice.objects.filter(user=outsider, confirmed=True).exists()


def test_the_owner_never_sees_an_apps_secret(owner):
    http = password_login("owner")
    enrol(http, owner)
    device = TOTPDevice.objects.get(user=owner)
    page = http.get(reverse("admin:index")).content.decode()
    assert "otp_totp" not in page
    assert device.key not in page


def test_off_in_the_demo_setting(settings, coach):
    settings.STAFF_TWO_FACTOR_REQUIRED = False
    http = password_login("coach")
    assert http.get(reverse("admin:index")).status_code == 200


def test_unverified_staff_can_log_out(coach):
    make_user("extra", role="coach")
    http = password_login("coach")
    response = http.post(reverse("admin:logout"))
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in http.session
