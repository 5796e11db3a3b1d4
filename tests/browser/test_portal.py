"""The client portal in Chromium: the main flow, an axe-core scan of every page,
and no sideways scrolling at 1366 px and 390 px. Screenshots in
test-artifacts/browser/ (look at them)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import Page, expect

from portal import services
from portal.tests.conftest import fill
from tests.browser.test_csp import LISTEN, violations

WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}
PASSWORD = "een lang wachtwoord voor de browser 9"
PAGES = (
    "/portal/",
    "/portal/gegevens/",
    "/portal/gegevens/profiel/",
    "/portal/dossier/",
    "/portal/afspraken/",
    "/portal/evaluaties/",
    "/portal/offertes/",
    "/portal/toestemming/",
    "/portal/meldingen/",
    "/portal/verzoeken/",
    "/portal/account/",
)


def _serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def _client(coach):
    from refleact.testing.factories import ClientFactory

    client = ClientFactory(email="browser.client@example.nl")
    client.coaches.add(coach)
    return client


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_client_flow_from_invitation_to_export(page: Page, app_url, coach, screenshot):
    client = _client(coach)
    mail.outbox = []
    account = services.account_invite(actor=coach, client=client)
    fill(client, coach, account, tag="flow")
    link = re.search(r"http\S+", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(app_url + path)
    screenshot(page, "set-password")
    page.get_by_label("Nieuw wachtwoord").fill(PASSWORD)
    page.get_by_label("Hetzelfde wachtwoord nog eens").fill(PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()

    page.get_by_label("E-mailadres").fill(client.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    screenshot(page, "login")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("h1")).to_have_text("Welkom in uw portaal")

    page.get_by_role("link", name="Dossier", exact=True).first.click()
    expect(page.get_by_text("Reflectie flow")).to_be_visible()
    screenshot(page, "dossier")

    page.goto(app_url + "/portal/evaluaties/")
    page.locator("li", has_text="in te vullen").get_by_role("link").click()
    page.locator("textarea").first.fill("Meer overzicht.")
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(page.locator(".messages")).to_be_visible()

    page.goto(app_url + "/portal/toestemming/")
    page.get_by_role("button", name="Mijn toestemming intrekken").first.click()
    expect(page.locator(".messages")).to_contain_text("vastgelegd")
    screenshot(page, "consents")

    page.goto(app_url + "/portal/verzoeken/")
    page.get_by_label("een vraag over mijn gegevens").check()
    page.get_by_label("Uw verzoek").fill("Wie ziet mijn dossier?")
    page.get_by_role("button", name="Verzoek versturen").click()
    expect(page.get_by_text("Wie ziet mijn dossier?")).to_be_visible()
    screenshot(page, "request")

    page.goto(app_url + "/portal/gegevens/")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download mijn gegevens")).click()
    assert download.value.suggested_filename.endswith(".zip")


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_portal_pages_pass_axe_and_fit_at_both_widths(
    page: Page, app_url, coach, screenshot
):
    client = _client(coach)
    account = services.account_invite(actor=coach, client=client, send_email=False)
    account.user.set_password(PASSWORD)
    account.user.save()
    fill(client, coach, account, tag="axe")
    # The portal runs under the same CSP (no 'unsafe-inline'): not one violation.
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(LISTEN)
    page.goto(app_url + "/portal/inloggen/")
    found = {}
    refused = []
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(app_url + "/portal/inloggen/")
        if name == "desktop":
            found["/portal/inloggen/"] = _serious(page)
            page.get_by_label("E-mailadres").fill(client.email)
            page.get_by_label("Wachtwoord").fill(PASSWORD)
            page.get_by_role("button", name="Inloggen").click()
            expect(page.locator("h1")).to_be_visible()
        for path in PAGES:
            page.goto(app_url + path)
            expect(page.locator("h1")).to_be_visible()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, (path, width, overflow)
            if name == "desktop":
                found[path] = _serious(page)
            refused += violations(page, [])
            screenshot(page, f"{path.strip('/').replace('/', '-')}-{name}")
    assert {p: v for p, v in found.items() if v} == {}
    assert refused + console == []
