"""The "refleact_keys" system check, and the start-up gate that runs it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connections

from refleact import startup
from refleact.crypto import masterkeys
from refleact.crypto.tests.conftest import make_person
from refleact.keystore.checks import check_keys
from refleact.keystore.models import Tombstone
from refleact.localenv import decode_key, new_key

pytestmark = pytest.mark.django_db(databases="__all__")


def _ids(messages) -> list[str]:
    return [m.id for m in messages]


def test_a_correct_configuration_passes():
    make_person()

    assert check_keys() == []


def test_keys_wrapped_by_an_unconfigured_master_key_are_named_by_id_not_key(settings):
    make_person()
    in_use_key = settings.FIELD_ENCRYPTION_KEYS[0]
    in_use_id = masterkeys.newest().id
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]

    errors = check_keys()

    assert _ids(errors) == ["keystore.E003"]
    assert in_use_id in errors[0].msg
    assert in_use_key not in errors[0].msg and in_use_key[:20] not in errors[0].msg


def test_manage_py_check_runs_the_key_checks_by_default(settings):
    make_person()
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]

    with pytest.raises(SystemCheckError, match="keystore.E003"):
        call_command("check")


@pytest.mark.parametrize(
    "setting, value, error",
    [
        ("FIELD_ENCRYPTION_KEYS", [], "keystore.E001"),
        ("FIELD_ENCRYPTION_KEYS", ["te-kort"], "keystore.E001"),
        ("BLIND_INDEX_KEY", "", "keystore.E002"),
        ("BLIND_INDEX_KEY", "bm90LWEta2V5", "keystore.E002"),
    ],
)
def test_a_missing_or_malformed_key_is_an_error(settings, setting, value, error):
    setattr(settings, setting, value)

    assert error in _ids(check_keys())


def test_the_blind_index_key_must_differ_from_the_master_keys(settings):
    settings.BLIND_INDEX_KEY = settings.FIELD_ENCRYPTION_KEYS[0]

    assert _ids(check_keys()) == ["keystore.E004"]


def test_an_unmigrated_key_store_is_tolerated_and_its_connection_stays_usable():
    connection = connections["keystore"]
    with connection.cursor() as cursor:
        # Inside the test's transaction: rolled back (DDL included) afterwards.
        cursor.execute("ALTER TABLE keystore_datakey RENAME TO keystore_datakey_away")

    assert check_keys() == []
    assert Tombstone.objects.using("keystore").count() == 0  # not poisoned


def test_startup_refuses_with_one_line_naming_the_master_key_id(settings, capsys):
    make_person()
    in_use_id = masterkeys.newest().id
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]

    with pytest.raises(SystemExit) as exited:
        startup.refuse_unless_ready()

    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.startswith("Refleact refuses to start:") and in_use_id in err
    assert err.count("\n") == 1


def test_startup_passes_a_usable_configuration():
    make_person()

    startup.refuse_unless_ready()


def test_migrate_runs_on_fresh_databases_with_the_checks_on(tmp_path):
    from refleact.crypto.tests.stack import Stack

    stack = Stack(tmp_path)
    try:
        # `migrate` runs system checks first, with the key store not migrated yet.
        stack.migrate()
        check = stack.manage("check")
    finally:
        stack.close()

    assert check.returncode == 0, check.stderr


def test_the_celery_worker_refuses_to_start_on_the_same_check(settings, capsys):
    from refleact.celery import _refuse_unless_ready

    make_person()
    in_use_id = masterkeys.newest().id
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]

    with pytest.raises(SystemExit):
        _refuse_unless_ready()

    assert in_use_id in capsys.readouterr().err


def test_wsgi_refuses_to_start_when_the_key_store_needs_a_missing_master_key(
    tmp_path,
):
    import subprocess
    import sys

    from refleact.crypto.tests.stack import ROOT, Stack

    stack = Stack(tmp_path)
    try:
        stack.migrate()
        stack.script("write")
        env = stack.env()
        in_use_id = masterkeys.master_key_id(
            decode_key(env["FIELD_ENCRYPTION_KEYS"], variable="FIELD_ENCRYPTION_KEYS")
        )
        fine = subprocess.run(
            [sys.executable, "-c", "import refleact.wsgi"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        env["FIELD_ENCRYPTION_KEYS"] = new_key()
        refused = subprocess.run(
            [sys.executable, "-c", "import refleact.wsgi"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        stack.close()

    assert fine.returncode == 0, fine.stderr
    assert refused.returncode == 2
    assert refused.stderr.startswith("Refleact refuses to start:")
    assert in_use_id in refused.stderr
