"""New recovery codes for a client's second factor: with a valid code or the
password, shown once, the old ones refused, throttled and locked as turning off."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from portal import secondfactor
from portal.models import ClientRecoveryCode
from portal.tests.conftest import PASSWORD, logged_in
from portal.tests.test_second_factor import START, code, enable, password_step, wrong
from refleact.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(databases="__all__")

NEW = reverse("portal:recovery_codes_new")


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def shown(response) -> list[str]:
    found = re.findall(rb"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content)
    return [c.decode() for c in found]


def digests(account) -> set[str]:
    rows = ClientRecoveryCode.objects.filter(account=account)
    return set(rows.values_list("digest", flat=True))


def changes(account) -> int:
    return AuditEvent.objects.filter(
        object_id=str(account.pk), action=AuditEvent.Action.CHANGE
    ).count()


def logs_in_with(client, token: str) -> bool:
    http = password_step(client)
    response = http.post(reverse("portal:login_code"), {"token": token})
    return (
        response.status_code == 302
        and http.get(reverse("portal:home")).status_code == 200
    )


def test_new_codes_are_shown_once_work_and_the_old_ones_are_refused(
    clock, account_a, client_a
):
    _device, old = enable(account_a, clock)
    http = logged_in(account_a)
    before, audited = digests(account_a), changes(account_a)
    form = http.get(NEW)
    assert form.status_code == 200
    assert b'name="password"' in form.content and not shown(form)

    response = http.post(NEW, {"password": PASSWORD})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new = shown(response)
    assert len(set(new)) == secondfactor.RECOVERY_CODE_COUNT
    assert not set(new) & set(old)
    assert not set(new) & digests(account_a)  # digests only
    assert not digests(account_a) & before
    assert changes(account_a) == audited + 1
    assert not shown(http.get(NEW))  # shown only once

    assert not logs_in_with(client_a, old[0])
    clock.shift(10)  # past django-otp's throttle of the wrong code
    assert logs_in_with(client_a, new[0])


def test_new_codes_with_a_code_from_the_app(clock, account_a):
    device, _old = enable(account_a, clock)
    before = digests(account_a)
    response = logged_in(account_a).post(NEW, {"token": code(device)})
    assert response.status_code == 200
    assert len(shown(response)) == secondfactor.RECOVERY_CODE_COUNT
    assert not digests(account_a) & before


def test_new_codes_with_a_recovery_code_that_then_is_spent(clock, account_a, client_a):
    _device, old = enable(account_a, clock)
    http = logged_in(account_a)
    response = http.post(NEW, {"token": old[0]})
    assert response.status_code == 200
    assert len(shown(response)) == secondfactor.RECOVERY_CODE_COUNT
    clock.shift(10)
    refused = http.post(NEW, {"token": old[1]})  # the old set is gone
    assert refused.status_code == 200 and b"errorlist" in refused.content


def test_a_wrong_code_or_password_changes_nothing(clock, account_a):
    device, _old = enable(account_a, clock)
    http = logged_in(account_a)
    before, audited = digests(account_a), changes(account_a)
    for data in ({}, {"token": wrong(device)}, {"password": "not the password"}):
        clock.shift(60)
        refused = http.post(NEW, data)
        assert refused.status_code == 200
        assert b"errorlist" in refused.content and not shown(refused)
    assert digests(account_a) == before
    assert changes(account_a) == audited
    assert not ClientRecoveryCode.objects.filter(used_at__isnull=False).exists()


def test_five_wrong_tries_lock_it_and_turning_off_too(clock, account_a):
    device, _old = enable(account_a, clock)
    http = logged_in(account_a)
    before = digests(account_a)
    statuses = []
    for _ in range(5):
        clock.shift(60)
        statuses.append(http.post(NEW, {"password": "not the password"}).status_code)
    assert statuses == [200, 200, 200, 200, 429]
    clock.shift(60)
    assert http.post(NEW, {"password": PASSWORD}).status_code == 429
    assert http.post(NEW, {"token": code(device)}).status_code == 429
    off = http.post(reverse("portal:second_factor_off"), {"password": PASSWORD})
    assert off.status_code == 429
    assert digests(account_a) == before
    assert secondfactor.is_enabled(account=account_a)


def test_another_client_cannot_make_new_codes_for_this_account(
    clock, account_a, account_b
):
    _device_a, codes_a = enable(account_a, clock)
    enable(account_b, clock)
    before_a, before_b = digests(account_a), digests(account_b)
    http_b = logged_in(account_b)
    refused = http_b.post(NEW, {"token": codes_a[0]})
    assert refused.status_code == 200 and b"errorlist" in refused.content
    # The page knows only the logged-in account: B's password renews B's codes.
    assert len(shown(http_b.post(NEW, {"password": PASSWORD}))) == len(codes_a)
    assert digests(account_a) == before_a
    assert not ClientRecoveryCode.objects.filter(
        account=account_a, used_at__isnull=False
    ).exists()
    assert not digests(account_b) & before_b


def test_anonymous_goes_to_the_login(clock, account_a):
    enable(account_a, clock)
    before = digests(account_a)
    for response in (HttpClient().get(NEW), HttpClient().post(NEW, {})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("portal:login"))
    assert digests(account_a) == before


def test_with_the_second_factor_off_it_goes_to_the_account(account_a):
    http = logged_in(account_a)
    for response in (http.get(NEW), http.post(NEW, {"password": PASSWORD})):
        assert response.status_code == 302
        assert response.url == reverse("portal:account")
    assert not ClientRecoveryCode.objects.filter(account=account_a).exists()


def test_the_page_refuses_other_methods(clock, account_a):
    enable(account_a, clock)
    http = logged_in(account_a)
    for method in (http.put, http.patch, http.delete):
        assert method(NEW).status_code == 405


def test_the_service_makes_no_codes_when_the_second_factor_is_off(account_a):
    assert secondfactor.recovery_codes_renew(account=account_a) is None
    assert not ClientRecoveryCode.objects.filter(account=account_a).exists()


def test_the_account_page_shows_how_many_unused_codes_are_left(
    clock, account_a, client_a
):
    http = logged_in(account_a)
    page = http.get(reverse("portal:account")).content.decode()
    assert NEW not in page and "herstelcode" not in page  # the portal speaks Dutch

    _device, old = enable(account_a, clock)
    http = logged_in(account_a)
    page = http.get(reverse("portal:account")).content.decode()
    assert "U hebt nog 8 ongebruikte herstelcodes." in page
    assert f'href="{NEW}"' in page
    assert not any(c in page for c in old)
    assert not any(d in page for d in digests(account_a))

    assert logs_in_with(client_a, old[0])
    page = http.get(reverse("portal:account")).content.decode()
    assert "U hebt nog 7 ongebruikte herstelcodes." in page
