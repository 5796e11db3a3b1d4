"""A blind index built with another definition is found and rebuilt (keystore.E005).

An installation that ran the release which changed the clients' indexes from 8 to
12 bits still held 8-bit digests: nobody could log in by e-mail until someone ran
``blind_indexes_rebuild``. Now the key store records what each index was built
with; ``migrate`` rebuilds what differs, and the check and /readyz report it.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, load_command_class
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from clients.models import Client
from refleact.crypto import blind, blindstore
from refleact.keystore.blindbuild import check_blind_indexes
from refleact.keystore.models import BlindIndexBuild, BlindIndexEntry
from refleact.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db(databases="__all__")

EMAIL = "zoe@voorbeeld.nl"


def _as_built_with_8_bits(client) -> None:
    """Make the key store look like an installation from before the 12 bits."""
    field = blind.index_field(Client, "email_index")
    BlindIndexEntry.objects.using("keystore").filter(
        index=field.index_name(), row_id=client.pk
    ).delete()
    blindstore.entries_write(
        [
            (
                field.index_name(),
                client.pk,
                client.holder_id,
                {d[:2] for d in field.digests_for(EMAIL)},
            )
        ]
    )
    blindstore.built_record(
        field.index_name(), blind.definition(field).replace("bits=12", "bits=8")
    )


def _found() -> list:
    return list(blind.search(Client.objects.all(), "email_index", EMAIL))


def test_a_fresh_database_has_every_index_recorded_and_no_error():
    client = ClientFactory(email=EMAIL)

    recorded = dict(
        BlindIndexBuild.objects.using("keystore").values_list("index", "definition")
    )
    for field in blind.all_index_fields():
        assert recorded[field.index_name()] == blind.definition(field)
    assert check_blind_indexes() == []
    assert _found() == [client]


def test_digests_of_another_bit_size_fail_the_check_until_migrate_rebuilds():
    client = ClientFactory(email=EMAIL)
    _as_built_with_8_bits(client)
    assert _found() == []

    errors = check_blind_indexes()

    assert [e.id for e in errors] == ["keystore.E005"]
    assert "clients.client.email_index" in errors[0].msg
    assert "manage.py blind_indexes_rebuild" in errors[0].hint

    call_command("migrate", database="keystore", verbosity=0)

    assert _found() == [client]
    assert check_blind_indexes() == []


def test_entries_without_a_recorded_definition_count_as_stale():
    # Built before definitions were recorded: what they were built with is unknown.
    ClientFactory(email=EMAIL)
    BlindIndexBuild.objects.using("keystore").filter(
        index="clients.client.email_index"
    ).delete()

    assert [e.id for e in check_blind_indexes()] == ["keystore.E005"]

    call_command("blind_indexes_rebuild", stdout=io.StringIO())

    assert check_blind_indexes() == []


def test_the_rebuild_command_runs_no_system_check():
    # From the shell a command runs the checks first: E005 must not stop its cure.
    command = load_command_class("refleact.keystore", "blind_indexes_rebuild")
    assert not command.requires_system_checks


def test_the_check_is_quiet_while_a_migration_is_pending():
    client = ClientFactory(email=EMAIL)
    _as_built_with_8_bits(client)
    # As before `migrate` ran the release: its own rebuild is still to come.
    (latest,) = [
        name
        for app, name in MigrationLoader(None).graph.leaf_nodes()
        if app == "keystore"
    ]
    MigrationRecorder(connections["keystore"]).record_unapplied("keystore", latest)

    assert check_blind_indexes() == []
