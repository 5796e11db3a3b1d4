"""The admin index's recent actions: the kind in Dutch, the name on screen only.

The admin log stores "<model> <pk>"; the index names a row from the live row,
within the access rule, and records that it did in the access log.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from dossiers.models import Trajectory
from refleact.audit.models import AuditEvent
from refleact.testing.factories import ClientFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def log_change_as(user, obj) -> None:
    """Log a change as the admin does after a save."""
    request = RequestFactory().post("/")
    request.user = user
    admin.site._registry[type(obj)].log_change(
        request, obj, [{"changed": {"fields": ["status"]}}]
    )


@pytest.fixture
def trajectory(coach):
    client = ClientFactory(
        first_name="Timmerije", last_name="Zandstra", coaches=[coach]
    )
    return TrajectoryFactory(client=client, coach=coach)


def index(http) -> str:
    with translation.override("nl"):
        response = http.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    return response.content.decode()


def recent_box(page: str) -> str:
    return page[page.index('id="recent-actions-module"') :]


def test_the_log_keeps_no_name_and_the_index_shows_kind_and_name(
    coach, coach_http, trajectory
):
    log_change_as(coach, trajectory)

    box = recent_box(index(coach_http))

    assert "Zandstra" not in LogEntry.objects.get().object_repr
    assert "Traject" in box and f"trajectory {trajectory.pk}" not in box
    assert "Timmerije Zandstra" in box
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    assert f'href="{url}"' in box


def test_naming_a_row_is_recorded_in_the_access_log(coach, coach_http, trajectory):
    log_change_as(coach, trajectory)
    AuditEvent.objects.all().delete()

    index(coach_http)

    listed = AuditEvent.objects.filter(actor=coach, action=AuditEvent.Action.LIST)
    assert ("dossiers.trajectory", str(trajectory.pk)) in {
        (e.model, e.object_id) for e in listed
    }


def test_a_row_the_user_may_no_longer_see_shows_only_its_kind(
    coach, coach_http, outsider, trajectory
):
    log_change_as(coach, trajectory)
    # Handed over: the client and the trajectory are the other coach's now.
    trajectory.client.coaches.set([outsider])
    Trajectory.objects.filter(pk=trajectory.pk).update(coach=outsider)

    box = recent_box(index(coach_http))

    assert "Traject" in box
    assert "Zandstra" not in box and str(trajectory.pk) not in box
    assert not AuditEvent.objects.filter(object_id=str(trajectory.pk), action="list")


def test_a_deleted_row_shows_only_its_kind(coach, coach_http, trajectory):
    log_change_as(coach, trajectory)
    pk = trajectory.pk
    trajectory.delete()

    box = recent_box(index(coach_http))

    assert "Traject" in box and str(pk) not in box


def test_english_shows_the_kind_in_english(coach, coach_http, trajectory):
    log_change_as(coach, trajectory)

    with translation.override("en"):
        page = coach_http.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")

    assert "Trajectory" in recent_box(page.content.decode())
