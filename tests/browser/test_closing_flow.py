"""A coach sees the coming week on the dashboard, closes a trajectory from its own
page, and sees its future appointments leave the dashboard."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    TrajectoryFactory,
)
from tests.browser.test_coach_flow import PASSWORD, USERNAME, _coach

ROOM = "https://meet.jit.si/refleact-Zm9vYmFyYmF6cXV4cXV1eA"
WIDTHS = (1366, 390)


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _no_sideways_scrolling(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_coach_closes_a_trajectory_and_its_appointments_leave_the_week(
    page: Page, app_url: str, screenshot
):
    coach = _coach()
    client = ClientFactory(first_name="Sanne", last_name="Verhoeven", coaches=[coach])
    trajectory = TrajectoryFactory(client=client, coach=coach)
    AppointmentFactory(
        trajectory=trajectory, starts_at=_at(1, 10), video_link=ROOM, place=""
    )
    AppointmentFactory(trajectory=trajectory, starts_at=_at(4, 15))
    other = TrajectoryFactory(
        client=ClientFactory(first_name="Daan", last_name="Mulder", coaches=[coach]),
        coach=coach,
    )
    AppointmentFactory(trajectory=other, starts_at=_at(2, 9), place="Praktijk")
    failed: list[str] = []
    page.on(
        "response",
        lambda r: (
            failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda error: failed.append(f"script error: {error}"))

    page.goto(f"{app_url}/admin/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Noor")

    # The week view: seven days from today, each appointment under its day.
    week = page.locator("#coming-appointments")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{app_url}/admin/dashboard/")
        expect(week.locator(".refleact-week-day")).to_have_count(7)
        expect(week.locator(".refleact-appointment")).to_have_count(3)
        expect(week).to_contain_text("Sanne Verhoeven")
        link = week.get_by_role("link", name="Videogesprek openen")
        expect(link).to_have_attribute("href", ROOM)
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", "noopener noreferrer")
        screenshot(page, f"week-{width}")
        assert _no_sideways_scrolling(page), width

    # Close it from the trajectory page; the confirmation says what and when.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{app_url}/admin/dossiers/trajectory/{trajectory.pk}/change/")
    page.get_by_role("link", name="Traject afsluiten").click()
    expect(page).to_have_url(re.compile(rf"/{trajectory.pk}/close/$"))
    confirmation = page.locator("#content-main")
    expect(confirmation).to_contain_text("kennisopbouw")
    expect(confirmation).to_contain_text("2 toekomstige afspraken worden geannuleerd")
    due = timezone.localdate() + dt.timedelta(days=30)
    expect(confirmation).to_contain_text(due.strftime("%d-%m-%Y"))
    screenshot(page, "close-confirmation-1366")
    page.set_viewport_size({"width": 390, "height": 900})
    screenshot(page, "close-confirmation-390")
    assert _no_sideways_scrolling(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("pseudonimiseren voor kennisopbouw").check()
    page.get_by_role("button", name="Traject afsluiten").click()

    expect(page.locator("ul.messagelist .success")).to_contain_text(
        due.strftime("%d-%m-%Y")
    )
    expect(page.get_by_role("button", name="Traject heropenen")).to_be_visible()
    screenshot(page, "closed-trajectory")

    # Its appointments left the week; the other client's stays.
    page.goto(f"{app_url}/admin/dashboard/")
    expect(week.locator(".refleact-appointment")).to_have_count(1)
    expect(week).not_to_contain_text("Sanne Verhoeven")
    expect(week).to_contain_text("Daan Mulder")
    screenshot(page, "week-after-closing")

    assert failed == []
    trajectory.refresh_from_db()
    assert trajectory.is_closed and trajectory.retention == "pseudonymise"
    assert trajectory.retention_due_on == due
    assert trajectory.appointments.filter(cancelled_at=None).count() == 0
