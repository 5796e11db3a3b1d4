"""A client finds their breach notice in the portal, with its PDF; no one else's."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse

from breaches.models import Notice
from breaches.tests.conftest import ready_to_send, record, release
from refleact.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def notices(owner, client_a, client_b, account_a):
    breach = record(owner)
    ready_to_send(breach, owner)
    release(breach, owner)
    return {c: Notice.objects.get(client=c) for c in (client_a, client_b)}


def test_the_notices_page_links_the_clients_notice_pdf(http_a, notices, client_a):
    response = http_a.get(reverse("portal:notices"))
    url = reverse("portal:breach_notice_pdf", args=[notices[client_a].pk])
    assert url.encode() in response.content


def test_the_client_downloads_their_notice_without_personal_data(
    http_a, notices, client_a
):
    notice = notices[client_a]
    response = http_a.get(reverse("portal:breach_notice_pdf", args=[notice.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert notice.breach.reference in text
    for value in (client_a.first_name, client_a.last_name, client_a.email):
        assert value not in text
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DOWNLOAD, holder_id=notice.holder_id
    ).exists()


def test_another_clients_notice_is_a_404(http_a, notices, client_b):
    url = reverse("portal:breach_notice_pdf", args=[notices[client_b].pk])
    assert http_a.get(url).status_code == 404
    assert (
        http_a.get(reverse("portal:breach_notice_pdf", args=["x"])).status_code == 404
    )


def test_the_pdf_answers_get_only(http_a, notices, client_a):
    url = reverse("portal:breach_notice_pdf", args=[notices[client_a].pk])
    assert http_a.post(url).status_code == 405


def test_anonymous_is_sent_to_the_login(client, notices, client_a):
    url = reverse("portal:breach_notice_pdf", args=[notices[client_a].pk])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]
