"""Notices: the text check, exactly once, no personal data, unreachable clients."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from breaches import selectors, sending, services
from breaches.models import Notice
from breaches.tests.conftest import ready_to_send, record, release
from refleact.crypto import keyring
from refleact.testing.factories import (
    ClientFactory,
    OrganisationFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def clients(coach):
    organisation = OrganisationFactory(name="Hoogland Installatietechniek")
    people = [
        ClientFactory(
            first_name="Anouk",
            last_name="de Vries",
            organisation=organisation,
            kind="contact",
            phone="+31612345678",
            coaches=[coach],
        ),
        ClientFactory(
            first_name="Pieter-Jan",
            last_name="Boersma",
            language="en",
            phone="+31687654321",
            coaches=[coach],
        ),
        ClientFactory(
            first_name="Fenna", last_name="Hiemstra", phone="", coaches=[coach]
        ),
    ]
    for person in people:
        TrajectoryFactory(client=person, coach=coach)
    return people


def test_every_client_gets_one_notice_and_a_rerun_sends_nothing(
    owner, clients, django_capture_on_commit_callbacks
):
    breach = record(owner)
    ready_to_send(breach, owner)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        release(breach, owner)
    again = sending.breach_notices_send()

    assert len(callbacks) == 1  # the send task, enqueued on commit
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in clients)
    assert again.sent == 0 and len(mail.outbox) == 3
    assert set(Notice.objects.values_list("status", flat=True)) == {Notice.Status.SENT}
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert ids == set(Notice.objects.values_list("message_id", flat=True))


def test_no_notice_carries_anyones_personal_data(owner, clients):
    breach = record(owner)
    ready_to_send(breach, owner)
    release(breach, owner)

    values = []
    for client in clients:
        values += [client.first_name, client.last_name, client.email, client.phone]
        if client.organisation_id:
            values.append(client.organisation.name)
    values = [v for v in values if v]
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}\n{message.extra_headers}"
        assert not [v for v in values if v in text]
        assert "notice" not in message.body.lower() or message.to  # rendered
    english = [m for m in mail.outbox if m.to == [clients[1].email]][0]
    assert "data breach" in english.subject


@pytest.mark.parametrize(
    "text",
    [
        "Bij de diefstal waren de gegevens van Anouk de Vries betrokken.",
        "Het dossier van Boersma is mogelijk ingezien.",
        "Mail ons niet op anouk@example.org.",
        "Hoogland Installatietechniek is ingelicht.",
        "Bel 06 12345678 voor vragen.",
    ],
)
def test_a_text_that_names_someone_blocks_sending(owner, clients, text):
    breach = record(owner, notice_text=text)
    ready_to_send(breach, owner)

    with pytest.raises(ValidationError) as caught:
        release(breach, owner)

    assert mail.outbox == []
    assert Notice.objects.filter(status=Notice.Status.QUEUED).count() == 3
    message = " ".join(caught.value.messages)
    assert "Sentence 1" in message or "Zin 1" in message
    for value in ("Anouk", "Vries", "Boersma", "anouk@", "Hoogland", "12345678"):
        assert value not in message


def test_an_erased_client_is_listed_as_unreachable(owner, coach, clients):
    breach = record(owner)
    ready_to_send(breach, owner)
    keyring.destroy(clients[2].holder_id, reason="test")

    release(breach, owner)

    unreachable = Notice.objects.get(holder_id=clients[2].holder_id)
    assert unreachable.status == Notice.Status.UNREACHABLE
    assert list(selectors.notices_to_phone(user=coach)) == [unreachable]
    services.notice_phone_reached(notice=unreachable, actor=coach)
    assert list(selectors.notices_to_phone(user=coach)) == []


def test_a_coach_sees_only_their_clients_notices(owner, coach, outsider, clients):
    breach = record(owner)
    ready_to_send(breach, owner)

    assert selectors.notices_for_user(user=coach).count() == 3
    assert selectors.notices_for_user(user=outsider).count() == 0
    assert selectors.notices_for_user(user=owner).count() == 3


def test_the_portal_sees_a_notice_once_released(owner, clients):
    breach = record(owner)
    ready_to_send(breach, owner)
    assert not selectors.notices_for_client(client=clients[0]).exists()

    release(breach, owner)

    assert [n.breach for n in selectors.notices_for_client(client=clients[0])] == [
        breach
    ]


def test_no_notices_without_the_decision_to_notify(owner, clients):
    breach = record(owner)
    with pytest.raises(ValidationError):
        release(breach, owner)
    assert mail.outbox == []


def test_retry_delays_double_and_are_capped():
    assert [sending.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 7, 9)] == [
        2,
        4,
        8,
        60,
        60,
    ]


def test_an_interrupted_attempt_is_counted_and_sent_again(owner, clients):
    breach = record(owner)
    ready_to_send(breach, owner)
    # A worker marked an attempt and died before the server answered.
    Notice.objects.filter(holder_id=clients[0].holder_id).update(
        attempt_started_at=timezone.now() - timedelta(minutes=1), attempts=1
    )

    with time_machine.travel(timezone.now(), tick=False):
        release(breach, owner)

    notice = Notice.objects.get(holder_id=clients[0].holder_id)
    assert (notice.status, notice.attempts, notice.interrupted_attempts) == (
        Notice.Status.SENT,
        2,
        1,
    )
    assert len(mail.outbox) == 3
