"""/healthz and /readyz (issue 17, point 2): real failures, no mocks."""

from __future__ import annotations

import io
import os

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connections

from clients.models import Client
from refleact import health
from refleact.audit.models import AuditEvent
from refleact.crypto import blind, blindstore
from refleact.crypto.tests.conftest import make_person
from refleact.localenv import new_key
from refleact.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db(databases="__all__")

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"
REMOTE = "203.0.113.5"
TOKEN = "readyz-test-token-0123456789abcdef"


@pytest.fixture
def logged_in_staff(client, settings, staff_coach):
    """A client carrying a staff session cookie, with the idle check on."""
    settings.STAFF_SESSION_IDLE_MINUTES = 60
    client.force_login(staff_coach)
    return client


def _lines(response) -> list[str]:
    return response.content.decode().splitlines()


def test_healthz_says_ok_without_a_query_a_session_or_a_cookie(
    logged_in_staff, django_assert_num_queries
):
    sessions, events = Session.objects.count(), AuditEvent.objects.count()

    with (
        django_assert_num_queries(0),
        django_assert_num_queries(0, connection=connections["keystore"]),
    ):
        response = logged_in_staff.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert not response.cookies
    assert (Session.objects.count(), AuditEvent.objects.count()) == (sessions, events)


def test_readyz_with_everything_up_is_ready_and_names_each_check(client, settings):
    settings.CELERY_BROKER_URL = ""
    make_person()

    response = client.get("/readyz")

    assert response.status_code == 200
    assert _lines(response) == [
        "ready",
        "database: ok",
        "keystore: ok",
        "keys: ok",
        "blind_indexes: ok",
        "login_records: ok",
        "broker: not configured",
    ]


@pytest.mark.integration
def test_readyz_connects_to_the_configured_broker(client, settings):
    if not os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("needs CELERY_BROKER_URL (a real Redis broker)")
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]

    response = client.get("/readyz")

    assert response.status_code == 200
    assert "broker: ok" in _lines(response)


def test_readyz_is_not_ready_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER

    response = client.get("/readyz")

    assert response.status_code == 503
    assert _lines(response)[0] == "not ready"
    assert "broker: failed" in _lines(response)
    assert "keys: ok" in _lines(response)


def test_readyz_is_not_ready_when_no_master_key_opens_the_key_store(client, settings):
    settings.CELERY_BROKER_URL = ""
    make_person()
    # The master key that wrapped the stored data keys is gone from the settings.
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "keys: failed" in _lines(response)
    assert "keystore: ok" in _lines(response)


def test_readyz_is_not_ready_when_the_master_keys_are_malformed(client, settings):
    settings.CELERY_BROKER_URL = ""
    settings.FIELD_ENCRYPTION_KEYS = ["te-kort"]

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "keys: failed" in _lines(response)


