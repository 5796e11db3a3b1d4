"""An erased client's access-log rows stay; their own visits lose the address.

A staff member's address on the same rows stays: it is not the client's data,
and the log keeps it to trace who accessed the client's data from where.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from clients.models import Client
from dossiers import retention
from dossiers.services import trajectory_close
from portal import services as portal_services
from refleact.audit.models import AuditEvent
from refleact.erasure.registry import covered_models
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    OrganisationFactory,
    TrajectoryFactory,
)
from refleact.testing.personas import portal_activate, portal_login
from refleact.testing.retention import CLOCK_AND_JOURNAL, DUE

pytestmark = [pytest.mark.django_db(databases="__all__"), CLOCK_AND_JOURNAL]

CLIENT_IP = "198.51.100.23"
COACH_IP = "192.0.2.44"
LINK_IP = "198.51.100.99"


@pytest.fixture
def visited(coach, coach_http, django_capture_on_commit_callbacks):
    """A client who looked at their dossier in the portal; the coach at theirs."""
    client = ClientFactory(coaches=[coach])
    trajectory = TrajectoryFactory(client=client, coach=coach)
    DossierEntryFactory(trajectory=trajectory, kind="client_information")
    with django_capture_on_commit_callbacks(execute=True):
        account = portal_services.account_invite(actor=coach, client=client)
    portal_activate(account)
    http = portal_login(account, REMOTE_ADDR=CLIENT_IP)
    assert http.get(reverse("portal:dossier")).status_code == 200
    assert http.get(reverse("portal:data")).status_code == 200
    for url in (
        reverse("admin:clients_client_change", args=[client.pk]),
        reverse("admin:dossiers_trajectory_change", args=[trajectory.pk]),
    ):
        assert coach_http.get(url, REMOTE_ADDR=COACH_IP).status_code == 200
    assert AuditEvent.objects.filter(
        holder_id=client.holder_id,
        actor=coach,
        model="dossiers.trajectory",
        ip_address=COACH_IP,
    ).exists()
    # A visit of the holder without a login (as through a link token).
    AuditEvent.objects.create(
        action="view",
        model="dossiers.trajectory",
        object_id=str(trajectory.pk),
        holder_id=client.holder_id,
        ip_address=LINK_IP,
    )
    # The client's own visit to a training an organisation holds: another
    # holder's row, but the client's login and address.
    training = OrganisationFactory()
    AuditEvent.objects.create(
        action="view",
        model="dossiers.trajectory",
        object_id="training",
        holder_id=training.holder_id,
        actor=account.user,
        ip_address=CLIENT_IP,
    )
    other = ClientFactory(coaches=[coach])
    AuditEvent.objects.create(
        action="view",
        model="clients.client",
        object_id=str(other.pk),
        holder_id=other.holder_id,
        ip_address="203.0.113.7",
    )
    assert AuditEvent.objects.filter(
        holder_id=client.holder_id, ip_address=CLIENT_IP
    ).exists()
    return {
        "client": client,
        "trajectory": trajectory,
        "other": other,
        "login": account.user,
    }


def sweep(coach, visited, capture) -> None:
    trajectory_close(actor=coach, trajectory=visited["trajectory"], retention="delete")
    with capture(execute=True):
        retention.retention_sweep(now=DUE)
    assert not Client.objects.filter(pk=visited["client"].pk).exists()


def addresses(holder_id) -> list:
    return list(
        AuditEvent.objects.filter(holder_id=holder_id)
        .exclude(ip_address=None)
        .values_list("ip_address", flat=True)
    )


def test_the_access_log_is_covered_by_an_erasure_handler():
    assert "audit.auditevent" in covered_models()


def test_swept_client_s_own_visits_keep_no_ip_address(
    coach, visited, django_capture_on_commit_callbacks
):
    holder = visited["client"].holder_id
    login = visited["login"]
    own = list(AuditEvent.objects.filter(actor=login).values_list("pk", flat=True))
    assert len(own) >= 3  # the portal's dossier, data page, and the training
    views_before = AuditEvent.objects.filter(holder_id=holder, action="view").count()

    sweep(coach, visited, django_capture_on_commit_callbacks)

    assert not AuditEvent.objects.filter(ip_address=CLIENT_IP).exists()
    assert not AuditEvent.objects.filter(ip_address=LINK_IP).exists()
    assert not AuditEvent.objects.filter(pk__in=own).exclude(ip_address=None).exists()
    # The rows themselves stay: who (staff), what, which object, when.
    kept = AuditEvent.objects.filter(holder_id=holder, action="view")
    assert kept.count() == views_before
    assert kept.filter(actor=coach, model="clients.client").exists()
    assert addresses(visited["other"].holder_id) == ["203.0.113.7"]


def test_a_coach_s_view_of_the_dossier_keeps_its_address(
    coach, visited, django_capture_on_commit_callbacks
):
    holder = visited["client"].holder_id

    sweep(coach, visited, django_capture_on_commit_callbacks)

    staff = AuditEvent.objects.filter(holder_id=holder, actor=coach)
    assert staff.filter(model="dossiers.trajectory", ip_address=COACH_IP).exists()
    assert staff.filter(model="clients.client", ip_address=COACH_IP).exists()
    assert set(addresses(holder)) == {COACH_IP}


def test_reapply_blanks_the_client_s_addresses_a_restore_brought_back(
    coach, visited, django_capture_on_commit_callbacks
):
    holder = visited["client"].holder_id
    sweep(coach, visited, django_capture_on_commit_callbacks)
    # As in a data backup from before the erasure: the addresses are back.
    own = AuditEvent.objects.filter(holder_id=holder).exclude(actor=coach)
    assert own.exists()
    own.update(ip_address=CLIENT_IP)

    call_command("reapply_erasures", stdout=StringIO())

    assert not AuditEvent.objects.filter(ip_address=CLIENT_IP).exists()
    assert AuditEvent.objects.filter(holder_id=holder).count() > 0
    staff = AuditEvent.objects.filter(holder_id=holder, actor=coach, action="view")
    assert staff.count() >= 2  # the client page, the trajectory page (and its entries)
    assert not staff.exclude(ip_address=COACH_IP).exists()
    assert addresses(visited["other"].holder_id) == ["203.0.113.7"]
