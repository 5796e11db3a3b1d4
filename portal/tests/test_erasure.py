"""Erasing a client removes its portal account, links and requests (the erasure registry)."""

from __future__ import annotations

import pytest
from django.core import checks

from portal import services
from portal.models import PortalAccount, PortalRequest, PortalToken
from refleact.accounts.models import User
from refleact.erasure.registry import Erasure, Rule, covered_models
from refleact.erasure.services import holder_erase

pytestmark = pytest.mark.django_db(databases="__all__", transaction=False)


def test_portal_models_are_covered_by_the_erasure_registry():
    assert {
        "portal.portalaccount",
        "portal.portaltoken",
        "portal.portalrequest",
    } <= covered_models()
    errors = [e for e in checks.run_checks() if e.id.startswith("erasure.")]
    assert errors == []


def test_erasing_a_client_leaves_no_portal_row(account_a, client_a, account_b):
    services.request_submit(account=account_a, kind="copy", text="")
    services.password_reset_request(account=account_a)
    user_id = account_a.user_id
    holder_erase(
        erasure=Erasure(
            holder_id=client_a.holder_id, kind="clients.Client", rule=Rule.DELETE
        )
    )
    for model in (PortalAccount, PortalToken, PortalRequest):
        assert not model.objects.filter(holder_id=client_a.holder_id).exists()
    assert not User.objects.filter(pk=user_id).exists()
    assert PortalAccount.objects.filter(pk=account_b.pk).exists()


# -- what the erasure reaches outside the portal's tables ----------------------------


def _wrong_login(address: str) -> None:
    from django.test import Client as HttpClient
    from django.urls import reverse

    response = HttpClient().post(
        reverse("portal:login"), {"email": address, "password": "not the password 1"}
    )
    assert response.status_code == 200


def _login_records(address: str) -> int:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from refleact.accounts.lockout import _digest, _key

    digest = _digest(address, key=_key())
    return sum(
        model.objects.filter(username=digest).count()
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )


def _token_from(message) -> str:
    import re

    return re.search(r"/e-mail/([^/\s]+)/", message.body).group(1)


def test_erasure_deletes_the_login_records_of_every_address_the_client_had(
    owner, coach, account_a, client_a, mailoutbox, django_capture_on_commit_callbacks
):
    first, second, third = client_a.email, "anna.tweede@example.nl", "anna.3@example.nl"
    _wrong_login(first)
    assert _login_records(first) == 1  # the attempt
    with django_capture_on_commit_callbacks(execute=True):
        services.email_change_request(account=account_a, new_email=second)
    with django_capture_on_commit_callbacks(execute=True):
        services.email_change_confirm(token=_token_from(mailoutbox[-1]))
    # The replaced address is recorded nowhere: its records go at once.
    assert _login_records(first) == 0
    _wrong_login(first)  # typed after the change: not the holder's login any more
    _wrong_login(second)
    with django_capture_on_commit_callbacks(execute=True):
        services.email_change_request(account=account_a, new_email=third)
    with django_capture_on_commit_callbacks(execute=True):
        services.email_change_confirm(token=_token_from(mailoutbox[-1]))
    _wrong_login(third)
    _wrong_login(second)  # an earlier address, on record in its change link
    assert _login_records(second) == 1 and _login_records(third) == 1
    row = services.request_submit(account=account_a, kind="deletion", text="Wis mij")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_deletion_approve(actor=owner, portal_request=row)
    assert _login_records(second) == 0
    assert _login_records(third) == 0


def test_a_rolled_back_erasure_keeps_the_login_records(account_a, client_a):
    from django.db import transaction

    _wrong_login(client_a.email)

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        holder_erase(
            erasure=Erasure(
                holder_id=client_a.holder_id, kind="clients.Client", rule=Rule.DELETE
            )
        )
        raise Rollback
    assert _login_records(client_a.email) == 1


def test_the_data_database_holds_no_login_records(client_a, account_a):
    from django.db import connections

    from refleact.keystore.routers import KEYSTORE_ALIAS

    _wrong_login(client_a.email)
    assert _login_records(client_a.email) == 1

    def tables(alias):
        with connections[alias].cursor() as cursor:
            return set(connections[alias].introspection.table_names(cursor))

    # A data backup from before an erasure has no login-name digest to match.
    assert not {t for t in tables("default") if t.startswith("axes_")}
    assert {"axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"} <= tables(
        KEYSTORE_ALIAS
    )


def test_erasure_deletes_half_finished_logins_and_link_sessions(
    account_a, client_a, account_b, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    import time_machine
    from django.contrib.sessions.models import Session
    from django.test import Client as HttpClient
    from django.urls import reverse
    from django_otp.oath import totp

    from portal import secondfactor
    from portal.tests.conftest import PASSWORD

    def code(device):
        return f"{totp(bytes.fromhex(device.key), step=30, t0=0, digits=6):06d}"

    with time_machine.travel("2026-12-01 10:00:00+00:00", tick=False) as clock:
        device = secondfactor.totp_enrol_start(account=account_a)
        assert secondfactor.totp_enrol_confirm(account=account_a, token=code(device))
        clock.shift(30)
        pending = HttpClient()
        response = pending.post(
            reverse("portal:login"), {"email": client_a.email, "password": PASSWORD}
        )
        assert response.url.startswith(reverse("portal:login_code"))
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_request(account=account_a)
    path = re.search(r"https?://[^/]+(/\S+)", mailoutbox[-1].body).group(1)
    link = HttpClient()
    assert link.get(path).status_code == 302
    other = HttpClient()
    other.force_login(account_b.user, backend="portal.backends.ClientEmailBackend")
    keys = {pending.session.session_key, link.session.session_key}
    assert Session.objects.filter(session_key__in=keys).count() == 2
    holder_erase(
        erasure=Erasure(
            holder_id=client_a.holder_id, kind="clients.Client", rule=Rule.DELETE
        )
    )
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert Session.objects.filter(session_key=other.session.session_key).exists()
