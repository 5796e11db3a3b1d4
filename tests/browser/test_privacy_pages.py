"""The public privacy pages and the login page's link to them fit: no sideways
scrolling at 1366 px or 390 px. Screenshots in test-artifacts/browser/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consent.models import PolicyVersion
from consent.policy_text import FIRST_POLICY_FILE

WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_privacy_pages_fit_at_desktop_and_phone_width(
    page: Page, app_url: str, screenshot
):
    # A transactional test starts without the data migration's first version.
    PolicyVersion.objects.get_or_create(
        version=1,
        language="nl",
        defaults={
            "effective_on": "2018-08-20",
            "text": FIRST_POLICY_FILE.read_text(encoding="utf-8"),
        },
    )
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        for step, path in (
            ("policy", "/privacy/"),
            ("data", "/privacy/gegevens/"),
            ("data-en", "/privacy/gegevens/?lang=en"),
        ):
            page.goto(app_url + path)
            expect(page.locator("h1").first).to_be_visible()
            screenshot(page, f"{step}-{name}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, (path, width, overflow)
        page.goto(app_url + "/admin/login/")
        link = page.get_by_role("link", name="Welke gegevens wij bewaren")
        expect(link).to_be_visible()
        screenshot(page, f"login-{name}")
        link.click()
        expect(page).to_have_url(app_url + "/privacy/gegevens/")
