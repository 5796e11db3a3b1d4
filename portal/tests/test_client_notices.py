"""Dossiers' writes tell a portal client "something new", on commit, without content."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dossiers.models import Appointment, Evaluation
from dossiers.services import appointment_save, evaluation_save
from refleact.testing.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__", transaction=False)

# Every personal value the rows and the client carry: none may be in an e-mail.
PERSONAL = ("anna", "example.nl", "Praktijk Zwolle", "Wat ging goed", "Vraag X")


def _assert_no_personal_value(message) -> None:
    text = (message.subject + message.body).lower()
    for value in PERSONAL:
        assert value.lower() not in text
    assert "/portal/" in message.body


@pytest.fixture
def trajectory_a(client_a, coach):
    return TrajectoryFactory(client=client_a, coach=coach, learning_question="Vraag X")


def _appointment(trajectory, coach):
    row = Appointment(
        trajectory=trajectory,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="Praktijk Zwolle",
    )
    return appointment_save(actor=coach, appointment=row)


def test_a_new_evaluation_mails_the_portal_client_on_commit(
    account_a, trajectory_a, coach, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = evaluation_save(
            actor=coach,
            evaluation=Evaluation(
                trajectory=trajectory_a, moment="during", questions="Wat ging goed?"
            ),
        )
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    (message,) = mailoutbox
    assert message.to == ["anna.a@example.nl"]
    assert f"/portal/evaluaties/{row.pk}/" in message.body
    _assert_no_personal_value(message)


def test_an_appointment_planned_or_changed_mails_the_client(
    account_a, trajectory_a, coach, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = _appointment(trajectory_a, coach)
    with django_capture_on_commit_callbacks(execute=True):
        row.starts_at += datetime.timedelta(hours=1)
        appointment_save(actor=coach, appointment=row)
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert "/portal/afspraken/" in message.body
        _assert_no_personal_value(message)


def test_the_e_mail_is_in_the_clients_language(
    account_a,
    client_a,
    trajectory_a,
    coach,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client_a.language = "en"
    client_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        _appointment(trajectory_a, coach)
    assert "something new" in mailoutbox[0].subject
    client_a.language = "nl"
    client_a.save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _appointment(trajectory_a, coach)
    assert "something new" not in mailoutbox[0].subject


def test_a_client_without_a_portal_account_gets_no_mail(
    client_b, coach, mailoutbox, django_capture_on_commit_callbacks
):
    trajectory = TrajectoryFactory(client=client_b, coach=coach)
    with django_capture_on_commit_callbacks(execute=True):
        _appointment(trajectory, coach)
        evaluation_save(
            actor=coach,
            evaluation=Evaluation(
                trajectory=trajectory, moment="during", questions="?"
            ),
        )
    assert mailoutbox == []


def test_the_clients_own_answer_sends_nothing(
    account_a, trajectory_a, coach, mailoutbox, django_capture_on_commit_callbacks
):
    row = evaluation_save(
        actor=coach,
        evaluation=Evaluation(trajectory=trajectory_a, moment="during", questions="?"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        row.answers = "Goed"
        evaluation_save(actor=account_a.user, evaluation=row)
    assert mailoutbox == []
