"""Closing a trajectory from its own page, the grace period, and reopening it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dossiers.models import Appointment, StatusChange, Trajectory
from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Wednesday 2 December 2026, 10:00 in Amsterdam.
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    # Autouse: first, so the personas' sessions start on the controlled clock.
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def trajectory(coach, clock):
    return TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)


def close_url(trajectory):
    return reverse("admin:dossiers_trajectory_close", args=[trajectory.pk])


def reopen_url(trajectory):
    return reverse("admin:dossiers_trajectory_reopen", args=[trajectory.pk])


def change_url(trajectory):
    return reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])


def test_trajectory_page_offers_closing(coach_http, trajectory):
    page = coach_http.get(change_url(trajectory))

    assert page.status_code == 200
    assert close_url(trajectory) in page.content.decode()


def test_confirmation_explains_the_choice_and_the_grace_period(coach_http, trajectory):
    AppointmentFactory(trajectory=trajectory, starts_at=NOW + dt.timedelta(days=3))
    AppointmentFactory(trajectory=trajectory, starts_at=NOW + dt.timedelta(days=9))
    AppointmentFactory(trajectory=trajectory, starts_at=NOW - dt.timedelta(days=3))

    page = coach_http.get(close_url(trajectory), headers={"accept-language": "nl"})

    assert page.status_code == 200
    assert page.templates[0].name == "admin/dossiers/trajectory/close.html"
    html = page.content.decode()
    assert 'name="retention"' in html and 'value="pseudonymise"' in html
    assert "kennisopbouw/ professionalisering" in html  # the policy's sentence
    assert "01-01-2027" in html  # today + RETENTION_GRACE_DAYS (30)
    assert "2 toekomstige afspraken worden geannuleerd" in html
    assert f'href="{change_url(trajectory)}"' in html  # cancel: back to the page
    trajectory.refresh_from_db()
    assert trajectory.status == Trajectory.Status.ACTIVE
    # The page names the client: recorded in the access log.
    assert AuditEvent.objects.filter(
        object_id=str(trajectory.pk), action=AuditEvent.Action.LIST
    ).exists()


def test_closing_from_the_page_records_due_date_and_cancels_future_appointments(
    coach, coach_http, trajectory
):
    coming = AppointmentFactory(
        trajectory=trajectory, starts_at=NOW + dt.timedelta(days=3)
    )
    past = AppointmentFactory(
        trajectory=trajectory, starts_at=NOW - dt.timedelta(days=3)
    )

    response = coach_http.post(close_url(trajectory), {"retention": "delete"})

    assert response.status_code == 302
    assert response["Location"] == change_url(trajectory)
    trajectory.refresh_from_db()
    assert trajectory.status == Trajectory.Status.CLOSED
    assert trajectory.retention == Trajectory.Retention.DELETE
    assert trajectory.closed_at == NOW
    assert trajectory.retention_due_on == dt.date(2027, 1, 1)
    coming.refresh_from_db()
    past.refresh_from_db()
    assert coming.cancelled_at == NOW
    assert past.cancelled_at is None
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE)
    assert set(changes.values_list("object_id", flat=True)) == {
        str(trajectory.pk),
        str(coming.pk),
    }
    assert changes.filter(actor=coach).count() == 2


def test_grace_period_follows_the_setting(coach_http, trajectory, settings):
    settings.RETENTION_GRACE_DAYS = 10

    coach_http.post(close_url(trajectory), {"retention": "pseudonymise"})

    trajectory.refresh_from_db()
    assert trajectory.retention_due_on == dt.date(2026, 12, 12)


def test_closing_without_a_choice_is_a_form_error(coach_http, trajectory):
    response = coach_http.post(close_url(trajectory), {"retention": "keep-all"})

    assert response.status_code == 200
    assert response.context["form"].errors["retention"]
    trajectory.refresh_from_db()
    assert trajectory.status == Trajectory.Status.ACTIVE


def test_closing_a_closed_trajectory_changes_nothing(coach_http, trajectory):
    coach_http.post(close_url(trajectory), {"retention": "delete"})

    again = coach_http.post(close_url(trajectory), {"retention": "pseudonymise"})

    assert again.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.retention == Trajectory.Retention.DELETE


def test_outsider_cannot_close_or_reopen(outsider_http, trajectory):
    assert outsider_http.get(close_url(trajectory)).status_code == 404
    assert (
        outsider_http.post(close_url(trajectory), {"retention": "delete"}).status_code
        == 404
    )
    assert outsider_http.post(reopen_url(trajectory)).status_code == 404
    trajectory.refresh_from_db()
    assert trajectory.status == Trajectory.Status.ACTIVE


def test_anonymous_is_sent_to_login(client, trajectory):
    response = client.get(close_url(trajectory))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_wrong_methods_are_refused(coach_http, trajectory):
    assert coach_http.put(close_url(trajectory)).status_code == 405
    assert coach_http.get(reopen_url(trajectory)).status_code == 405


def test_malformed_id_is_a_404(coach_http, clock):
    url = reverse("admin:dossiers_trajectory_close", args=["not-a-number"])

    assert coach_http.get(url).status_code == 404


def test_owner_closes_any_trajectory(owner_http, trajectory):
    response = owner_http.post(close_url(trajectory), {"retention": "delete"})

    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.is_closed


def test_list_action_uses_the_same_confirmation_and_cancels_appointments(
    coach_http, trajectory
):
    coming = AppointmentFactory(
        trajectory=trajectory, starts_at=NOW + dt.timedelta(days=1)
    )
    changelist = reverse("admin:dossiers_trajectory_changelist")
    ask = coach_http.post(
        changelist,
        {"action": "close_trajectories", "_selected_action": [trajectory.pk]},
    )
    assert ask.templates[0].name == "admin/dossiers/trajectory/close.html"
    assert "1 toekomstige afspraak wordt geannuleerd" in ask.content.decode()

    coach_http.post(
        changelist,
        {
            "action": "close_trajectories",
            "_selected_action": [trajectory.pk],
            "retention": "delete",
        },
    )

    trajectory.refresh_from_db()
    coming.refresh_from_db()
    assert trajectory.retention_due_on == dt.date(2027, 1, 1)
    assert coming.cancelled_at == NOW


def test_closed_appointments_leave_the_dashboard(coach_http, trajectory):
    AppointmentFactory(trajectory=trajectory, starts_at=NOW + dt.timedelta(days=2))
    before = coach_http.get(reverse("admin:dashboard"))
    assert len(_dashboard_appointments(before)) == 1

    coach_http.post(close_url(trajectory), {"retention": "delete"})

    after = coach_http.get(reverse("admin:dashboard"))
    assert _dashboard_appointments(after) == []


def _dashboard_appointments(response):
    sections = {s["key"]: s for s in response.context["sections"]}
    return sections["coming_appointments"]["appointments"]


# -- reopening -------------------------------------------------------------------


def test_closed_page_offers_reopening_within_the_grace_period(coach_http, trajectory):
    coach_http.post(close_url(trajectory), {"retention": "delete"})

    page = coach_http.get(change_url(trajectory))

    html = page.content.decode()
    assert reopen_url(trajectory) in html
    assert close_url(trajectory) not in html
    assert "01-01-2027" in html  # the recorded due date, read-only


def test_reopening_restores_status_and_coming_appointments(
    coach, coach_http, trajectory, clock
):
    coming = AppointmentFactory(
        trajectory=trajectory, starts_at=NOW + dt.timedelta(days=20)
    )
    soon = AppointmentFactory(
        trajectory=trajectory, starts_at=NOW + dt.timedelta(days=1)
    )
    coach_http.post(close_url(trajectory), {"retention": "delete"})
    clock.shift(dt.timedelta(days=5))
    coach_http.force_login(coach)  # the 8-hour session ran out meanwhile
    AuditEvent.objects.all().delete()

    response = coach_http.post(reopen_url(trajectory))

    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.status == Trajectory.Status.ACTIVE
    assert (trajectory.closed_at, trajectory.retention) == (None, "")
    assert trajectory.retention_due_on is None
    coming.refresh_from_db()
    soon.refresh_from_db()
    assert coming.cancelled_at is None  # still ahead: planned again
    assert soon.cancelled_at is not None  # passed while closed: stays cancelled
    assert list(
        StatusChange.objects.filter(trajectory=trajectory).values_list(
            "status", flat=True
        )
    ) == ["closed", "active"]
    assert AuditEvent.objects.filter(
        actor=coach, action=AuditEvent.Action.CHANGE, object_id=str(trajectory.pk)
    ).exists()
    # Open again: closable, and its appointment is back on the dashboard.
    assert (
        close_url(trajectory) in coach_http.get(change_url(trajectory)).content.decode()
    )
    assert _dashboard_appointments(coach_http.get(reverse("admin:dashboard"))) == []
    clock.shift(dt.timedelta(days=12))
    coach_http.force_login(coach)
    assert [
        a.pk
        for a in _dashboard_appointments(coach_http.get(reverse("admin:dashboard")))
    ] == [coming.pk]


def test_reopening_is_refused_from_the_due_date_on(
    coach, coach_http, trajectory, clock
):
    coach_http.post(close_url(trajectory), {"retention": "delete"})
    clock.move_to(dt.datetime(2027, 1, 1, 0, 30, tzinfo=AMSTERDAM))
    coach_http.force_login(coach)

    page = coach_http.get(change_url(trajectory))
    response = coach_http.post(reopen_url(trajectory), follow=True)

    assert reopen_url(trajectory) not in page.content.decode()
    assert response.status_code == 200
    trajectory.refresh_from_db()
    assert trajectory.is_closed
    assert [str(m) for m in response.context["messages"]]


def test_reopening_is_refused_once_the_retention_acted(coach_http, trajectory):
    coach_http.post(close_url(trajectory), {"retention": "delete"})
    Trajectory.objects.filter(pk=trajectory.pk).update(retention_done_at=NOW)

    coach_http.post(reopen_url(trajectory))

    trajectory.refresh_from_db()
    assert trajectory.is_closed


def test_reopening_an_open_trajectory_changes_nothing(coach_http, trajectory):
    response = coach_http.post(reopen_url(trajectory))

    assert response.status_code == 302
    assert not StatusChange.objects.filter(trajectory=trajectory).exists()
    assert not Appointment.objects.exists()
