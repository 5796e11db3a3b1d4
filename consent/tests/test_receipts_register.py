"""Receipts and the register render as PDF (text extractable) and JSON; downloads are
audit-logged and follow the access rule; a disclosure reaches the client's list."""

from __future__ import annotations

import json
import subprocess

import pytest
from django.urls import reverse

from consent import selectors, services
from consent.models.ledger import CONTACT_AFTER
from refleact.audit.models import AuditEvent
from refleact.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def pdf_text(data: bytes) -> str:
    # -raw: the text in the order it is drawn, so a table cell's words stay
    # together (the default reading order interleaves the register's columns).
    return subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def record(coach):
    client = ClientFactory(coaches=[coach])
    return services.consent_decide(
        client=client, purpose=CONTACT_AFTER, decision="given", method="portal"
    )


def test_receipt_pdf_and_json_for_the_coach_audited(coach_http, record):
    url = reverse("admin:consent_consentrecord_receipt", args=[record.pk, "pdf"])
    response = coach_http.get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "contact na het traject" in text and str(record.receipt_id) in text
    assert "Versie van het privacybeleid" in text and "1" in text
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DOWNLOAD, object_id=str(record.pk)
    ).exists()
    data = json.loads(
        coach_http.get(
            reverse("admin:consent_consentrecord_receipt", args=[record.pk, "json"])
        ).content
    )
    assert data["purpose"] == CONTACT_AFTER and data["policy_version"] == 1
    assert record.client.email not in json.dumps(data)


def test_receipt_is_404_for_an_outsider_and_login_for_anonymous(
    outsider_http, client, record
):
    url = reverse("admin:consent_consentrecord_receipt", args=[record.pk, "pdf"])
    assert outsider_http.get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_register_pdf_lists_purpose_and_is_owner_only(owner_http, coach_http):
    response = owner_http.get(reverse("admin:consent_register_pdf"))
    text = pdf_text(response.content)
    assert "Register van verwerkingsactiviteiten" in text
    assert "De cliënt herkennen en aanspreken tijdens het traject." in " ".join(
        text.split()
    )
    assert coach_http.get(reverse("admin:consent_register")).status_code == 403


def test_an_invoice_sent_to_the_organisation_appears_in_the_clients_disclosures(coach):
    client, other = ClientFactory(coaches=[coach]), ClientFactory(coaches=[coach])
    services.disclosure_record(
        actor=coach,
        client=client,
        kind="invoice",
        recipient="Werkgever BV",
        basis="agreement",
        categories=["financial", "identification"],
    )
    listed = list(selectors.disclosures_for_client(client=client))
    assert [(d.kind, d.recipient) for d in listed] == [("invoice", "Werkgever BV")]
    assert list(selectors.disclosures_for_client(client=other)) == []
