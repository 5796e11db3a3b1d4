"""Fixtures shared by every app's tests."""

import pytest

from refleact.crypto import keyring


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


# The three personas (owner, coach, outsider) for tests of client data.
pytest_plugins = ["refleact.testing.personas"]
