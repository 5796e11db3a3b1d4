"""An invoice typed the Dutch way in a browser set to English: "24,95" stays 24.95,
the totals show while typing and after saving, and issuing goes through a preview."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from dossiers.models import Invoice, InvoiceLine, Trajectory
from refleact.accounts.models import Role, User
from refleact.testing.factories import ClientFactory, TrajectoryFactory

USERNAME = "coach.noor"
PASSWORD = "een-lang-test-wachtwoord"


def _coach() -> User:
    user = User.objects.create_user(
        username=USERNAME, password=PASSWORD, is_staff=True, first_name="Noor"
    )
    user.groups.add(Group.objects.get_or_create(name=Role.COACH)[0])
    return user


def _no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_english_browser_invoices_24_95_previews_and_issues(
    browser: Browser, app_url: str, screenshot
):
    coach = _coach()
    trajectory = TrajectoryFactory(
        client=ClientFactory(
            first_name="Sanne", last_name="Verhoeven", coaches=[coach]
        ),
        coach=coach,
        status=Trajectory.Status.ACTIVE,
    )
    # The browser's own language is English: it asks for en-US, and a number
    # input there would read "24,95" as 2495.
    context = browser.new_context(
        locale="en-US",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1366, "height": 900},
    )
    page = context.new_page()
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
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()

    page.goto(f"{app_url}/admin/dossiers/invoice/add/?trajectory={trajectory.pk}")
    expect(page.locator("#id_billing_name")).to_have_value("Sanne Verhoeven")
    page.fill("#id_billing_address", "Dorpsstraat 1\n8441 AA Heerenveen")
    page.fill("#id_service_from", "2026-11-02")
    page.fill("#id_lines-0-description", "Coachingsessie")
    page.fill("#id_lines-0-quantity", "2")
    page.fill("#id_lines-0-unit_price", "24,95")
    totals = page.locator("table.refleact-totals")
    # 2 x 24.95 = 49.90, 21% VAT 10.48, total 60.38: computed while typing.
    expect(page.locator("#lines-0 td.field-line_amount")).to_contain_text("49.90")
    expect(totals.locator("tr.refleact-total")).to_contain_text("60.38")
    expect(totals).to_contain_text("10.48")
    screenshot(page, "typed-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "typed-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist .success")).to_be_visible()
    # The server's own totals after saving, in the page's language.
    expect(totals.locator("tr.refleact-total")).to_contain_text("60.38")
    expect(page.locator("#id_lines-0-unit_price")).to_have_value("24.95")
    screenshot(page, "saved")

    page.get_by_role("link", name=re.compile("Preview and issue")).click()
    expect(page.locator("iframe.refleact-issue-preview")).to_be_visible()
    expect(page.locator("#content-main")).to_contain_text("60.38")
    assert _no_sideways_scroll(page)
    screenshot(page, "preview-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    assert _no_sideways_scroll(page)
    screenshot(page, "preview-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    assert not Invoice.objects.get().is_issued  # a preview issues nothing

    page.get_by_role("button", name="Issue invoice").click()
    expect(page.locator("ul.messagelist .success")).to_contain_text("issued")
    # Read-only now: the totals are the saved ones, not recomputed from nothing.
    expect(totals.locator("tr.refleact-total")).to_contain_text("60.38")
    screenshot(page, "issued")
    context.close()

    assert failed == []
    invoice = Invoice.objects.get()
    assert invoice.is_issued and invoice.number
    line = InvoiceLine.objects.get()
    assert (line.quantity, line.unit_price) == (Decimal("2"), Decimal("24.95"))
    assert invoice.totals()["total"] == Decimal("60.38")
