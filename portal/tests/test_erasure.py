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
