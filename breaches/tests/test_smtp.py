"""The sending path against a real SMTP server (aiosmtpd) in this process."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from breaches import selectors, sending
from breaches.models import Notice
from breaches.tests.conftest import ready_to_send, record, release
from refleact.testing.factories import ClientFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def clients(coach):
    people = [ClientFactory(coaches=[coach]) for _ in range(4)]
    for person in people:
        TrajectoryFactory(client=person, coach=coach)
    return people


def test_the_server_accepts_each_notice_once_and_its_answer_is_kept(
    owner, clients, smtp_settings
):
    breach = record(owner)
    ready_to_send(breach, owner)

    release(breach, owner)
    sending.breach_notices_send()

    received = sorted(r for m in smtp_settings.messages for r in m.rcpt_tos)
    assert received == sorted(c.email for c in clients)
    for notice in Notice.objects.all():
        assert notice.status == Notice.Status.SENT
        assert notice.server_answer.startswith("250 2.0.0 queued as")
        assert "@" not in notice.server_answer
    bodies = [m.content.decode() for m in smtp_settings.messages]
    assert all("Message-ID: <breach-notice-" in b for b in bodies)
    assert not any(c.last_name in b for c in clients for b in bodies)


def test_a_refused_recipient_is_unreachable_and_listed(
    owner, coach, clients, smtp_settings
):
    smtp_settings.refuse_rcpt.add(clients[0].email)
    breach = record(owner)
    ready_to_send(breach, owner)

    release(breach, owner)

    refused = Notice.objects.get(holder_id=clients[0].holder_id)
    assert refused.status == Notice.Status.UNREACHABLE
    assert refused.server_answer.startswith("550")
    assert clients[0].email not in refused.server_answer
    assert list(selectors.notices_to_phone(user=coach)) == [refused]
    assert Notice.objects.filter(status=Notice.Status.SENT).count() == 3


def test_a_server_that_refuses_is_retried_with_backoff(owner, clients, smtp_settings):
    smtp_settings.busy = 4  # every first attempt answered "451 try again later"
    breach = record(owner)
    ready_to_send(breach, owner)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        release(breach, owner)
        failed = list(Notice.objects.filter(status=Notice.Status.FAILED))
        assert len(failed) == 4
        assert all(n.next_attempt_at == start + timedelta(minutes=2) for n in failed)
        assert all(n.server_answer.startswith("451") for n in failed)
        assert sending.breach_notices_send().sent == 0  # not due yet
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        result = sending.breach_notices_send()

    assert result.sent == 4
    assert len(smtp_settings.messages) == 4
    assert {n.attempts for n in Notice.objects.all()} == {2}


def test_a_server_that_is_down_fails_every_notice_for_retry(owner, clients, settings):
    from breaches.tests.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_TIMEOUT = 2
    breach = record(owner)
    ready_to_send(breach, owner)

    release(breach, owner)

    assert Notice.objects.filter(status=Notice.Status.FAILED).count() == 4
