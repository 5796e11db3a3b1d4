"""The owner finds who looked at one client, on a desktop and on a phone (390 px)."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, Response, expect

from refleact.accounts.models import Role, User
from refleact.audit.models import AuditEvent
from refleact.testing.factories import ClientFactory, TrajectoryFactory

PASSWORD = "correct horse battery staple"


def _user(username: str, role: str, first_name: str) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, is_staff=True, first_name=first_name
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.mark.django_db(transaction=True, databases="__all__")
@pytest.mark.parametrize("width", [1366, 390])
def test_owner_filters_the_log_by_a_client_and_opens_a_group(
    page: Page, app_url: str, screenshot, width: int
):
    owner = _user("eigenaar", Role.OWNER, "Olga")
    coach = _user("coach.noor", Role.COACH, "Noor")
    client = ClientFactory(first_name="Sanne", last_name="Verhoeven", coaches=[coach])
    trajectory = TrajectoryFactory(client=client, coach=coach)
    # 40 seconds inside one ten-minute bucket.
    start = timezone.now() - datetime.timedelta(minutes=30)
    start = start.replace(minute=start.minute // 10 * 10, second=5)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=coach,
            action=action,
            model=label,
            object_id=str(row.pk),
            holder_id=client.holder_id,
            at=start + datetime.timedelta(seconds=i),
        )
        for i in range(40)
        for action, label, row in (
            ("view", "clients.client", client),
            ("list", "dossiers.trajectory", trajectory),
        )
    )
    AuditEvent.objects.create(
        actor=coach,
        action="list",
        model="clients.client",
        object_id=str(uuid.uuid4()),
        holder_id=uuid.uuid4(),
    )
    failed: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failed.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    page.on("pageerror", lambda error: failed.append(f"script error: {error}"))
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"{app_url}/admin/login/")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Olga")

    # From the client's page, as the owner follows its link.
    page.goto(f"{app_url}/admin/audit/auditevent/?holder_id={client.holder_id}")
    results = page.locator("#result_list")
    expect(results).to_contain_text("Sanne Verhoeven")
    expect(results.locator("tbody tr")).to_have_count(2)  # 80 rows, two groups
    expect(results).to_contain_text("40 ×")
    screenshot(page, f"{width}-grouped")

    # The client search in the filter: a whole last name finds her.
    page.goto(f"{app_url}/admin/audit/auditevent/")
    if width < 768:
        page.locator("#changelist-filter").scroll_into_view_if_needed()
    page.click(".audit-holder-filter .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "Verhoeven")
    page.get_by_role("option", name=re.compile("Sanne Verhoeven")).click()
    expect(page).to_have_url(re.compile(f"holder_id={client.holder_id}"))
    # Noor's two groups, and the owner's own reading of the names since.
    expect(results.locator("tbody tr", has_text="Noor")).to_have_count(2)
    expect(results.locator("tbody tr", has_text="Olga")).not_to_have_count(0)
    screenshot(page, f"{width}-filtered")

    # A group opens its own rows.
    page.locator("#result_list a", has_text=re.compile("toon 40 regels")).first.click()
    expect(results.locator("tbody tr")).to_have_count(40)
    screenshot(page, f"{width}-rows")
    assert failed == []
