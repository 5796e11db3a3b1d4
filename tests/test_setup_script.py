"""scripts/setup: the README's first command, and .ci/run's system packages.

The script runs for real, with fakes on PATH where it would change the machine:
dpkg-query reports the packages in FAKE_MISSING as absent, and apt-get, sudo and
a venv's pip and python only write their arguments to a file.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
SETUP = BASE_DIR / "scripts" / "setup"

RECORDER = '#!/bin/sh\necho "$(basename "$0") $*" >> "$CALLS"\n'
FAKES = {
    "apt-get": RECORDER,
    # sudo records itself, then runs the command (the fake apt-get) as given.
    "sudo": RECORDER + 'exec "$@"\n',
    "id": '#!/bin/sh\necho "${FAKE_UID:-0}"\n',
    "dpkg-query": (
        '#!/bin/sh\nfor p in $FAKE_MISSING; do [ "$p" = "$3" ] && exit 1; done\n'
        "printf installed\n"
    ),
}


def _fake_bin(path: Path, fakes: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, body in fakes.items():
        (path / name).write_text(body)
        (path / name).chmod(0o755)
    return path


def run_setup(
    tmp_path, *args, fakes=FAKES, **env
) -> tuple[subprocess.CompletedProcess, list[str]]:
    calls = tmp_path / "calls"
    calls.touch()
    fake_bin = _fake_bin(tmp_path / "bin", fakes)
    result = subprocess.run(
        ["bash", str(SETUP), *args],
        env={
            **os.environ,
            "PATH": f"{fake_bin}:{os.environ['PATH']}",
            "CALLS": str(calls),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result, calls.read_text().splitlines()


def test_with_every_package_present_apt_is_not_called(tmp_path):
    # This machine's own dpkg-query: the packages are installed here.
    fakes = {k: v for k, v in FAKES.items() if k != "dpkg-query"}
    result, calls = run_setup(tmp_path, "--system-only", fakes=fakes)

    assert result.returncode == 0, result.stderr
    assert "system packages: all present" in result.stdout
    assert calls == []


def test_as_root_installs_only_the_missing_packages_and_says_which(tmp_path):
    result, calls = run_setup(
        tmp_path, "--system-only", FAKE_MISSING="chromium libharfbuzz-subset0"
    )

    assert result.returncode == 0, result.stderr
    assert "installing the missing system packages: libharfbuzz-subset0 chromium" in (
        result.stdout
    )
    assert calls == [
        "apt-get update -qq",
        "apt-get install -y -qq libharfbuzz-subset0 chromium",
    ]


def test_not_root_installs_through_sudo(tmp_path):
    result, calls = run_setup(
        tmp_path, "--system-only", FAKE_MISSING="poppler-utils", FAKE_UID="1000"
    )

    assert result.returncode == 0, result.stderr
    assert calls == [
        "sudo apt-get update -qq",
        "apt-get update -qq",
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils",
        "apt-get install -y -qq poppler-utils",
    ]


def test_a_python_without_venv_gets_python3_venv(tmp_path):
    python = '#!/bin/sh\n[ "$1" = -c ] && case "$2" in *ensurepip*) exit 1;; esac\n'
    result, calls = run_setup(
        tmp_path, "--system-only", fakes={**FAKES, "python3": python}
    )

    assert result.returncode == 0, result.stderr
    assert calls[-1] == "apt-get install -y -qq python3-venv"


def test_then_the_requirements_and_demo_with_its_options(tmp_path):
    venv = _fake_bin(tmp_path / "venv" / "bin", {"pip": RECORDER, "python": RECORDER})
    result, calls = run_setup(tmp_path, "--venv", str(venv.parent), "--no-serve")

    assert result.returncode == 0, result.stderr
    assert calls == [
        f"pip install --quiet --disable-pip-version-check -r {BASE_DIR}/requirements.txt",
        "python manage.py demo --no-serve",
    ]


def test_no_demo_stops_after_the_requirements(tmp_path):
    venv = _fake_bin(tmp_path / "venv" / "bin", {"pip": RECORDER, "python": RECORDER})
    result, calls = run_setup(tmp_path, "--venv", str(venv.parent), "--no-demo")

    assert result.returncode == 0, result.stderr
    assert [call.split()[0] for call in calls] == ["pip"]


def test_the_readme_and_ci_call_the_script():
    readme = (BASE_DIR / "README.md").read_text()
    commands = re.findall(r"```\n(.*?)\n```", readme, re.S)
    assert commands[:2] == ["bash scripts/setup", ".venv/bin/python -m pytest"]
    assert "scripts/setup --venv" in (BASE_DIR / ".ci" / "run").read_text()
    assert "apt-get" not in (BASE_DIR / ".ci" / "run").read_text()


@pytest.mark.parametrize("name", sorted(FAKES))
def test_the_fakes_stand_in_for_real_commands(name):
    # A fake for a command the script never calls would test nothing.
    assert re.search(rf"\b{re.escape(name)}\b", SETUP.read_text())
