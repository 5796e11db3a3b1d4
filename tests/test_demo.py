"""`manage.py demo`: one command from a fresh clone to a running app, safe to repeat."""

from __future__ import annotations

import importlib.machinery
import sqlite3
import stat
import sys
import types
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import router
from django.urls import reverse

from refleact import localenv
from refleact.accounts import demo as accounts_demo
from refleact.accounts.models import Role, User
from tests.conftest import clean_env, run

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(autouse=True)
def _debug(settings):
    # demo runs only in debug, as the local env file a fresh clone gets sets it.
    settings.DEBUG = True


def _demo(**options) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out, **options)
    return out.getvalue()


def _accounts() -> dict[str, tuple]:
    return {
        user.username: (
            user.password,
            user.is_staff,
            user.is_superuser,
            user.first_name,
            user.email,
            tuple(sorted(user.groups.values_list("name", flat=True))),
        )
        for user in User.objects.all()
    }


def test_demo_creates_owner_and_coaches_whose_printed_passwords_log_in(client):
    output = _demo()

    owner = User.objects.get(username=accounts_demo.OWNER_USERNAME)
    assert owner.is_superuser and owner.is_owner
    for username in accounts_demo.COACH_USERNAMES:
        coach = User.objects.get(username=username)
        assert coach.is_coach and not coach.is_superuser
        assert list(coach.groups.values_list("name", flat=True)) == [Role.COACH]
    for line in output.splitlines():
        role, username, password = (line.split() + ["", "", ""])[:3]
        if role in (Role.OWNER, Role.COACH):
            client.logout()
            response = client.post(
                reverse("admin:login"),
                {"username": username, "password": password, "next": "/admin/"},
            )
            assert response.status_code == 302, username
            assert client.get("/admin/").status_code == 200
    assert output.count("  coach  ") == 2 and output.count("  owner  ") == 1


def _row_counts() -> dict[str, int]:
    """Rows per model, each counted in the database the router sends it to."""
    return {
        model._meta.label: model._base_manager.db_manager(
            router.db_for_read(model)
        ).count()
        for model in django_apps.get_models()
    }


def test_demo_run_twice_changes_nothing_and_prints_no_password_again():
    first_output = _demo()
    before, counts_before = _accounts(), _row_counts()

    second_output = _demo()

    assert _accounts() == before
    assert _row_counts() == counts_before
    # Three staff accounts; consent's demo adds two client logins without a password.
    assert len([name for name, account in before.items() if account[1]]) == 3
    assert "manage.py changepassword" in second_output  # the "accounts exist" note
    printed_passwords = [
        line.split()[2]
        for line in first_output.splitlines()
        if line.split()[:1] in (["owner"], ["coach"])
    ]
    assert len(printed_passwords) == 3
    assert not any(password in second_output for password in printed_passwords)


def test_demo_refuses_to_fill_a_database_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG=true"):
        _demo()

    assert not User.objects.exists()


def test_demo_works_on_a_database_flushed_of_its_groups():
    Group.objects.all().delete()

    _demo()

    assert User.objects.get(username="coach.anna").groups.get().name == Role.COACH


def test_demo_calls_other_apps_builders_in_order(monkeypatch):
    calls = []
    for name in ("clients.demo", "dossiers.demo"):
        module = types.ModuleType(name)
        module.__spec__ = importlib.machinery.ModuleSpec(name, loader=None)
        module.build = lambda *, stdout, name=name: calls.append(
            (name, User.objects.filter(username="coach.anna").exists())
        )
        monkeypatch.setitem(sys.modules, name, module)

    _demo()

    # Builders run after the accounts exist, so they may assign clients to coaches.
    assert calls == [("clients.demo", True), ("dossiers.demo", True)]


def test_demo_on_a_fresh_clone_writes_the_local_env_once_and_reuses_it(repo_copy):
    first = run(["manage.py", "demo", "--no-serve"], env=clean_env(), cwd=repo_copy)
    assert first.returncode == 0, first.stderr
    env_file = repo_copy / ".env.local"
    written = env_file.read_bytes()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert b"DJANGO_DEBUG=true" in written
    assert b"FIELD_ENCRYPTION_KEYS=" in written and b"BLIND_INDEX_KEY=" in written
    hashes = _password_hashes(repo_copy)
    assert len(hashes) == 3

    second = run(["manage.py", "demo", "--no-serve"], env=clean_env(), cwd=repo_copy)

    assert second.returncode == 0, second.stderr
    assert env_file.read_bytes() == written
    assert _password_hashes(repo_copy) == hashes
    assert "manage.py changepassword" in second.stdout  # the "accounts exist" note
    # Every other command now finds its keys in the local env file.
    check = run(["manage.py", "check"], env=clean_env(), cwd=repo_copy)
    assert check.returncode == 0, check.stderr


def test_demo_refuses_when_the_databases_exist_but_the_local_env_is_gone(repo_copy):
    (repo_copy / "var").mkdir()
    with sqlite3.connect(repo_copy / "var" / "refleact.sqlite3") as db:
        db.execute("CREATE TABLE sealed (value BLOB)")

    result = run(["manage.py", "demo", "--no-serve"], env=clean_env(), cwd=repo_copy)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "var/refleact.sqlite3 exists but .env.local is gone" in lines[0]
    assert not (repo_copy / ".env.local").exists()


def test_an_empty_database_file_left_by_a_mere_connection_is_no_refusal(
    tmp_path, monkeypatch
):
    # SQLite creates an empty file on connecting; it holds no data to lose.
    monkeypatch.delenv("FIELD_ENCRYPTION_KEYS")
    monkeypatch.delenv("BLIND_INDEX_KEY")
    monkeypatch.setattr(localenv, "VAR_DIR", tmp_path / "var")
    monkeypatch.setattr(localenv, "LOCAL_ENV_FILE", tmp_path / ".env.local")
    monkeypatch.setattr(localenv, "DEFAULT_DB_FILE", tmp_path / "var" / "data.sqlite3")
    monkeypatch.setattr(
        localenv, "DEFAULT_KEYSTORE_FILE", tmp_path / "var" / "k.sqlite3"
    )
    (tmp_path / "var").mkdir()
    localenv.DEFAULT_KEYSTORE_FILE.touch()

    message = localenv.ensure_local_env()

    assert "Wrote fresh keys" in message
    assert "BLIND_INDEX_KEY=" in localenv.LOCAL_ENV_FILE.read_text()


def _password_hashes(repo) -> dict[str, str]:
    with sqlite3.connect(repo / "var" / "refleact.sqlite3") as db:
        # Staff accounts only: consent's demo client logins have no password.
        return dict(
            db.execute(
                "SELECT username, password FROM accounts_user WHERE is_staff = 1"
            )
        )
