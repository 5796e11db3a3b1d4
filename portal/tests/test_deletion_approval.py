"""A deletion request approved by the owner in the admin erases the client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients.models import Client
from portal import services
from portal.models import PortalAccount, PortalRequest
from refleact.accounts.models import User
from refleact.audit.models import AuditEvent
from refleact.crypto.blind import search
from refleact.erasure.models import ErasureJournalEntry
from refleact.keystore.models import DataKey, Tombstone

pytestmark = pytest.mark.django_db(databases="__all__", transaction=False)


def _deletion(account):
    return services.request_submit(account=account, kind="deletion", text="Weg ermee")


def _url(row):
    return reverse("admin:portal_portalrequest_approve_deletion", args=[row.pk])


def test_the_portal_offers_the_export_before_deletion(http_a, account_a):
    row = _deletion(account_a)
    page = http_a.get(reverse("portal:request", args=[row.pk])).content.decode()
    assert reverse("portal:data") in page
    assert "portal account" in page or "portaalaccount" in page


def test_the_approval_page_says_whether_the_client_downloaded(
    owner_http, http_a, account_a
):
    row = _deletion(account_a)
    assert owner_http.get(_url(row)).context["downloaded"] is False
    assert http_a.get(reverse("portal:export", args=["json"])).status_code == 200
    assert owner_http.get(_url(row)).context["downloaded"] is True


def test_owner_approval_erases_the_client(
    owner_http,
    owner,
    account_a,
    client_a,
    account_b,
    django_capture_on_commit_callbacks,
):
    row = _deletion(account_a)
    holder, user_id = client_a.holder_id, account_a.user_id
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_http.post(_url(row))
    assert response.status_code == 302
    assert not Client.objects.filter(pk=client_a.pk).exists()
    assert not PortalAccount.objects.filter(holder_id=holder).exists()
    # The request goes with the client (its inventory: End.DELETE).
    assert not PortalRequest.objects.filter(pk=row.pk).exists()
    assert not User.objects.filter(pk=user_id).exists()
    assert not DataKey.objects.filter(holder_id=holder).exists()
    assert Tombstone.objects.filter(holder_id=holder, reason="erasure_request").exists()
    assert not search(Client.objects.all(), "email_index", "anna.a@example.nl")
    assert ErasureJournalEntry.objects.filter(holder_id=holder).exists()
    # The approval is in the access log, by ids only.
    assert AuditEvent.objects.filter(
        actor=owner, action="delete", object_id=str(client_a.pk)
    ).exists()
    assert PortalAccount.objects.filter(pk=account_b.pk).exists()


def test_a_coach_cannot_approve(coach_http, account_a, client_a):
    row = _deletion(account_a)
    assert coach_http.get(_url(row)).status_code == 403
    assert coach_http.post(_url(row)).status_code == 403
    assert Client.objects.filter(pk=client_a.pk).exists()


def test_an_outsider_gets_404(outsider_http, account_a):
    row = _deletion(account_a)
    assert outsider_http.post(_url(row)).status_code in (302, 404)


def test_only_an_open_deletion_request_is_approved(owner_http, account_a, client_a):
    question = services.request_submit(account=account_a, kind="question", text="?")
    assert owner_http.post(_url(question)).status_code == 404
    row = _deletion(account_a)
    assert owner_http.put(_url(row)).status_code == 405
    assert Client.objects.filter(pk=client_a.pk).exists()


def test_approval_withdraws_every_consent_and_keeps_nothing_named(
    owner_http, coach, account_a, client_a, django_capture_on_commit_callbacks
):
    # GDPR art. 17: a request to erase everything withdraws the consents that
    # the retention sweep would keep a contact record and PR material under.
    from django.db.models.signals import post_save

    from consent import services as consent_services
    from consent.models import (
        ConsentRecord,
        ContactRecord,
        KeptConsentRecord,
        KeptOccasion,
        Occasion,
    )
    from consent.models.ledger import CONTACT_AFTER

    given = {
        "decision": ConsentRecord.Decision.GIVEN,
        "method": ConsentRecord.Method.COACH,
        "evidence_note": "Ondertekend formulier",
        "actor": coach,
    }
    consent_services.consent_decide(client=client_a, purpose=CONTACT_AFTER, **given)
    occasion = consent_services.occasion_create(
        actor=coach,
        client=client_a,
        what=Occasion.What.TESTIMONIAL,
        medium="Website",
        material=f"{client_a.first_name}: een aanrader.",
    )
    consent_services.consent_decide(
        client=client_a, purpose=occasion.purpose, occasion=occasion, **given
    )
    recorded = []

    def note(sender, instance, created, **kwargs):
        recorded.append((instance.decision, instance.method, instance.occasion_id))

    post_save.connect(note, sender=ConsentRecord)
    row = _deletion(account_a)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert owner_http.post(_url(row)).status_code == 302
    finally:
        post_save.disconnect(note, sender=ConsentRecord)
    assert not Client.objects.filter(pk=client_a.pk).exists()
    assert not ContactRecord.objects.exists()
    assert not KeptOccasion.objects.exists()
    assert not KeptConsentRecord.objects.exists()
    assert not ConsentRecord.objects.filter(holder_id=client_a.holder_id).exists()
    # The withdrawals went through the ledger before it was erased.
    withdrawn = ConsentRecord.Decision.WITHDRAWN
    assert sorted(recorded, key=str) == sorted(
        [(withdrawn, "portal", None), (withdrawn, "portal", occasion.pk)], key=str
    )
