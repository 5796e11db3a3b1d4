"""The admin's main pages, the public pages and an error page run under the CSP
(no 'unsafe-inline') without one violation in the browser (issue 15, point 2)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    EvaluationFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    TrajectoryFactory,
)
from refleact.testing.personas import make_user

PASSWORD = "a-long-test-password"  # noqa: S105 (make_user's)

# Collects what the page itself sees: the event fires for every refused
# script, style, image or frame, inline ones included.
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def violations(page: Page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__cspViolations || []"), *console]


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_main_pages_run_without_a_csp_violation(page: Page, app_url: str):
    coach = make_user("coach.csp", role="coach")
    client = ClientFactory(coaches=[coach])
    trajectory = TrajectoryFactory(client=client, coach=coach)
    DossierEntryFactory(trajectory=trajectory)
    AppointmentFactory(trajectory=trajectory)
    EvaluationFactory(trajectory=trajectory)
    invoice = InvoiceFactory(trajectory=trajectory)
    InvoiceLineFactory(invoice=invoice)

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

    def visit(path: str) -> None:
        page.goto(app_url + path)
        page.wait_for_load_state("networkidle")
        assert violations(page, console) == [], path

    for path in ("/privacy/", "/privacy/gegevens/", "/no-such-page/"):
        visit(path)
    visit(reverse("admin:login"))
    page.fill("#id_username", "coach.csp")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))
    for path in (
        reverse("admin:index"),
        reverse("admin:dashboard"),
        reverse("admin:clients_client_changelist"),
        reverse("admin:clients_client_change", args=[client.pk]),
        reverse("admin:dossiers_invoice_change", args=[invoice.pk]),
    ):
        visit(path)
    visit(reverse("admin:dossiers_trajectory_change", args=[trajectory.pk]))
    # Open an autocomplete and an inline's "add another" row: scripts that
    # build elements at run time must not need inline styles either.
    picker = page.locator(".select2-selection:visible")
    if picker.count():
        picker.first.click()
        page.wait_for_timeout(300)
    add_row = page.locator(".add-row a:visible").first
    if add_row.count():
        add_row.click()
    assert violations(page, console) == []
