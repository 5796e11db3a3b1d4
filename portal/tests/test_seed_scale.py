"""`manage.py seed_scale`: bulk-seeded data opens as the services' own (issue 16).

What the command writes with bulk inserts must be what the application reads:
a client found by its e-mail and its name through the admin's search (the blind
indexes in the key store), its dossier entries opened on the trajectory page,
every value opening under its holder's key (``encryption_status``); and it
refuses a database that holds data it did not seed.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as HttpClient
from django.urls import reverse

from clients.models import Client
from dossiers.models import DossierEntry, Trajectory
from refleact.accounts.models import User
from refleact.crypto import keyring
from refleact.keystore.models import DataKey

pytestmark = pytest.mark.django_db(databases="__all__")

LIST = reverse("admin:clients_client_changelist")


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


def _as(username: str) -> HttpClient:
    http = HttpClient()
    http.force_login(User.objects.get(username=username))
    return http


@pytest.mark.parametrize("clients,coaches", [(5, 2), (20, 3)])
def test_what_it_seeds_opens_through_the_admin(clients, coaches):
    out = _seed(clients=clients, coaches=coaches)
    # The summary (Dutch by default) names the clients, the coaches and the rows.
    assert re.search(rf"\b{clients} \w+ over {coaches} coaches\b", out), out
    assert Client.objects.count() == clients
    # Each client its own key; the practice's for the invoices.
    holders = set(Client.objects.values_list("holder_id", flat=True))
    assert len(holders) == clients
    assert holders <= set(DataKey.objects.values_list("holder_id", flat=True))
    assert Trajectory.objects.count() == 3 * clients
    assert set(Trajectory.objects.values_list("status", flat=True)) == set(
        Trajectory.Status.values
    )
    assert DossierEntry.objects.count() == 30 * clients

    keyring.clear_cache()
    client = Client.objects.order_by("pk").first()
    owner = _as("scale-owner")
    for term in (str(client.email), str(client.last_name).split()[-1]):
        response = owner.get(LIST, {"q": term}, follow=True)
        assert client.pk in {c.pk for c in response.context["cl"].result_list}, term

    trajectory = Trajectory.objects.get(client=client, kind=Trajectory.Kind.COACHING)
    coach = trajectory.coach
    assert coach.clients.filter(pk=client.pk).exists()
    page = _as(coach.username).get(
        reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    )
    assert page.status_code == 200
    entry = trajectory.entries.order_by("created_at").first()
    assert str(entry.title) in page.content.decode()

    status = StringIO()
    call_command("encryption_status", stdout=status)  # raises on a failing value
    assert "values failing to open: 0" in status.getvalue()


def test_it_adds_to_a_database_it_seeded():
    _seed(clients=3, coaches=1)
    _seed(clients=2, coaches=1)
    assert Client.objects.count() == 5


def test_it_refuses_a_database_with_other_data_unless_forced(coach):
    with pytest.raises(CommandError, match="--force"):
        _seed(clients=2)
    assert not Client.objects.exists()
    _seed(clients=2, force=True)
    assert Client.objects.count() == 2


def test_it_refuses_no_clients():
    with pytest.raises(CommandError, match="--clients"):
        _seed(clients=0)
