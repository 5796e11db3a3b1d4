"""The client's own actions, through the pages: each calls the owning app's service."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from consent.models import ConsentRecord
from consent.models.ledger import CONTACT_AFTER
from consent.selectors import consent_current
from dossiers.models import DossierEntry
from refleact.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(databases="__all__")


def test_pages_record_what_they_showed(http_a, client_a, full_a):
    before = AuditEvent.objects.filter(
        action="view", holder_id=client_a.holder_id
    ).count()
    assert http_a.get(reverse("portal:dossier")).status_code == 200
    after = AuditEvent.objects.filter(
        action="view", holder_id=client_a.holder_id
    ).count()
    assert after - before == 3  # the three entries shown


def test_theory_shows_its_title_not_its_content(http_a, full_a):
    page = http_a.get(reverse("portal:dossier")).content.decode()
    assert "Theorie aaaa" in page and "Inhoud aaaa" not in page


def test_client_shares_a_reflection_sealed_under_their_key(http_a, client_a, full_a):
    response = http_a.post(
        reverse("portal:dossier"),
        {
            "trajectory": str(full_a["trajectory"].pk),
            "title": "Mijn week",
            "body": "Rustiger.",
        },
    )
    assert response.status_code == 302
    (entry,) = [e for e in DossierEntry.objects.all() if e.title == "Mijn week"]
    assert entry.kind == "client_information"
    assert entry.holder_id == client_a.holder_id


def test_share_into_another_clients_trajectory_is_refused(http_a, full_a, full_b):
    response = http_a.post(
        reverse("portal:dossier"),
        {"trajectory": str(full_b["trajectory"].pk), "title": "x", "body": "y"},
    )
    assert response.status_code == 200  # not a choice: the form says so
    assert all(e.title != "x" for e in DossierEntry.objects.all())


def test_attachment_downloads_and_is_logged(http_a, full_a):
    entry = full_a["entry"]
    response = http_a.get(reverse("portal:attachment", args=[entry.pk]))
    assert b"".join(response.streaming_content) == b"document aaaa"
    assert AuditEvent.objects.filter(
        action="download", object_id=str(entry.pk)
    ).exists()


def test_calendar_file(http_a, full_a):
    response = http_a.get(reverse("portal:calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content and b"Kamer aaaa" in response.content


def test_evaluation_is_filled_in_once(http_a, full_a):
    evaluation = full_a["evaluation"]
    url = reverse("portal:evaluation", args=[evaluation.pk])
    assert http_a.post(url, {"answer_0": "Veel", "answer_1": "8"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.submitted_at is not None and "Veel" in evaluation.answers
    assert b"answer_0" not in http_a.get(url).content


def test_withdraw_contact_consent(http_a, client_a, full_a):
    assert consent_current(client=client_a, purpose=CONTACT_AFTER)
    response = http_a.post(reverse("portal:consent_contact"), {"decision": "withdrawn"})
    assert response.status_code == 302
    assert not consent_current(client=client_a, purpose=CONTACT_AFTER)
    latest = ConsentRecord.objects.filter(client=client_a).latest("recorded_at")
    assert latest.method == ConsentRecord.Method.PORTAL


def test_pr_request_confirmed_with_the_material_shown(http_a, client_a, full_a):
    occasion = full_a["occasion"]
    url = reverse("portal:consent_occasion", args=[occasion.pk])
    http_a.post(url, {"decision": "given", "digest": "0" * 64})
    assert not consent_current(
        client=client_a, purpose=occasion.purpose, occasion=occasion
    )
    http_a.post(url, {"decision": "given", "digest": occasion.material_digest})
    assert consent_current(client=client_a, purpose=occasion.purpose, occasion=occasion)


def test_receipt_downloads(http_a, client_a, full_a):
    record = ConsentRecord.objects.filter(client=client_a, decision="given").first()
    response = http_a.get(reverse("portal:receipt", args=[record.receipt_id, "json"]))
    assert (
        response.status_code == 200
        and str(record.receipt_id).encode() in response.content
    )
    assert (
        http_a.get(
            reverse("portal:receipt", args=[record.receipt_id, "exe"])
        ).status_code
        == 404
    )


def test_quote_accepted_by_the_client(http_a, full_a):
    quote = full_a["quote"]
    assert (
        http_a.post(reverse("portal:quote_accept", args=[quote.pk])).status_code == 302
    )
    quote.refresh_from_db()
    assert quote.is_accepted and quote.accepted_by is None


def test_phone_correction_is_recorded_in_the_audit_log(http_a, client_a):
    response = http_a.post(reverse("portal:profile"), {"phone-phone": "06 11112222"})
    assert response.status_code == 302
    client_a.refresh_from_db()
    assert client_a.phone == "+31611112222"
    assert AuditEvent.objects.filter(
        action="change", model="clients.client", object_id=str(client_a.pk)
    ).exists()


def test_bad_phone_is_a_form_error(http_a):
    response = http_a.post(reverse("portal:profile"), {"phone-phone": "not a phone"})
    assert response.status_code == 200 and b"errorlist" in response.content


def test_new_email_takes_effect_only_after_its_link(
    client, http_a, client_a, mailoutbox, django_capture_on_commit_callbacks
):
    old = client_a.email
    with django_capture_on_commit_callbacks(execute=True):
        http_a.post(reverse("portal:profile"), {"email-email": "nieuw@example.nl"})
    client_a.refresh_from_db()
    assert client_a.email == old
    (confirm,) = mailoutbox
    assert confirm.to == ["nieuw@example.nl"] and "nieuw@example.nl" not in confirm.body
    path = "/" + re.search(r"http\S+", confirm.body).group(0).split("/", 3)[3]
    response = client.get(path, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.redirect_chain[-1][0])
    client_a.refresh_from_db()
    assert client_a.email == "nieuw@example.nl"
    notice = mailoutbox[-1]
    assert (
        notice.to == [old]
        and old not in notice.body
        and "nieuw@example.nl" not in notice.body
    )


def test_policy_notice_acknowledged(http_a, account_a):
    from consent.models import PolicyNotice

    PolicyNotice.objects.create(user=account_a.user, version=2)
    http_a.post(reverse("portal:notices"), {"version": "2"})
    assert PolicyNotice.objects.get(user=account_a.user).seen_at is not None
    assert http_a.post(reverse("portal:notices"), {"version": "abc"}).status_code == 302


def test_language_switch_is_remembered(http_a, client_a):
    response = http_a.post(
        reverse("portal:language"), {"language": "en", "next": "/portal/"}
    )
    assert response.status_code == 302
    page = http_a.get(reverse("portal:home")).content.decode()
    assert '<html lang="en">' in page
    client_a.refresh_from_db()
    assert client_a.language == "en"


def test_pages_are_dutch_by_default_with_the_privacy_links(client, db):
    page = client.get(
        reverse("portal:login"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert '<html lang="nl">' in page
    assert 'href="/privacy/"' in page and 'href="/privacy/gegevens/"' in page
