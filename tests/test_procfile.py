"""The Procfile and the systemd units name real modules and keep their promises.

Cheap: nothing is started. deploy/smoke starts the Procfile's commands for real.
"""

from __future__ import annotations

import importlib.util
import shlex
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
SYSTEMD = BASE_DIR / "deploy" / "systemd"
UNITS = ["refleact-web.service", "refleact-worker@.service", "refleact-beat.service"]


def _procfile() -> dict[str, list[str]]:
    types = {}
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            types[name.strip()] = shlex.split(command)
    return types


def _unit(name: str) -> dict[str, list[str]]:
    """Return each key of the unit's [Service] (and other) sections, in order."""
    text = (SYSTEMD / name).read_text().replace("\\\n", " ")
    values: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_the_procfile_has_web_worker_and_beat_on_real_modules():
    types = _procfile()

    assert set(types) == {"web", "worker", "beat"}
    assert types["web"][:2] == ["gunicorn", "refleact.wsgi"]
    assert importlib.util.find_spec("refleact.wsgi") is not None
    for name in ("worker", "beat"):
        assert types[name][:4] == ["celery", "-A", "refleact", name]
    from refleact import celery_app

    assert celery_app.main == "refleact"


def test_the_procfile_reads_workers_and_bind_from_the_environment():
    web = " ".join(_procfile()["web"])

    assert "--bind ${WEB_BIND:-127.0.0.1:8001}" in web
    assert "--workers ${WEB_CONCURRENCY:-3}" in web
    # No query strings in the access log: an admin search may be a client's name.
    assert "%(U)s" in web and "%(r)s" not in web and "%(q)s" not in web


@pytest.mark.parametrize("name", UNITS)
def test_each_unit_runs_hardened_as_its_own_user_with_the_root_only_environment(
    name,
):
    unit = _unit(name)

    assert unit["User"] == ["refleact"]
    assert unit["EnvironmentFile"] == ["/etc/refleact/refleact.env"]
    for key in ("NoNewPrivileges", "PrivateTmp", "ProtectHome"):
        assert unit[key] == ["yes"], key
    assert unit["ProtectSystem"] == ["strict"]
    assert unit["CapabilityBoundingSet"] == [""]


@pytest.mark.parametrize("name", ["refleact-web.service", "refleact-worker@.service"])
def test_web_and_worker_may_write_the_sealed_files_and_the_journal(name):
    writable = _unit(name)["ReadWritePaths"][0].split()
    env = dict(
        line.split("=", 1)
        for line in (SYSTEMD / "refleact.env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )

    assert str(Path(env["SEALED_FILES_DIR"])) in writable
    assert str(Path(env["ERASURE_JOURNAL_PATH"]).parent) in writable


def _options(command: list[str]) -> list[str]:
    return [part for part in command if part.startswith("--")]


def test_the_units_run_the_procfiles_commands():
    types = _procfile()
    for name, kind in zip(UNITS, ("web", "worker", "beat"), strict=True):
        command = shlex.split(_unit(name)["ExecStart"][0])
        assert Path(command[0]).name == types[kind][0], name
        positional = 2 if kind == "web" else 4
        assert command[1:positional] == types[kind][1:positional], name
        assert _options(command) == _options(types[kind]), name


def test_there_is_one_beat_and_many_workers():
    assert (SYSTEMD / "refleact-worker@.service").exists()
    assert not list(SYSTEMD.glob("refleact-beat@*"))
    assert "%i" in _unit("refleact-worker@.service")["ExecStart"][0]
