"""The coach's main screens fit: no sideways scrolling at 1366 px or 390 px.

The trajectory page carries a realistic load (four dossier entries with long
text and an attachment, three appointments with a video link, an evaluation);
the client list its six columns; the dashboard its week.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    EvaluationFactory,
    OrganisationFactory,
    TrajectoryFactory,
)
from tests.browser.test_coach_flow import PASSWORD, USERNAME, _coach

LONG = (
    "Sessie over grenzen aangeven op het werk; we oefenden met een rollenspel en "
    "bespraken de feedback van haar leidinggevende uitgebreid. "
) * 3


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_main_screens_fit_at_desktop_and_phone_width(
    page: Page, app_url: str, screenshot
):
    coach = _coach()
    organisation = OrganisationFactory(
        name="Installatiebedrijf Van der Meulen-Hoekstra"
    )
    client = ClientFactory(
        first_name="Anne-Marije",
        last_name="van den Heuvel-Dijkstra",
        organisation=organisation,
        coaches=[coach],
    )
    trajectory = TrajectoryFactory(client=client, coach=coach)
    for number in range(4):
        DossierEntryFactory(
            trajectory=trajectory,
            title=f"Voortgangsgesprek {number + 1} over werkdruk en grenzen",
            body=LONG,
            attachment=(
                SimpleUploadedFile("kernkwadrant-uitgewerkt.pdf", b"%PDF" * 200)
                if number == 0
                else None
            ),
        )
    start = timezone.now() + dt.timedelta(days=1)
    for number in range(3):
        AppointmentFactory(
            trajectory=trajectory,
            starts_at=start + dt.timedelta(days=number),
            video_link="https://meet.jit.si/refleact-Zm9vYmFyYmF6cXV4cXV1eA",
            note="Meenemen: het ingevulde kernkwadrant en de agenda van volgende week.",
        )
    EvaluationFactory(trajectory=trajectory, answers="Meer overzicht en rust.\n8")
    for _ in range(12):
        ClientFactory(organisation=organisation, coaches=[coach])

    page.goto(f"{app_url}/admin/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()

    pages = {
        "trajectory": f"/admin/dossiers/trajectory/{trajectory.pk}/change/",
        "clients": "/admin/clients/client/",
        "dashboard": "/admin/dashboard/",
    }
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(f"{app_url}{path}")
            screenshot(page, f"{name}-{width}")
            fits = page.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth"
            )
            assert fits, f"{name} scrolls sideways at {width} px"
        # On the trajectory page the dossier comes first, and is open.
        page.goto(f"{app_url}{pages['trajectory']}")
        groups = page.locator(".inline-group")
        expect(groups.first).to_have_attribute("id", "entries-group")
        expect(page.locator("#entries-group details")).to_have_attribute("open", "")
        # The client list's last column is in view.
        page.goto(f"{app_url}{pages['clients']}")
        if width == 1366:
            last = page.locator("#result_list thead th").last
            box = last.bounding_box()
            assert box and box["x"] + box["width"] <= width
