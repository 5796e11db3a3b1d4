"""Theory entries: the coach shares one on the trajectory page; only then its content shows."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from dossiers.models import DossierEntry
from refleact.crypto.files import seal_chunks
from refleact.testing.factories import DossierEntryFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__")

IP_NOTE = ("intellectual property", "intellectueel eigendom")


def _inline_post(trajectory, coach, *, shared: bool) -> dict:
    data = {
        "kind": "coaching",
        "client": str(trajectory.client_id),
        "coach": str(coach.pk),
        "learning_question": "Meer rust",
        "status": "active",
    }
    for prefix in (
        "entries",
        "appointments",
        "evaluations",
        "quotes",
        "invoices",
        "status_changes",
    ):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "1" if prefix == "entries" else "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(
        {
            "entries-0-kind": "theory",
            "entries-0-title": "Het dramadriehoek-model",
            "entries-0-body": "Redder, aanklager, slachtoffer.",
        }
    )
    if shared:
        data["entries-0-shared_with_client"] = "on"
    return data


@pytest.fixture
def trajectory_a(client_a, coach, account_a):
    return TrajectoryFactory(client=client_a, coach=coach, status="active")


def _page(http) -> str:
    return http.get(reverse("portal:dossier")).content.decode()


def test_coach_shares_theory_inline_and_the_client_sees_its_content(
    coach_http, coach, trajectory_a, http_a
):
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory_a.pk])
    response = coach_http.post(url, _inline_post(trajectory_a, coach, shared=True))
    assert response.status_code == 302
    entry = DossierEntry.objects.get(trajectory=trajectory_a)
    assert entry.shared_with_client
    page = _page(http_a)
    assert "Het dramadriehoek-model" in page
    assert "Redder, aanklager, slachtoffer." in page
    assert any(note in page for note in IP_NOTE)  # the note stays
    exported = json.loads(
        b"".join(http_a.get(reverse("portal:export", args=["json"])).streaming_content)
    )
    (dossier,) = [s for s in exported["sections"] if s["key"] == "dossier"]
    (row,) = dossier["rows"]
    assert "body" not in row.get("withheld", [])
    assert row["fields"]["body"] == "Redder, aanklager, slachtoffer."


def test_unshared_theory_shows_title_and_note_only(
    coach_http, coach, trajectory_a, http_a
):
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory_a.pk])
    coach_http.post(url, _inline_post(trajectory_a, coach, shared=False))
    entry = DossierEntry.objects.get(trajectory=trajectory_a)
    assert not entry.shared_with_client
    page = _page(http_a)
    assert "Het dramadriehoek-model" in page
    assert "Redder, aanklager, slachtoffer." not in page
    assert any(note in page for note in IP_NOTE)


def test_unshared_theory_attachment_is_a_404(trajectory_a, http_a):
    sealed = seal_chunks([b"handout"], filename="h.txt", content_type="text/plain")
    hidden = DossierEntryFactory(
        trajectory=trajectory_a, kind="theory", attachment=sealed
    )
    url = reverse("portal:attachment", args=[hidden.pk])
    assert http_a.get(url).status_code == 404
    hidden.shared_with_client = True
    hidden.save()
    assert http_a.get(url).status_code == 200
