"""Trajectory pages: create, inline dossier entries, attachments, closing, access."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import DossierEntry, StatusChange, Trajectory
from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def trajectory_form(client, coach, **overrides):
    data = {
        "kind": "coaching",
        "client": str(client.pk),
        "coach": str(coach.pk),
        "learning_question": "Meer rust in mijn werkweek",
        "status": "intake",
    }
    for prefix in (
        "entries",
        "appointments",
        "evaluations",
        "quotes",
        "invoices",
        "status_changes",
    ):
        data.update(inline_management(prefix))
    data.update(overrides)
    return data


def test_coach_opens_trajectory_and_it_records_the_status(coach, coach_http):
    client = ClientFactory(coaches=[coach])
    response = coach_http.post(
        reverse("admin:dossiers_trajectory_add"), trajectory_form(client, coach)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    trajectory = Trajectory.objects.get()
    assert trajectory.holder_id == client.holder_id
    assert trajectory.learning_question == "Meer rust in mijn werkweek"
    assert [c.status for c in StatusChange.objects.all()] == ["intake"]


def test_assigning_a_coach_adds_them_to_the_clients_coaches(owner_http, coach):
    client = ClientFactory()
    response = owner_http.post(
        reverse("admin:dossiers_trajectory_add"), trajectory_form(client, coach)
    )
    assert response.status_code == 302
    assert list(client.coaches.all()) == [coach]


def test_status_change_is_kept_with_its_time(coach, coach_http):
    trajectory = TrajectoryFactory(
        client=ClientFactory(coaches=[coach]), coach=coach, status="intake"
    )
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    response = coach_http.post(
        url, trajectory_form(trajectory.client, coach, status="quote")
    )
    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.status == "quote"
    assert list(trajectory.status_changes.values_list("status", flat=True)) == ["quote"]


def test_closed_cannot_be_chosen_in_the_form(coach, coach_http):
    client = ClientFactory(coaches=[coach])
    response = coach_http.post(
        reverse("admin:dossiers_trajectory_add"),
        trajectory_form(client, coach, status="closed"),
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors


def test_progress_note_with_attachment_round_trips(coach, coach_http):
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    payload = b"%PDF-1.4 theory handout " * 5000
    data = trajectory_form(trajectory.client, coach, status="active")
    data.update(inline_management("entries", total=1))
    data.update(
        {
            "entries-0-kind": "progress",
            "entries-0-title": "Sessie 3",
            "entries-0-body": "Anouk herkende haar blinde vlak.",
            "entries-0-attachment": SimpleUploadedFile(
                "handout.pdf", payload, content_type="application/pdf"
            ),
        }
    )
    response = coach_http.post(url, data)
    assert response.status_code == 302, response.context and response.context.get(
        "errors"
    )
    entry = DossierEntry.objects.get()
    assert entry.author == coach and entry.holder_id == trajectory.holder_id
    assert entry.body == "Anouk herkende haar blinde vlak."
    download = coach_http.get(
        reverse("admin:dossiers_dossierentry_attachment", args=[entry.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == payload
    assert AuditEvent.objects.filter(
        action="download", object_id=str(entry.pk)
    ).exists()
    # The file on disk is ciphertext.
    assert b"theory handout" not in entry.attachment.path.read_bytes()


@pytest.mark.parametrize(
    "name",
    [
        "dossiers_trajectory_change",
        "dossiers_trajectory_history",
        "dossiers_trajectory_delete",
    ],
)
def test_outsider_gets_404_on_trajectory_urls(coach, outsider_http, name):
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    assert (
        outsider_http.get(reverse(f"admin:{name}", args=[trajectory.pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "name",
    [
        "dossiers_dossierentry_change",
        "dossiers_dossierentry_history",
        "dossiers_dossierentry_delete",
        "dossiers_dossierentry_attachment",
    ],
)
def test_outsider_gets_404_on_entry_and_attachment_urls(coach, outsider_http, name):
    entry = DossierEntryFactory(
        trajectory=TrajectoryFactory(
            client=ClientFactory(coaches=[coach]), coach=coach
        ),
        attachment=SimpleUploadedFile("a.txt", b"geheim"),
    )
    response = outsider_http.get(reverse(f"admin:{name}", args=[entry.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()


def test_attachment_download_refuses_post(coach, coach_http):
    entry = DossierEntryFactory(
        trajectory=TrajectoryFactory(
            client=ClientFactory(coaches=[coach]), coach=coach
        ),
        attachment=SimpleUploadedFile("a.txt", b"geheim"),
    )
    url = reverse("admin:dossiers_dossierentry_attachment", args=[entry.pk])
    assert coach_http.post(url).status_code == 405


def test_outsider_cannot_pick_another_coachs_client(coach, outsider, outsider_http):
    client = ClientFactory(coaches=[coach])
    response = outsider_http.post(
        reverse("admin:dossiers_trajectory_add"), trajectory_form(client, outsider)
    )
    assert response.status_code == 200
    assert "client" in response.context["adminform"].form.errors
    assert not Trajectory.objects.exists()


def test_autocomplete_offers_only_the_coachs_clients(coach, outsider, coach_http):
    mine = ClientFactory(first_name="Anouk", coaches=[coach])
    ClientFactory(first_name="Anouk", coaches=[outsider])
    response = coach_http.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "dossiers",
            "model_name": "trajectory",
            "field_name": "client",
            "term": "anouk",
        },
    )
    assert [r["id"] for r in response.json()["results"]] == [str(mine.pk)]


def test_close_action_asks_for_retention_and_records_it(coach, coach_http):
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    changelist = reverse("admin:dossiers_trajectory_changelist")
    ask = coach_http.post(
        changelist,
        {
            "action": "close_trajectories",
            "_selected_action": [trajectory.pk],
            "index": 0,
        },
    )
    assert ask.status_code == 200 and "retention" in ask.content.decode()
    trajectory.refresh_from_db()
    assert trajectory.status == "active"
    done = coach_http.post(
        changelist,
        {
            "action": "close_trajectories",
            "_selected_action": [trajectory.pk],
            "retention": "pseudonymise",
        },
    )
    assert done.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.status == "closed" and trajectory.retention == "pseudonymise"
    assert trajectory.closed_at is not None
    # A closed trajectory is read-only.
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    page = coach_http.get(url)
    assert page.status_code == 200 and page.context["has_change_permission"] is False


def test_dashboard_shows_active_work_of_the_coach_only(coach, outsider, coach_http):
    mine = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    theirs = TrajectoryFactory(client=ClientFactory(coaches=[outsider]), coach=outsider)
    AppointmentFactory(trajectory=mine)
    AppointmentFactory(trajectory=theirs)
    response = coach_http.get(reverse("admin:dashboard"))
    assert response.status_code == 200
    sections = {s["key"]: s for s in response.context["sections"]}
    assert sections["active_trajectories"]["active"] == [mine]
    shown = sections["coming_appointments"]["appointments"]
    assert [a.trajectory for a in shown] == [mine]
    assert (
        reverse("admin:dashboard")
        in coach_http.get(reverse("admin:index")).content.decode()
    )


def test_dashboard_refuses_post_and_anonymous(client, coach_http):
    assert coach_http.post(reverse("admin:dashboard")).status_code == 405
    assert client.get(reverse("admin:dashboard")).status_code == 302


def test_damaged_attachment_gives_a_clear_error_not_a_500(coach, coach_http):
    entry = DossierEntryFactory(
        trajectory=TrajectoryFactory(
            client=ClientFactory(coaches=[coach]), coach=coach
        ),
        attachment=SimpleUploadedFile("a.txt", b"geheim" * 100),
    )
    path = entry.attachment.path
    damaged = bytearray(path.read_bytes())
    damaged[-1] ^= 1
    path.write_bytes(bytes(damaged))
    response = coach_http.get(
        reverse("admin:dossiers_dossierentry_attachment", args=[entry.pk])
    )
    assert response.status_code == 409
    assert b"geheim" not in response.content


def test_erased_entry_shows_no_attachment_and_downloads_nothing(coach, coach_http):
    from refleact.crypto import keyring

    entry = DossierEntryFactory(
        trajectory=TrajectoryFactory(
            client=ClientFactory(coaches=[coach]), coach=coach
        ),
        attachment=SimpleUploadedFile("a.txt", b"geheim"),
    )
    keyring.destroy(entry.holder_id, reason="test")
    page = coach_http.get(
        reverse("admin:dossiers_dossierentry_change", args=[entry.pk])
    )
    assert page.status_code == 200
    listing = coach_http.get(reverse("admin:dossiers_dossierentry_changelist"))
    assert listing.status_code == 200
    url = reverse("admin:dossiers_dossierentry_attachment", args=[entry.pk])
    assert coach_http.get(url).status_code == 404


def test_reading_the_dossier_logs_each_entry_shown(coach, coach_http):
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    entries = [DossierEntryFactory(trajectory=trajectory) for _ in range(3)]
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    assert coach_http.get(url).status_code == 200
    viewed = set(
        AuditEvent.objects.filter(
            action="view", model="dossiers.dossierentry"
        ).values_list("object_id", flat=True)
    )
    assert viewed == {str(e.pk) for e in entries}
    assert AuditEvent.objects.filter(
        action="view", model="dossiers.trajectory", object_id=str(trajectory.pk)
    ).exists()
