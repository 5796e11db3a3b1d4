"""An anonymous intervision case in a real browser: from the trajectory's page,
through choosing and the preview (with a hand edit), to the downloaded PDF.

The PDF is saved to test-artifacts/browser/ beside the screenshots, for a person
to look at (pdftoppm -png).
"""

from __future__ import annotations

import re
import subprocess

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, Response, expect

from clients.models import Client, Organisation
from dossiers.models import DossierEntry, Trajectory
from refleact.accounts.models import Role, User
from refleact.audit.models import AuditEvent
from tests.browser.conftest import ARTIFACTS

USERNAME = "coach.noor"
PASSWORD = "een-lang-test-wachtwoord"

# Invented people and organisations.
IDENTIFIERS = [
    "Sanne",
    "Verhoeven",
    "sanne.verhoeven@example.nl",
    "06 12345678",
    "0612345678",
    "+31612345678",
    "Brouwer Logistiek",
    "Brouwer",
    "Karin",
    "Dijkstra",
]
NOTE = (
    "Sanne Verhoeven (06 12345678) werkt sinds 2019 bij Brouwer Logistiek. Op "
    "03-11-2026 vertelde Sanne dat haar leidinggevende Karin Dijkstra haar "
    "overvraagt. We werkten met de cirkel van invloed van Covey.\n"
    "Sanne's huiswerk: elke vrijdag een grens benoemen."
)


def _practice() -> Trajectory:
    coach = User.objects.create_user(
        username=USERNAME,
        password=PASSWORD,
        is_staff=True,
        first_name="Noor",
        last_name="Bakker",
    )
    coach.groups.add(Group.objects.get_or_create(name=Role.COACH)[0])
    employer = Organisation.objects.create(name="Brouwer Logistiek")
    client = Client(
        first_name="Sanne",
        last_name="Verhoeven",
        email="sanne.verhoeven@example.nl",
        phone="+31612345678",
        kind=Client.Kind.CONTACT,
        organisation=employer,
    )
    client.full_clean()
    client.save()
    client.coaches.add(coach)
    trajectory = Trajectory.objects.create(
        kind=Trajectory.Kind.COACHING,
        client=client,
        holder_id=client.holder_id,
        coach=coach,
        status=Trajectory.Status.ACTIVE,
    )
    for title, body in (("Sessie 3 met Sanne", NOTE), ("Intake", "Kennismaking.")):
        DossierEntry.objects.create(
            trajectory=trajectory,
            holder_id=client.holder_id,
            kind=DossierEntry.Kind.PROGRESS,
            title=title,
            body=body,
            author=coach,
        )
    return trajectory


def _pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.mark.django_db(transaction=True, databases="__all__")
@pytest.mark.parametrize("width", [1366, 390])
def test_coach_exports_an_anonymous_case_from_the_trajectory(
    page: Page, app_url: str, screenshot, width: int
):
    trajectory = _practice()
    page.set_viewport_size({"width": width, "height": 900})
    failed: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failed.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    page.on("pageerror", lambda error: failed.append(f"script error: {error}"))
    page.on("console", lambda m: m.type == "error" and failed.append(m.text))

    page.goto(f"{app_url}/admin/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Noor")

    # The trajectory's page: the case starts from its object tools.
    page.goto(f"{app_url}/admin/dossiers/trajectory/{trajectory.pk}/change/")
    link = page.locator("a.refleact-intervision-link")
    expect(link).to_have_text(re.compile("intervisie-casus", re.IGNORECASE))
    screenshot(page, f"{width}-trajectory")
    link.click()

    # Choosing the entries.
    expect(page.locator("h1")).to_contain_text("Intervisie-casus")
    page.get_by_label(re.compile("Sessie 3 met Sanne")).check()
    screenshot(page, f"{width}-choose")
    page.get_by_role("button", name="Bekijk de anonieme casus").click()

    # The preview: scrubbed and highlighted, with the text to shorten by hand.
    main = page.locator("#content-main")
    expect(main.locator("mark.refleact-replaced").first).to_be_visible()
    expect(main.locator(".refleact-case-text")).to_contain_text("cirkel van invloed")
    for identifier in IDENTIFIERS:
        expect(main.locator(".refleact-case-text")).not_to_contain_text(identifier)
    screenshot(page, f"{width}-preview")
    text = page.locator("#id_form-0-text")
    edited = (
        text.input_value()
        .replace("Elke vrijdag een grens benoemen.", "")
        .replace(" elke vrijdag een grens benoemen.", " oefenen; Sanne Verhoeven belt.")
    )
    text.fill(edited)
    page.fill("#id_question", "Hoe blijf ik naast de cliënt staan zonder te redden?")
    page.get_by_role("button", name="Opnieuw bekijken").click()
    # The name typed back in is replaced again.
    expect(page.locator("#id_form-0-text")).not_to_have_value(re.compile("Sanne"))
    expect(main.locator(".refleact-case-text")).to_contain_text("oefenen")
    screenshot(page, f"{width}-preview-again")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download de pdf").click()
    download = download_info.value
    assert re.fullmatch(
        r"intervisie-casus-\d{4}-\d{2}\.pdf", download.suggested_filename
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = ARTIFACTS / f"intervision_flow-{width}-case.pdf"
    download.save_as(saved)

    pdf = " ".join(_pdf_text(saved).split())  # words, whatever the line breaks
    for identifier in IDENTIFIERS:
        assert identifier not in pdf, identifier
    assert "03-11-2026" not in pdf and "[november 2026]" in pdf
    assert "cirkel van invloed" in pdf and "oefenen" in pdf
    assert "naast de cliënt staan" in pdf
    assert failed == []
    assert AuditEvent.objects.filter(
        action="export", object_id=str(trajectory.pk)
    ).exists()
