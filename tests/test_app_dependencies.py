"""Dependencies between apps run one way: core <- clients <- dossiers, consent <-
breaches <- portal. A lower app gets what it needs from a higher one through a
registry the higher one fills (clients.extensions, refleact.dashboard)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each app's code may import of the other apps (its own modules aside).
ALLOWED = {
    "clients": set(),
    "dossiers": {"clients"},
    "consent": {"clients", "dossiers"},
    "breaches": {"clients", "dossiers", "consent"},
    "portal": {"clients", "dossiers", "consent", "breaches"},
}
APPS = set(ALLOWED)
# Core modules that may know the apps: the factories build every app's rows for
# the tests; nothing the application runs imports them.
CORE_EXEMPT = {"refleact/testing"}


def imported_apps(path: Path) -> set[str]:
    """Return the top-level app packages a module imports, wherever in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(n.split(".")[0] for n in names if n.split(".")[0] in APPS)
    return found


def modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        yield relative, path


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_app_imports_only_apps_below_it(app):
    if not (ROOT / app).is_dir():
        pytest.skip(f"{app}/ does not exist yet")
    wrong = {
        relative: sorted(imported_apps(path) - ALLOWED[app] - {app})
        for relative, path in modules(app)
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_core_imports_no_app():
    wrong = {
        relative: sorted(imported_apps(path))
        for relative, path in modules("refleact")
        if not any(relative.startswith(prefix) for prefix in CORE_EXEMPT)
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_the_rule_sees_an_import_inside_a_function(tmp_path):
    # Local imports once dodged the cycle (clients importing dossiers in a function).
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from dossiers.models import Trajectory\n")
    assert imported_apps(module) == {"dossiers"}
