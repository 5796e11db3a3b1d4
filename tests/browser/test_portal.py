"""The client portal in Chromium: the main flow, an axe-core scan of every page,
and no sideways scrolling at 1366 px and 390 px. Screenshots in
test-artifacts/browser/ (look at them)."""

from __future__ import annotations

import base64
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from clients.models import Client
from portal import services
from portal.models import PortalAccount, PortalRequest
from portal.tests.conftest import fill
from refleact.testing.personas import make_user
from tests.browser.test_csp import LISTEN, violations

WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}
PASSWORD = "een lang wachtwoord voor de browser 9"
STAFF_PASSWORD = "a-long-test-password"  # noqa: S105 (make_user's)
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
def test_client_flow_from_invitation_to_export(
    page: Page, app_url, coach, screenshot, browser, browser_context_args
):
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

    # A deletion request: the portal offers the export first, then the owner
    # approves it in the admin and the client is erased.
    page.goto(app_url + "/portal/verzoeken/")
    page.get_by_label("mijn gegevens verwijderen").check()
    page.get_by_role("button", name="Verzoek versturen").click()
    expect(page.get_by_text("Download eerst uw gegevens")).to_be_visible()
    screenshot(page, "deletion-request")
    page.get_by_role("main").get_by_role("link", name="Mijn gegevens").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download mijn gegevens")).click()
    assert download.value.suggested_filename.endswith(".zip")

    _owner_approves_the_deletion(browser, browser_context_args, app_url, screenshot)
    assert not Client.objects.filter(pk=client.pk).exists()
    assert not PortalAccount.objects.filter(holder_id=client.holder_id).exists()
    page.goto(app_url + "/portal/")
    expect(page).to_have_url(re.compile("/portal/inloggen/"))


def _owner_approves_the_deletion(browser, context_args, app_url, screenshot) -> None:
    """The owner, in a browser of their own, approves the client's deletion request."""
    owner = make_user("eigenaar.olga", role="owner")
    row = PortalRequest.objects.get(kind="deletion")
    context = browser.new_context(**context_args)
    page = context.new_page()
    page.goto(app_url + "/admin/login/")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    page.goto(app_url + "/admin/portal/portalrequest/")
    rows = page.locator("#result_list tbody tr")
    rows.filter(has_text="mijn gegevens verwijderen").locator("th a").click()
    page.get_by_role("link", name="Goedkeuren en verwijderen (eigenaar)").click()
    expect(page).to_have_url(re.compile(f"{row.pk}/approve-deletion/"))
    # It says the client downloaded their data after asking.
    expect(page.locator("#content-main")).to_contain_text(
        "heeft de gegevens gedownload na"
    )
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, ("approve-deletion", width, overflow)
        screenshot(page, f"approve-deletion-{name}")
    page.get_by_role("button", name="Goedkeuren en de cliënt verwijderen").click()
    expect(page.locator(".messagelist")).to_contain_text("sleutel is vernietigd")
    screenshot(page, "approved")
    context.close()


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
    _second_factor_pages(page, app_url, client, found, screenshot)
    refused += violations(page, [])
    assert {p: v for p, v in found.items() if v} == {}
    assert refused + console == []


def _fits_both_widths(page: Page, label: str, found: dict, screenshot) -> None:
    """Scan the open page with axe, then check and shoot it at both widths."""
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        if name == "desktop":
            found[label] = _serious(page)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, (label, width, overflow)
        screenshot(page, f"{label}-{name}")
    page.set_viewport_size({"width": 1366, "height": 768})


def _second_factor_pages(page: Page, app_url, client, found, screenshot) -> None:
    """Turn the second factor on, log in with a recovery code, turn it off."""
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(app_url + "/portal/account/")
    page.get_by_role("link", name="Tweede stap aanzetten").click()
    expect(page.locator("img.qr")).to_be_visible()
    _fits_both_widths(page, "second-factor-setup", found, screenshot)
    key = page.locator("code.key").inner_text().replace(" ", "")
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    page.locator("#id_token").fill(f"{totp(secret):06d}")
    page.get_by_role("button", name="Aanzetten").click()
    expect(page.locator("ul.codes li")).to_have_count(8)
    recovery = page.locator("ul.codes code").first.inner_text()
    _fits_both_widths(page, "second-factor-codes", found, screenshot)

    page.get_by_role("button", name="Afmelden").click()
    page.get_by_label("E-mailadres").fill(client.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("h1")).to_have_text("Bevestig uw aanmelding")
    _fits_both_widths(page, "login-code", found, screenshot)
    page.locator("#id_token").fill(recovery)
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.locator("h1")).to_have_text("Welkom in uw portaal")

    page.goto(app_url + "/portal/account/")
    page.get_by_role("link", name="Tweede stap uitzetten").click()
    _fits_both_widths(page, "second-factor-off", found, screenshot)
    page.get_by_label("Of uw wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Uitzetten").click()
    expect(page.locator(".messages")).to_contain_text("De tweede stap staat uit.")
