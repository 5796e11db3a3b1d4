"""django-axes' login-record tables in the key store, also after an upgrade.

An installation from before the login records moved to the key store has axes
0001–0010 recorded as applied in the key store's ``django_migrations`` but no axes
tables there (the router skipped their operations then), and ``accounts 0006``
drops the ones in the data database. ``keystore 0005`` must create them, or every
login fails with "no such table: axes_accessattempt".

The upgrade runs ``manage.py`` in a subprocess on databases of its own: SQLite files
in tmp_path, and PostgreSQL databases (prefix h41_) when a server answers.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.db import connections
from django.test import Client as HttpClient

from refleact.keystore.checks import check_login_record_tables

ROOT = Path(settings.BASE_DIR)
AXES_TABLES = {
    "axes_accessattempt",
    "axes_accessattemptexpiration",
    "axes_accesslog",
    "axes_accessfailurelog",
}
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASES = ("h41_upgrade_data", "h41_upgrade_keys")

# What an upgraded installation looks like: axes recorded, no tables, no keystore 0005.
TO_PRE_UPGRADE_STATE = """
from django.db import connections
for alias in ("default", "keystore"):
    connection = connections[alias]
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        for table in ("axes_accessattemptexpiration", "axes_accessattempt",
                      "axes_accesslog", "axes_accessfailurelog"):
            if table in present:
                cursor.execute("DROP TABLE " + connection.ops.quote_name(table))
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'keystore' "
            "AND name = '0005_login_record_tables'"
        )
"""

TABLES = """
import json
from django.db import connections
out = {}
for alias in ("default", "keystore"):
    connection = connections[alias]
    with connection.cursor() as cursor:
        out[alias] = sorted(
            t for t in connection.introspection.table_names(cursor)
            if t.startswith("axes_")
        )
        cursor.execute(
            "SELECT COUNT(*) FROM django_migrations WHERE app = 'axes'"
        )
        out[alias + "_axes_recorded"] = cursor.fetchone()[0]
print(json.dumps(out))
"""

FAILED_ADMIN_LOGIN = """
import json
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
response = Client().post(
    reverse("admin:login"),
    {"username": "niemand@voorbeeld.nl", "password": "fout", "next": "/admin/"},
)
print(json.dumps({
    "status": response.status_code,
    "attempts": AccessAttempt.objects.using("keystore").count(),
}))
"""


def _env(tmp_path: Path, data_url: str, keys_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="refleact.settings_test",
        DATABASE_URL=data_url,
        KEYSTORE_DATABASE_URL=keys_url,
        SEALED_FILES_DIR=str(tmp_path / "sealed"),
        CELERY_BROKER_URL="",
    )
    return env


def _manage(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _python(env, code: str):
    script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    result = subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout else None


def _migrate_both(env) -> None:
    for alias in ("default", "keystore"):
        result = _manage(env, "migrate", "--database", alias, "--noinput", "-v0")
        assert result.returncode == 0, result.stderr[-3000:]


def _upgrade_creates_the_login_record_tables_in_the_key_store(env) -> None:
    _migrate_both(env)  # a fresh installation: axes' own migrations made the tables
    tables = _python(env, TABLES)
    assert set(tables["keystore"]) >= AXES_TABLES
    assert tables["default"] == []

    _python(env, TO_PRE_UPGRADE_STATE)
    tables = _python(env, TABLES)
    assert tables["keystore"] == [] and tables["keystore_axes_recorded"] >= 10

    # Before the key store is migrated the check names the command (a warning:
    # an error would stop migrate, which runs the checks itself).
    check = _manage(env, "check")
    assert check.returncode == 0, check.stderr[-3000:]
    assert "keystore.W003" in check.stderr
    assert "migrate --database keystore" in check.stderr

    _migrate_both(env)

    tables = _python(env, TABLES)
    assert set(tables["keystore"]) >= AXES_TABLES
    assert tables["default"] == []
    # The failed login is recorded (and counts towards a lockout), not a 500.
    assert _python(env, FAILED_ADMIN_LOGIN) == {"status": 200, "attempts": 1}
    check = _manage(env, "check")
    assert check.returncode == 0 and "keystore.W003" not in check.stderr

    # Again, as after restoring a key-store backup: nothing to do, nothing lost.
    _migrate_both(env)
    assert _python(env, FAILED_ADMIN_LOGIN)["attempts"] == 1


def test_an_upgraded_sqlite_installation_gets_the_login_record_tables(tmp_path):
    env = _env(
        tmp_path,
        f"sqlite:///{tmp_path / 'data.sqlite3'}",
        f"sqlite:///{tmp_path / 'keys.sqlite3'}",
    )
    _upgrade_creates_the_login_record_tables_in_the_key_store(env)


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def pg_databases():
    psycopg = pytest.importorskip("psycopg")
    try:
        for name in PG_DATABASES:
            _pg_admin(f"DROP DATABASE IF EXISTS {name}")
            _pg_admin(f"CREATE DATABASE {name}")
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    yield [f"{PG_SERVER}/{name}" for name in PG_DATABASES]
    for name in PG_DATABASES:
        _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_an_upgraded_postgresql_installation_gets_the_login_record_tables(
    tmp_path, pg_databases
):
    data_url, keys_url = pg_databases
    _upgrade_creates_the_login_record_tables_in_the_key_store(
        _env(tmp_path, data_url, keys_url)
    )


@pytest.mark.django_db(databases="__all__")
def test_a_key_store_without_login_record_tables_fails_the_check_and_readyz(
    settings,
):
    settings.CELERY_BROKER_URL = ""
    assert check_login_record_tables() == []
    connection = connections["keystore"]
    with connection.cursor() as cursor:
        # Inside the test's transaction: rolled back (DDL included) afterwards.
        cursor.execute("ALTER TABLE axes_accessattempt RENAME TO axes_away")

    messages = check_login_record_tables()

    assert [(m.id, m.level) for m in messages] == [("keystore.E006", checks.ERROR)]
    assert "axes_accessattempt" in messages[0].msg
    assert "migrate --database keystore" in messages[0].hint
    response = HttpClient().get("/readyz")
    assert response.status_code == 503
    assert "login_records: failed" in response.content.decode()
