"""A real stack for tests: two fresh databases, migrated by `manage.py migrate`.

On SQLite the databases are files in a temporary directory, so tests can scan the
raw bytes; on PostgreSQL (when the test run itself is on PostgreSQL) they are two
throwaway databases this helper creates and drops, and scans read `pg_dump`.
Writes and reads run in subprocesses through the test models, like the app would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parents[3]


def on_postgresql() -> bool:
    return connections["default"].vendor == "postgresql"


class Stack:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.sealed = tmp_path / "sealed"
        self.sealed.mkdir()
        self.vendor = "postgresql" if on_postgresql() else "sqlite"
        self._created: list[str] = []
        self.data_url = self._new_database("data")
        self.keystore_url = self._new_database("keys")

    # -- databases ------------------------------------------------------------
    def _pg(self) -> dict:
        config = settings.DATABASES["default"]
        return {
            "host": config.get("HOST") or "127.0.0.1",
            "port": str(config.get("PORT") or 5432),
            "user": config.get("USER") or "postgres",
        }

    def _pg_args(self) -> list[str]:
        pg = self._pg()
        return ["-h", pg["host"], "-p", pg["port"], "-U", pg["user"]]

    def _pg_url(self, name: str) -> str:
        pg = self._pg()
        return f"postgres://{pg['user']}@{pg['host']}:{pg['port']}/{name}"

    def _new_database(self, role: str, template: str | None = None) -> str:
        if self.vendor == "sqlite":
            path = self.tmp / f"{role}.sqlite3"
            return f"sqlite:///{path}"
        name = f"refleact_stack_{role}_{uuid.uuid4().hex[:12]}"
        extra = ["-T", template] if template else []
        subprocess.run(["createdb", *self._pg_args(), *extra, name], check=True)
        self._created.append(name)
        return self._pg_url(name)

    def copy_data(self) -> str:
        """Return the URL of a copy of the data database as it is now (a backup)."""
        if self.vendor == "sqlite":
            copy = self.tmp / "data-backup.sqlite3"
            shutil.copyfile(self._path(self.data_url), copy)
            return f"sqlite:///{copy}"
        return self._new_database("backup", template=self.data_url.rsplit("/", 1)[1])

    def close(self) -> None:
        for name in self._created:
            subprocess.run(
                ["dropdb", *self._pg_args(), "--if-exists", "--force", name],
                check=False,
            )

    @staticmethod
    def _path(url: str) -> Path:
        return Path(url.removeprefix("sqlite:///"))

    # -- running --------------------------------------------------------------
    def env(self, data_url: str | None = None) -> dict:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="refleact.settings_test",
            DATABASE_URL=data_url or self.data_url,
            KEYSTORE_DATABASE_URL=self.keystore_url,
            SEALED_FILES_DIR=str(self.sealed),
        )
        return env

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )

    def migrate(self) -> None:
        for args in (["migrate"], ["migrate", "--database", "keystore"]):
            done = self.manage(*args, "--no-input")
            assert done.returncode == 0, done.stderr

    def script(self, *args: str, data_url: str | None = None) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "refleact.crypto.tests.stack_script", *args],
            cwd=ROOT,
            env=self.env(data_url),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    # -- what an attacker with the files or a dump would see --------------------
    def raw(self, url: str) -> bytes:
        if self.vendor == "sqlite":
            path = self._path(url)
            # The database and any journal or WAL beside it.
            return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        name = url.rsplit("/", 1)[1]
        return subprocess.run(
            ["pg_dump", *self._pg_args(), "--no-owner", name],
            check=True,
            capture_output=True,
        ).stdout

    def sealed_files(self) -> bytes:
        return b"".join(p.read_bytes() for p in sorted(self.sealed.iterdir()))
