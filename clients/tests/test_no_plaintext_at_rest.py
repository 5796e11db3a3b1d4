"""After the demo and a coach's work in the admin, no client's name, e-mail or
phone appears in plaintext anywhere in either database: every table, Django's
admin log, sessions and the login records included.

SQLite: the raw database image (``sqlite3.Connection.serialize()`` is the file's
bytes). PostgreSQL: the output of ``pg_dump``. The test is transactional so
that pg_dump, another process, sees the committed rows.
"""

import io
import shutil
import subprocess

import pytest
from django.db import connections
from django.urls import reverse

from clients.demo import ORGANISATIONS, demo_people
from clients.models import Client
from clients.phone import phone_normalise
from consent import demo as consent_demo
from consent.models import ConsentRecord, Disclosure, Occasion, PolicyNotice
from refleact.accounts import demo as account_demo
from refleact.testing.personas import make_user

ADMIN_CLIENT = {
    "kind": "private",
    "first_name": "Zeynep",
    "last_name": "Oosterhuis-Kramer",
    "email": "zeynep.oosterhuis@voorbeeld.example",
    "phone": "06 2345 6789",
    "language": "nl",
}


def secrets_to_look_for() -> set[str]:
    """Names, e-mails and phones as typed and as stored (E.164)."""
    found = set()
    people = demo_people() + [ADMIN_CLIENT]
    for p in people:
        found |= {f"{p['first_name']} {p['last_name']}", p["email"], p["email"].lower()}
        found |= {p["phone"], phone_normalise(p["phone"])}
        # Short words could turn up by chance inside base64 ciphertext.
        found |= {w for w in (p["first_name"], p["last_name"]) if len(w) >= 6}
    for account in account_demo.DEMO_ACCOUNTS:
        found |= {f"{account.first_name} {account.last_name}", account.email}
    found |= set(ORGANISATIONS)
    # consent's sealed texts: evidence notes, PR media and material, a recipient.
    found |= set(consent_demo.SEALED_TEXTS)
    return found


def database_image(alias: str) -> bytes:
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return connection.connection.serialize()
    if connection.vendor == "postgresql":
        if shutil.which("pg_dump") is None:
            pytest.skip("pg_dump is not installed")
        params = connection.settings_dict
        command = [
            "pg_dump",
            "--no-owner",
            "-h",
            params["HOST"] or "127.0.0.1",
            "-U",
            params["USER"] or "postgres",
            params["NAME"],
        ]
        if params.get("PORT"):
            command[1:1] = ["-p", str(params["PORT"])]
        return subprocess.run(command, capture_output=True, check=True).stdout
    pytest.skip(f"no raw image for {connection.vendor}")


def work_as_a_coach(http) -> None:
    """Create, change, search and view a client through the admin."""
    response = http.post(reverse("admin:clients_client_add"), ADMIN_CLIENT)
    assert response.status_code == 302, response.content[:2000]
    client = [c for c in Client.objects.all() if c.first_name == "Zeynep"][0]
    changed = {**ADMIN_CLIENT, "phone": "+31 6 2345 6789", "first_name": "Zeynep"}
    assert (
        http.post(
            reverse("admin:clients_client_change", args=[client.pk]), changed
        ).status_code
        == 302
    )
    search = http.get(
        reverse("admin:clients_client_changelist"),
        {"q": "Oosterhuis-Kramer"},
        follow=True,
    )
    assert [c.pk for c in search.context["cl"].result_list] == [client.pk]
    assert (
        http.get(reverse("admin:clients_client_change", args=[client.pk])).status_code
        == 200
    )


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_no_personal_data_in_plaintext_after_demo_and_admin_work(client):
    out = io.StringIO()
    account_demo.build(stdout=out)
    from clients import demo as client_demo
    from dossiers import demo as dossier_demo

    client_demo.build(stdout=out)
    dossier_demo.build(stdout=out)
    consent_demo.build(stdout=out)
    events = ConsentRecord.objects.count()
    consent_demo.build(stdout=out)
    assert ConsentRecord.objects.count() == events  # a second run adds nothing
    decisions = set(ConsentRecord.objects.values_list("decision", flat=True))
    assert decisions == set(ConsentRecord.Decision.values)
    assert Occasion.objects.exists() and Disclosure.objects.exists()
    assert {n.seen_at is None for n in PolicyNotice.objects.all()} == {True, False}
    coach = make_user("coach.zeynep", role="coach")
    # Log in through the real form: a session row and axes records are written.
    login = client.post(
        reverse("admin:login"),
        {
            "username": "coach.zeynep",
            "password": "a-long-test-password",
            "next": "/admin/",
        },
    )
    assert login.status_code == 302 and client.session.get("_auth_user_id") == str(
        coach.pk
    )
    work_as_a_coach(client)

    images = {alias: database_image(alias) for alias in ("default", "keystore")}
    assert len(images["default"]) > 50_000  # the demo really wrote data
    leaks = [
        (alias, secret)
        for alias, image in images.items()
        for secret in secrets_to_look_for()
        if secret.encode() in image
    ]
    assert leaks == []
