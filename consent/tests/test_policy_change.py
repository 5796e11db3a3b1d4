"""A new policy version with today's date: every client login is marked and gets
exactly one e-mail without personal data, also when the beat task runs twice."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from consent import services
from consent.models import PolicyNotice, PolicyVersion
from consent.tasks import policy_change_notify_task
from refleact.accounts.models import User
from refleact.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def client_login(client):
    # The portal builds client accounts later: a login sealed with the client's key.
    return User.objects.create_user(
        username=uuid.uuid4().hex, holder_id=client.holder_id, email=client.email
    )


def test_a_policy_change_marks_and_mails_each_client_login_once(coach):
    dutch = ClientFactory(language="nl")
    english = ClientFactory(language="en")
    ClientFactory()  # no login: no e-mail
    logins = [client_login(dutch), client_login(english)]
    PolicyVersion.objects.create(
        version=2, language="nl", effective_on=timezone.localdate(), text="# Nieuw"
    )
    policy_change_notify_task.delay()
    policy_change_notify_task.delay()
    assert sorted(n.user_id for n in PolicyNotice.objects.filter(version=2)) == sorted(
        u.pk for u in logins
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([dutch.email, english.email])
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "privacybeleid" in by_to[dutch.email].body
    assert "privacy policy" in by_to[english.email].body
    for message in mail.outbox:
        text = message.subject + message.body
        for person in (dutch, english):
            for value in (person.first_name, person.last_name, person.email):
                assert value not in text
        assert "/privacy/" in message.body


def test_a_version_dated_later_sends_nothing_yet():
    client_login(ClientFactory())
    PolicyVersion.objects.create(
        version=2,
        language="nl",
        effective_on=timezone.localdate() + timedelta(days=3),
        text="# Later",
    )
    policy_change_notify_task.delay()
    assert mail.outbox == [] and not PolicyNotice.objects.exists()


def test_a_login_marks_the_new_version_seen_once():
    login = client_login(ClientFactory())
    PolicyVersion.objects.create(
        version=2, language="nl", effective_on=timezone.localdate(), text="# Nieuw"
    )
    policy_change_notify_task.delay()

    assert services.policy_notice_seen(user=login, version=2) is True
    assert services.policy_notice_seen(user=login, version=2) is False
    assert PolicyNotice.objects.get(user=login, version=2).seen_at is not None
