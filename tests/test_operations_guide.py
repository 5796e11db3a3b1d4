"""docs/operations.md names every setting refleact/settings.py reads."""

from __future__ import annotations

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def test_the_operators_guide_lists_every_environment_variable():
    settings_source = (BASE_DIR / "refleact" / "settings.py").read_text()
    read = set(
        re.findall(r'(?:env\.\w+|_database)\(\s*"([A-Z][A-Z0-9_]+)"', settings_source)
    )
    guide = (BASE_DIR / "docs" / "operations.md").read_text()

    assert {"DATABASE_URL", "FIELD_ENCRYPTION_KEYS", "READYZ_TOKEN"} <= read
    assert sorted(name for name in read if f"`{name}`" not in guide) == []


def test_the_readme_links_the_guide():
    assert "(docs/operations.md)" in (BASE_DIR / "README.md").read_text()
