"""Appointments: the video-call server setting, clickable links, the week view on
the dashboard, and dates written one way."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from dossiers import services
from dossiers.models import Appointment
from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Wednesday 2 December 2026, 09:00 in Amsterdam.
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=AMSTERDAM)
ROOM = "https://meet.jit.si/refleact-AbCdEfGhIjKlMnOpQrStUv"


def clickable(html: str) -> bool:
    """Return whether html holds ROOM as a link that opens a new tab without referrer."""
    link = rf'<a (class="[^"]*" )?href="{re.escape(ROOM)}" target="_blank" '
    return re.search(link + r'rel="noopener noreferrer">', html) is not None


@pytest.fixture(autouse=True)
def clock():
    # Autouse: first, so the personas' sessions start on the controlled clock.
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def trajectory(coach):
    return TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=AMSTERDAM)


def week(response) -> list[dict]:
    sections = {s["key"]: s for s in response.context["sections"]}
    return sections["coming_appointments"]["week"]


# -- the video-call server -------------------------------------------------------


def test_new_room_links_use_the_configured_server(settings):
    settings.VIDEO_CALL_BASE_URL = "https://video.example.nl/"

    url = services.jitsi_room_url()

    assert re.fullmatch(r"https://video\.example\.nl/refleact-[\w-]{22}", url)


def test_room_names_are_random():
    rooms = {services.jitsi_room_url() for _ in range(50)}

    assert len(rooms) == 50


def test_the_new_link_button_gets_the_server_from_a_data_attribute(
    coach_http, trajectory, settings
):
    settings.VIDEO_CALL_BASE_URL = "https://video.example.nl/"

    page = coach_http.get(reverse("admin:dossiers_appointment_add"))

    html = page.content.decode()
    assert 'data-video-base="https://video.example.nl/"' in html
    assert "meet.jit.si" not in html
    assert 'src="/static/refleact/jitsi.js"' in html


# -- clickable links -------------------------------------------------------------


def test_video_link_is_clickable_on_the_appointments_page(coach_http, trajectory):
    appointment = AppointmentFactory(trajectory=trajectory, video_link=ROOM)

    page = coach_http.get(
        reverse("admin:dossiers_appointment_change", args=[appointment.pk])
    )

    assert clickable(page.content.decode())


def test_video_link_is_clickable_in_the_appointment_list(coach_http, trajectory):
    AppointmentFactory(trajectory=trajectory, video_link=ROOM)

    page = coach_http.get(reverse("admin:dossiers_appointment_changelist"))

    assert clickable(page.content.decode())


def test_video_link_is_clickable_on_the_trajectory_page(coach_http, trajectory):
    AppointmentFactory(trajectory=trajectory, video_link=ROOM)

    page = coach_http.get(
        reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    )

    assert clickable(page.content.decode())


def test_video_link_is_clickable_on_the_dashboard(coach_http, trajectory):
    AppointmentFactory(trajectory=trajectory, starts_at=at(3, 14), video_link=ROOM)

    page = coach_http.get(reverse("admin:dashboard"))

    assert clickable(page.content.decode())


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "http://meet.jit.si/x", "meet.jit.si/x"]
)
def test_a_video_link_that_is_not_https_is_a_form_error(coach_http, trajectory, link):
    response = coach_http.post(
        reverse("admin:dossiers_appointment_add"),
        {
            "trajectory": str(trajectory.pk),
            "starts_at_0": "03-12-2026",
            "starts_at_1": "16:00",
            "duration_minutes": "60",
            "video_link": link,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["video_link"]
    assert not Appointment.objects.exists()


def test_a_stored_link_that_is_not_https_is_not_offered_as_a_link(
    coach_http, trajectory
):
    AppointmentFactory(
        trajectory=trajectory, starts_at=at(3, 14), video_link="javascript:alert(1)"
    )

    page = coach_http.get(reverse("admin:dashboard"))

    assert 'href="javascript:' not in page.content.decode()


# -- the week view ---------------------------------------------------------------


def test_week_view_lists_seven_days_from_today_with_their_appointments(
    coach_http, trajectory, outsider
):
    thursday = AppointmentFactory(
        trajectory=trajectory, starts_at=at(3, 16), place="Praktijk Heerenveen"
    )
    tuesday = AppointmentFactory(trajectory=trajectory, starts_at=at(8, 23, 30))
    AppointmentFactory(trajectory=trajectory, starts_at=at(9, 0, 30))  # day 8
    AppointmentFactory(trajectory=trajectory, starts_at=at(2, 8))  # past, today
    AppointmentFactory(trajectory=trajectory, starts_at=at(4, 10), cancelled_at=NOW)
    theirs = TrajectoryFactory(client=ClientFactory(coaches=[outsider]), coach=outsider)
    AppointmentFactory(trajectory=theirs, starts_at=at(3, 11))

    response = coach_http.get(reverse("admin:dashboard"))

    days = week(response)
    assert [d["date"] for d in days] == [dt.date(2026, 12, n) for n in range(2, 9)]
    assert days[0]["is_today"] and not days[1]["is_today"]
    assert [[a.pk for a in d["appointments"]] for d in days] == [
        [],
        [thursday.pk],
        [],
        [],
        [],
        [],
        [tuesday.pk],
    ]
    html = response.content.decode()
    assert "Vandaag, wo 2 dec." in html
    assert "do 3 dec." in html and "di 8 dec." in html
    assert "16:00" in html and "Praktijk Heerenveen" in html
    assert escape(str(trajectory.client)) in html
    # The access log records each appointment shown.
    listed = AuditEvent.objects.filter(action=AuditEvent.Action.LIST)
    assert {str(thursday.pk), str(tuesday.pk)} <= set(
        listed.values_list("object_id", flat=True)
    )


def test_week_view_costs_the_same_with_two_or_twenty_appointments(
    coach, coach_http, django_assert_num_queries
):
    def build(count: int) -> None:
        for n in range(count):
            trajectory = TrajectoryFactory(
                client=ClientFactory(coaches=[coach]), coach=coach
            )
            AppointmentFactory(trajectory=trajectory, starts_at=at(3 + n % 5, 10))

    def queries() -> int:
        from django.db import connections
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connections["default"]) as data:
            with CaptureQueriesContext(connections["keystore"]) as keys:
                assert coach_http.get(reverse("admin:dashboard")).status_code == 200
        return len(data) + len(keys)

    build(2)
    small = queries()
    build(18)
    assert queries() == small


# -- dates and times written one way ---------------------------------------------


def test_lists_inline_headers_and_readonly_fields_use_the_dutch_format(
    coach_http, trajectory
):
    AppointmentFactory(trajectory=trajectory, starts_at=at(2, 16))

    listing = coach_http.get(reverse("admin:dossiers_appointment_changelist"))
    page = coach_http.get(
        reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    )

    assert "wo 2 dec. 2026, 16:00" in listing.content.decode()
    html = page.content.decode()
    assert "wo 2 dec. 2026, 16:00" in html  # the inline row's header
    assert 'value="02-12-2026"' in html  # the date input
    assert 'value="16:00"' in html  # the time input, without seconds


def test_english_reads_sensibly(coach_http, trajectory):
    AppointmentFactory(trajectory=trajectory, starts_at=at(2, 16))

    listing = coach_http.get(
        reverse("admin:dossiers_appointment_changelist"),
        headers={"accept-language": "en"},
    )

    assert "Wed 2 Dec 2026, 16:00" in listing.content.decode()


def test_a_dutch_date_and_time_are_accepted(coach_http, trajectory):
    response = coach_http.post(
        reverse("admin:dossiers_appointment_add"),
        {
            "trajectory": str(trajectory.pk),
            "starts_at_0": "03-12-2026",
            "starts_at_1": "16:00",
            "duration_minutes": "60",
            "video_link": ROOM,
        },
    )

    assert response.status_code == 302
    assert Appointment.objects.get().starts_at == at(3, 16)
