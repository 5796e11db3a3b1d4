"""Database backups for the retention tests: copy, open beside the live one, restore.

SQLite: the database image (``serialize()``, the file's bytes). PostgreSQL: the
output of ``pg_dump``, loaded with ``psql`` into a throwaway database (to open it
beside the live one) or back into the test database (a restore). Callers are
transactional tests: a dump sees only committed rows.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.db import connections
from django.db.utils import load_backend


def _pg_args(params: dict) -> list[str]:
    args = ["-h", params["HOST"] or "127.0.0.1", "-U", params["USER"] or "postgres"]
    if params.get("PORT"):
        args += ["-p", str(params["PORT"])]
    return args


def _need(program: str) -> None:
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed")


def image(alias: str) -> bytes:
    """Return a backup of the database: its raw file or its pg_dump."""
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return connection.connection.serialize()
    if connection.vendor != "postgresql":
        pytest.skip(f"no backup for {connection.vendor}")
    _need("pg_dump")
    params = connection.settings_dict
    command = ["pg_dump", "--no-owner", "--clean", "--if-exists", *_pg_args(params)]
    return subprocess.run(
        [*command, params["NAME"]], capture_output=True, check=True
    ).stdout


def restore(alias: str, backup: bytes) -> None:
    """Put the backup back in place of the live database."""
    connection = connections[alias]
    connection.close()
    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).write_bytes(backup)
        return
    _need("psql")
    params = connection.settings_dict
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", *_pg_args(params), params["NAME"]],
        input=backup,
        capture_output=True,
        check=True,
    )


@contextlib.contextmanager
def opened_beside(alias: str, backup: bytes, tmp_path: Path):
    """Open the backup as a database alias of its own, beside the live ones."""
    settings = dict(connections[alias].settings_dict)
    name = f"backup_{uuid.uuid4().hex[:12]}"
    if settings["ENGINE"].endswith("sqlite3"):
        path = tmp_path / f"{name}.sqlite3"
        path.write_bytes(backup)
        settings["NAME"] = str(path)
    else:
        _need("createdb")
        args = _pg_args(settings)
        subprocess.run(["createdb", *args, name], check=True, capture_output=True)
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", *args, name],
            input=backup,
            capture_output=True,
            check=True,
        )
        settings["NAME"] = name
    # Not added to the configured aliases: Django's test case then counts it as
    # a dynamically created connection, which it allows.
    connections[name] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, name)
    try:
        yield name
    finally:
        connections[name].close()
        del connections[name]
        if not settings["ENGINE"].endswith("sqlite3"):
            subprocess.run(
                ["dropdb", *_pg_args(settings), name], check=True, capture_output=True
            )
