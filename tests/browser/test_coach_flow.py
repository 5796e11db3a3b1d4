"""The coach's daily round in a real browser: log in, add a client, open a
trajectory, write a progress note and find it back in the dossier."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, Response, expect

from clients.models import Client
from dossiers.models import DossierEntry, Trajectory
from refleact.accounts.models import Role, User

USERNAME = "coach.noor"
PASSWORD = "een-lang-test-wachtwoord"

# An invented client and note: no real person.
FIRST_NAME = "Sanne"
LAST_NAME = "Verhoeven"
EMAIL = "sanne.verhoeven@example.nl"
PHONE = "06 12345678"
LEARNING_QUESTION = "Hoe houd ik grenzen aan in drukke projecten?"
NOTE_TITLE = "Voortgang sessie 2"
NOTE_BODY = "Sanne oefende met nee zeggen en merkt dat ze rustiger werkt."


def _coach() -> User:
    user = User.objects.create_user(
        username=USERNAME,
        password=PASSWORD,
        is_staff=True,
        first_name="Noor",
        last_name="Bakker",
    )
    # Transactional tests flush the database afterwards, which also drops the
    # groups the migrations created: get_or_create, not get.
    user.groups.add(Group.objects.get_or_create(name=Role.COACH)[0])
    return user


def _expect_saved(page: Page) -> None:
    expect(page.locator(".errornote")).to_have_count(0)
    expect(page.locator("ul.messagelist .success")).to_be_visible()


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_coach_writes_a_progress_note_and_finds_it_in_the_dossier(
    page: Page, app_url: str, screenshot
):
    coach = _coach()
    # A missing stylesheet or script, or a server error, shows only as a broken
    # page; collect them so the test fails on them, not just the screenshots.
    failed: list[str] = []

    def on_response(response: Response) -> None:
        # No favicon is served; browsers ask for one on their own.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failed.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    # What the coach types (names, e-mail) must never travel in a URL.
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.on("pageerror", lambda error: failed.append(f"script error: {error}"))

    # Log in through the real admin form, past django-axes.
    page.goto(f"{app_url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    screenshot(page, "login")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Noor")
    screenshot(page, "index")

    # A new client.
    page.goto(f"{app_url}/admin/clients/client/add/")
    page.select_option("#id_kind", "private")
    page.fill("#id_first_name", FIRST_NAME)
    page.fill("#id_last_name", LAST_NAME)
    page.fill("#id_email", EMAIL)
    page.fill("#id_phone", PHONE)
    page.select_option("#id_language", "nl")
    screenshot(page, "client-add")
    page.click("input[name=_save]")
    _expect_saved(page)
    expect(page.locator("#result_list")).to_contain_text(f"{FIRST_NAME} {LAST_NAME}")
    screenshot(page, "client-list")

    # A coaching trajectory for that client; the client field is a select2
    # autocomplete, which posts what is typed (a part of the name is enough).
    page.goto(f"{app_url}/admin/dossiers/trajectory/add/")
    page.select_option("#id_kind", "coaching")
    page.click(".field-client .select2-selection")
    page.fill(".select2-container--open .select2-search__field", LAST_NAME[:5])
    page.locator("#select2-id_client-results").get_by_role(
        "option", name=f"{FIRST_NAME} {LAST_NAME}"
    ).click()
    expect(page.locator("#select2-id_client-container")).to_contain_text(LAST_NAME)
    assert [u for u in urls if LAST_NAME[:5].lower() in u.lower()] == []
    page.fill("#id_learning_question", LEARNING_QUESTION)
    page.select_option("#id_status", "active")
    page.fill("#id_start_date", "02-03-2026")  # Dutch date input format
    screenshot(page, "trajectory-add")
    page.click("input[name=_continue]")
    _expect_saved(page)
    screenshot(page, "trajectory-change")

    # A progress note in the dossier inline on the trajectory page.
    page.click("#entries-group .add-row a")
    page.select_option("#id_entries-0-kind", "progress")
    page.fill("#id_entries-0-title", NOTE_TITLE)
    page.fill("#id_entries-0-body", NOTE_BODY)
    screenshot(page, "note-add")
    page.click("input[name=_continue]")
    _expect_saved(page)

    # Found in the dossier: on the trajectory page after a reload ...
    page.reload()
    expect(page.locator("#id_entries-0-title")).to_have_value(NOTE_TITLE)
    expect(page.locator("#id_entries-0-body")).to_have_value(NOTE_BODY)
    screenshot(page, "trajectory-with-note")

    # ... in the list of dossier entries, and on the entry's own page.
    page.goto(f"{app_url}/admin/dossiers/dossierentry/")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(NOTE_TITLE)
    expect(row).to_contain_text("Noor Bakker")  # the author, by name
    screenshot(page, "dossier-list")
    row.get_by_role("link", name=NOTE_TITLE).click()
    expect(page.locator("#id_title")).to_have_value(NOTE_TITLE)
    expect(page.locator("#id_body")).to_have_value(NOTE_BODY)
    screenshot(page, "note-change")

    assert failed == []
    client = Client.objects.get()
    assert (client.first_name, client.last_name) == (FIRST_NAME, LAST_NAME)
    assert (client.email, client.phone) == (EMAIL, "+31612345678")
    assert list(client.coaches.all()) == [coach]
    trajectory = Trajectory.objects.get()
    assert (trajectory.client, trajectory.coach) == (client, coach)
    assert (trajectory.kind, trajectory.status) == ("coaching", "active")
    assert trajectory.learning_question == LEARNING_QUESTION
    entry = DossierEntry.objects.get()
    assert (entry.trajectory, entry.kind) == (trajectory, DossierEntry.Kind.PROGRESS)
    assert (entry.title, entry.body, entry.author) == (NOTE_TITLE, NOTE_BODY, coach)
