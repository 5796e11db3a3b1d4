"""Fixtures for the foundation tests: login personas and clean subprocesses.

The personas here log in with a known password through the real login form;
refleact.testing.personas has the shared owner/coach/outsider for client data.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.db import connection

from refleact.accounts.models import Role, User

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


def _staff(username: str, *, role: str, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        is_staff=True,
        is_superuser=superuser,
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def superuser_owner(db) -> User:
    """The practice owner as a superuser: sees and may release every lockout."""
    return _staff("olga.owner", role=Role.OWNER, superuser=True)


@pytest.fixture
def group_owner(db) -> User:
    """An owner who is a member of 'owner' but no superuser: the same rights."""
    # A transactional test earlier in the run flushes what the data migration
    # granted; grant it again exactly as the migration does.
    migration = importlib.import_module(
        "refleact.accounts.migrations.0003_owner_login_records"
    )
    migration.grant_owner(django_apps, SimpleNamespace(connection=connection))
    return _staff("otto.owner", role=Role.OWNER)


@pytest.fixture
def staff_coach(db) -> User:
    """A plain coach: may log into the admin, must not see login records."""
    return _staff("coach.tess", role=Role.COACH)


def clean_env(**variables: str) -> dict[str, str]:
    """Return an environment with no Refleact configuration but the given variables.

    The test process itself carries the test-only keys (settings_test puts them in
    os.environ), so a subprocess must not inherit it.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(variables)
    return env


def run(
    args: list[str], *, env: dict[str, str], cwd: Path = BASE_DIR, timeout: int = 120
) -> subprocess.CompletedProcess:
    """Run a Python entry point of the project in a subprocess and capture its output."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def repo_copy(tmp_path) -> Path:
    """A copy of the working tree without local state: what a fresh clone holds."""
    target = tmp_path / "clone"
    shutil.copytree(
        BASE_DIR,
        target,
        ignore=shutil.ignore_patterns(
            ".git",
            "var",
            ".venv",
            "venv",
            ".env",
            ".env.*",
            "__pycache__",
            ".ruff_cache",
            ".pytest_cache",
            "staticfiles",
            "test-artifacts",
            "node_modules",
        ),
    )
    return target
