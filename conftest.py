"""Fixtures shared by every app's tests."""

import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from refleact.crypto import keyring

# Hypothesis: a bounded profile for CI and the everyday run (the suite runs twice
# on two cores), a longer one on demand: HYPOTHESIS_PROFILE=long.
_FIXTURE_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
hypothesis_settings.register_profile(
    "ci", max_examples=15, deadline=None, suppress_health_check=_FIXTURE_CHECKS
)
hypothesis_settings.register_profile(
    "long", max_examples=500, deadline=None, suppress_health_check=_FIXTURE_CHECKS
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _fresh_key_cache():
    # Test databases roll back between tests; keys cached in this process must not
    # outlive the rows that held them.
    keyring.clear_cache()
    yield
    keyring.clear_cache()


@pytest.fixture(autouse=True)
def _sealed_files_dir(settings, tmp_path):
    settings.SEALED_FILES_DIR = str(tmp_path / "sealed")


# The three personas (owner, coach, outsider) for tests of client data; the fixed
# clock and the fresh erasure journal of retention tests (asked for by usefixtures).
pytest_plugins = ["refleact.testing.personas", "refleact.testing.retention"]
