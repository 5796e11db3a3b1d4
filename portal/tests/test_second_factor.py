"""A client's optional second factor: turning it on, the code at login, throttling,
recovery codes, turning it off, log out everywhere, erasure, sealing at rest."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.oath import totp

from portal import secondfactor
from portal.models import ClientRecoveryCode, ClientTOTPDevice
from portal.tests.conftest import PASSWORD, logged_in
from refleact.audit.models import AuditEvent
from refleact.erasure.registry import Erasure, Rule, covered_models
from refleact.erasure.services import holder_erase

pytestmark = pytest.mark.django_db(databases="__all__")

# On a 30-second step boundary, so "the next step" is a known shift.
START = dt.datetime(2026, 12, 1, 10, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code(device: ClientTOTPDevice) -> str:
    return f"{totp(bytes.fromhex(device.key), step=30, t0=0, digits=6):06d}"


def wrong(device: ClientTOTPDevice) -> str:
    return f"{(int(code(device)) + 1) % 1_000_000:06d}"


def enable(account, clock) -> tuple[ClientTOTPDevice, list[str]]:
    """Turn the second factor on through the service; the next step is free."""
    device = secondfactor.totp_enrol_start(account=account)
    codes = secondfactor.totp_enrol_confirm(account=account, token=code(device))
    assert codes is not None
    clock.shift(30)
    device.refresh_from_db()
    return device, codes


def password_step(client_a, next_url: str = "") -> HttpClient:
    http = HttpClient()
    data = {"email": client_a.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = http.post(reverse("portal:login"), data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login_code"))
    return http


def test_turning_it_on_refuses_a_wrong_code_and_takes_the_right_one(clock, account_a):
    http, other = logged_in(account_a), logged_in(account_a)
    page = http.get(reverse("portal:second_factor_setup"))
    assert page.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in page.content
    device = ClientTOTPDevice.objects.get(user=account_a.user, confirmed=False)
    assert secondfactor.manual_key(device).encode() in page.content

    refused = http.post(reverse("portal:second_factor_setup"), {"token": wrong(device)})
    assert refused.status_code == 200
    assert b"errorlist" in refused.content
    assert not secondfactor.is_enabled(account=account_a)

    clock.shift(5)  # past django-otp's throttle of the wrong code
    done = http.post(reverse("portal:second_factor_setup"), {"token": code(device)})
    assert done.status_code == 200
    assert secondfactor.is_enabled(account=account_a)
    shown = re.findall(rb"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.content)
    assert len(shown) == secondfactor.RECOVERY_CODE_COUNT
    stored = set(ClientRecoveryCode.objects.values_list("digest", flat=True))
    assert not {c.decode() for c in shown} & stored  # digests only
    # This session goes on; sessions made without the second factor end.
    assert http.get(reverse("portal:account")).status_code == 200
    assert other.get(reverse("portal:home")).status_code == 302
    assert AuditEvent.objects.filter(
        object_id=str(account_a.pk), action=AuditEvent.Action.CHANGE
    ).exists()
    assert http.get(reverse("portal:second_factor_setup")).status_code == 302


def test_login_asks_for_the_code_before_the_session_is_a_portal_one(
    clock, account_a, client_a
):
    device, _codes = enable(account_a, clock)
    http = password_step(client_a, next_url=reverse("portal:dossier"))
    home = http.get(reverse("portal:home"))
    assert home.status_code == 302 and home.url.startswith(reverse("portal:login"))
    assert http.get(reverse("portal:login_code")).status_code == 200
    response = http.post(
        reverse("portal:login_code"),
        {"token": code(device), "next": reverse("portal:dossier")},
    )
    assert response.status_code == 302
    assert response.url == reverse("portal:dossier")
    assert http.get(reverse("portal:home")).status_code == 200
    # The code page without a pending login sends to the login.
    anonymous = HttpClient().get(reverse("portal:login_code"))
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("portal:login"))


def test_wrong_codes_are_refused_and_throttled(clock, account_a, client_a):
    device, _codes = enable(account_a, clock)
    http = password_step(client_a)
    refused = http.post(reverse("portal:login_code"), {"token": wrong(device)})
    assert refused.status_code == 200 and b"errorlist" in refused.content
    # Right away, even the right code is refused: the device is throttled.
    throttled = http.post(reverse("portal:login_code"), {"token": code(device)})
    assert throttled.status_code == 200
    assert http.get(reverse("portal:home")).status_code == 302
    clock.shift(10)
    assert (
        http.post(reverse("portal:login_code"), {"token": code(device)}).status_code
        == 302
    )
    assert http.get(reverse("portal:home")).status_code == 200


def test_five_wrong_codes_lock_the_login_out(clock, account_a, client_a):
    device, _codes = enable(account_a, clock)
    http = password_step(client_a)
    statuses = []
    for _ in range(5):
        clock.shift(60)
        response = http.post(reverse("portal:login_code"), {"token": wrong(device)})
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 200, 429]
    assert http.get(reverse("portal:home")).status_code == 302
    # The password alone starts a new login; its code step stays locked.
    clock.shift(60)
    again = password_step(client_a)
    response = again.post(reverse("portal:login_code"), {"token": code(device)})
    assert response.status_code == 429
    assert again.get(reverse("portal:home")).status_code == 302
    stored = list(AccessAttempt.objects.values_list("username", flat=True))
    assert stored and all(s.startswith("h:") for s in stored)
    assert client_a.email not in str(stored)


def test_a_recovery_code_works_once(clock, account_a, client_a):
    _device, codes = enable(account_a, clock)
    http = password_step(client_a)
    response = http.post(reverse("portal:login_code"), {"token": codes[0].upper()})
    assert response.status_code == 302
    assert http.get(reverse("portal:home")).status_code == 200

    again = password_step(client_a)
    refused = again.post(reverse("portal:login_code"), {"token": codes[0]})
    assert refused.status_code == 200 and b"errorlist" in refused.content
    clock.shift(10)
    assert (
        again.post(reverse("portal:login_code"), {"token": codes[1]}).status_code == 302
    )


def test_turning_it_off_needs_a_valid_code_or_the_password(clock, account_a, client_a):
    device, _codes = enable(account_a, clock)
    http = logged_in(account_a)
    off = reverse("portal:second_factor_off")
    assert http.get(off).status_code == 200
    assert http.post(off, {}).status_code == 200  # neither: a form error
    refused = http.post(off, {"token": wrong(device)})
    assert refused.status_code == 200 and b"errorlist" in refused.content
    refused = http.post(off, {"password": "not the password"})
    assert refused.status_code == 200 and b"errorlist" in refused.content
    assert secondfactor.is_enabled(account=account_a)

    assert http.post(off, {"password": PASSWORD}).status_code == 302
    assert not ClientTOTPDevice.objects.filter(user=account_a.user).exists()
    assert not ClientRecoveryCode.objects.filter(account=account_a).exists()
    response = HttpClient().post(
        reverse("portal:login"), {"email": client_a.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert http.get(off).status_code == 302  # nothing left to turn off


def test_turning_it_off_with_a_code(clock, account_a):
    device, _codes = enable(account_a, clock)
    http = logged_in(account_a)
    response = http.post(reverse("portal:second_factor_off"), {"token": code(device)})
    assert response.status_code == 302
    assert not secondfactor.is_enabled(account=account_a)


def test_log_out_everywhere_ends_a_half_finished_login(clock, account_a, client_a):
    device, _codes = enable(account_a, clock)
    half = password_step(client_a)
    assert logged_in(account_a).post(reverse("portal:logout_everywhere")).status_code
    response = half.post(reverse("portal:login_code"), {"token": code(device)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))
    assert half.get(reverse("portal:home")).status_code == 302


def test_the_pages_refuse_other_methods(account_a):
    http = logged_in(account_a)
    for name in ("login_code", "second_factor_setup", "second_factor_off"):
        assert http.put(reverse(f"portal:{name}")).status_code == 405


def test_the_secret_is_sealed_and_not_in_the_export(clock, account_a):
    device, _codes = enable(account_a, clock)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT key FROM {ClientTOTPDevice._meta.db_table} WHERE id = %s",  # noqa: S608 (the model's table)
            [device.pk.hex if connection.vendor == "sqlite" else device.pk],
        )
        (stored,) = cursor.fetchone()
    assert device.key.encode() not in bytes(stored)
    response = logged_in(account_a).get(reverse("portal:export", args=["json"]))
    text = b"".join(response.streaming_content).decode()
    assert device.key not in text
    assert secondfactor.manual_key(device).replace(" ", "") not in text


def test_erasing_a_client_with_a_second_factor_leaves_no_device_row(
    clock, account_a, client_a, account_b
):
    enable(account_a, clock)
    enable(account_b, clock)
    assert {"portal.clienttotpdevice", "portal.clientrecoverycode"} <= covered_models()
    holder_erase(
        erasure=Erasure(
            holder_id=client_a.holder_id, kind="clients.Client", rule=Rule.DELETE
        )
    )
    for model in (ClientTOTPDevice, ClientRecoveryCode):
        assert not model.objects.filter(holder_id=client_a.holder_id).exists()
        assert model.objects.filter(holder_id=account_b.holder_id).exists()
