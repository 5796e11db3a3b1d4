"""The access log: the owner reads and filters it per client; nobody changes it."""

import pytest
from django.urls import reverse

from refleact.audit.models import AuditEvent
from refleact.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db(databases="__all__")

LOG = reverse("admin:audit_auditevent_changelist")


def test_owner_filters_the_log_per_client(owner_http, coach, coach_http):
    first = ClientFactory(coaches=[coach])
    second = ClientFactory(coaches=[coach])
    coach_http.get(reverse("admin:clients_client_change", args=[first.pk]))
    coach_http.get(reverse("admin:clients_client_change", args=[second.pk]))
    response = owner_http.get(LOG, {"holder_id": str(first.holder_id)})
    shown = list(response.context["cl"].result_list)
    assert shown and {e.object_id for e in shown} == {str(first.pk)}
    page = owner_http.get(reverse("admin:clients_client_change", args=[first.pk]))
    assert f"holder_id={first.holder_id}" in page.content.decode()


def test_coach_cannot_read_the_log(coach_http):
    assert coach_http.get(LOG).status_code == 403


def test_nobody_changes_or_deletes_log_rows(owner_http, coach, coach_http):
    client = ClientFactory(coaches=[coach])
    coach_http.get(reverse("admin:clients_client_change", args=[client.pk]))
    event = AuditEvent.objects.get(action="view")
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert owner_http.post(change, {"action": "delete"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert owner_http.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