def test_readyz_is_not_ready_while_a_blind_index_holds_digests_of_other_bits(
    client, settings
):
    settings.CELERY_BROKER_URL = ""
    person = ClientFactory(email="zoe@voorbeeld.nl")
    field = blind.index_field(Client, "email_index")
    # As the store of an installation migrated to 12 bits without a rebuild.
    blindstore.built_record(
        field.index_name(), blind.definition(field).replace("bits=12", "bits=8")
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "blind_indexes: failed" in _lines(response)

    call_command("blind_indexes_rebuild", stdout=io.StringIO())

    assert client.get("/readyz").status_code == 200
    assert (
        blind.search(Client.objects.all(), "email_index", "zoe@voorbeeld.nl").get()
        == person
    )


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
def test_a_loopback_client_reads_what_failed(client, settings, address):
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER

    response = client.get("/readyz", REMOTE_ADDR=address)

    assert "broker: failed" in _lines(response)


def test_a_remote_client_reads_only_not_ready(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER

    response = client.get("/readyz", REMOTE_ADDR=REMOTE)

    assert response.status_code == 503
    assert response.content == b"not ready\n"


def test_a_remote_client_reads_only_ready(client, settings):
    settings.CELERY_BROKER_URL = ""

    response = client.get("/readyz", REMOTE_ADDR=REMOTE)

    assert response.status_code == 200
    assert response.content == b"ready\n"


def test_the_right_token_shows_what_failed_and_a_wrong_one_does_not(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    settings.READYZ_TOKEN = TOKEN

    right = client.get(
        "/readyz", REMOTE_ADDR=REMOTE, HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )
    wrong = client.get(
        "/readyz", REMOTE_ADDR=REMOTE, HTTP_AUTHORIZATION=f"Bearer {TOKEN[:-1]}x"
    )
    from_loopback_with_a_wrong_token = client.get(
        "/readyz", HTTP_AUTHORIZATION="Bearer guessed"
    )

    assert "broker: failed" in _lines(right)
    assert wrong.content == b"not ready\n"
    assert from_loopback_with_a_wrong_token.content == b"not ready\n"


def test_no_token_configured_means_no_bearer_header_is_accepted(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    settings.READYZ_TOKEN = ""

    response = client.get("/readyz", REMOTE_ADDR=REMOTE, HTTP_AUTHORIZATION="Bearer ")

    assert response.content == b"not ready\n"


def test_a_remote_client_behind_a_trusted_proxy_reads_only_not_ready(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    settings.TRUSTED_PROXIES = ("127.0.0.1/32",)

    remote = client.get("/readyz", HTTP_X_FORWARDED_FOR=REMOTE)
    local = client.get("/readyz", HTTP_X_FORWARDED_FOR="127.0.0.1")

    assert remote.content == b"not ready\n"
    assert "broker: failed" in _lines(local)


@pytest.mark.parametrize("forwarded", ["", " ", "unknown", "203.0.113.5, "])
def test_an_empty_or_broken_forwarded_header_from_a_trusted_proxy_is_not_local(
    client, settings, forwarded
):
    # client_address falls back to the proxy's own (loopback) address: that says
    # nothing about the client, so the names stay hidden.
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    settings.TRUSTED_PROXIES = ("127.0.0.1/32",)

    response = client.get("/readyz", HTTP_X_FORWARDED_FOR=forwarded)

    assert response.status_code == 503
    assert response.content == b"not ready\n"


def test_a_request_forwarded_by_an_untrusted_local_proxy_reads_only_not_ready(
    client, settings
):
    # A proxy on this machine that DJANGO_TRUSTED_PROXIES does not name: the
    # loopback address is the proxy's, the client may be anywhere.
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    settings.TRUSTED_PROXIES = ()

    response = client.get("/readyz", HTTP_X_FORWARDED_FOR=REMOTE)

    assert response.content == b"not ready\n"


def test_readyz_writes_no_session_cookie_or_audit_row(logged_in_staff, settings):
    settings.CELERY_BROKER_URL = ""
    sessions, events = Session.objects.count(), AuditEvent.objects.count()

    response = logged_in_staff.get("/readyz")

    assert response.status_code == 200
    assert not response.cookies
    assert (Session.objects.count(), AuditEvent.objects.count()) == (sessions, events)


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_probes_answer_plain_http_while_everything_else_is_redirected(
    client, settings, path
):
    settings.SECURE_SSL_REDIRECT = True
    settings.CELERY_BROKER_URL = ""

    assert client.get(path).status_code == 200
    assert client.get("/privacy/").status_code == 301


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_probes_take_only_get_and_head(client, path):
    assert client.head(path).status_code in (200, 503)
    assert client.post(path).status_code == 405


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_readyz_is_not_ready_when_the_key_store_database_is_unreachable(
    client, settings, tmp_path
):
    settings.CELERY_BROKER_URL = ""
    keystore = connections["keystore"]
    name = keystore.settings_dict["NAME"]
    missing = (
        str(tmp_path / "no-such-dir" / "keystore.sqlite3")
        if keystore.vendor == "sqlite"
        else f"{name}_missing"
    )
    keystore.close()
    keystore.settings_dict["NAME"] = missing
    try:
        response = client.get("/readyz")
    finally:
        keystore.close()
        keystore.settings_dict["NAME"] = name

    assert response.status_code == 503
    assert "keystore: failed" in _lines(response)
    assert "database: ok" in _lines(response)


def test_readyz_reuses_its_outcome_within_the_cache_time(
    client, settings, django_assert_num_queries
):
    settings.READYZ_CACHE_SECONDS = 3600
    settings.CELERY_BROKER_URL = ""
    health.readiness_cache_clear()
    try:
        assert client.get("/readyz").status_code == 200
        settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER  # would fail if checked

        with (
            django_assert_num_queries(0),
            django_assert_num_queries(0, connection=connections["keystore"]),
        ):
            again = client.get("/readyz")

        assert again.status_code == 200
        health.readiness_cache_clear()
        assert client.get("/readyz").status_code == 503
    finally:
        health.readiness_cache_clear()


def test_readyz_with_no_cache_time_checks_every_request(client, settings):
    settings.READYZ_CACHE_SECONDS = 0
    settings.CELERY_BROKER_URL = ""
    assert client.get("/readyz").status_code == 200

    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER

    assert client.get("/readyz").status_code == 503
