"""Test settings: fixed test-only keys, never the local env file.

These keys are public (they are in git): they protect nothing and must never be
used outside tests.
"""

import os

os.environ["REFLEACT_SKIP_LOCAL_ENV"] = "1"
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-" + "x" * 50)
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS", "dGVzdC1vbmx5LW1hc3Rlci1rZXktMDAwMDAwMDAwMDA="
)
os.environ.setdefault("BLIND_INDEX_KEY", "dGVzdC1vbmx5LWJsaW5kLWluZGV4LWtleS0wMDAwMDA=")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from refleact.settings import *  # noqa: E402,F403
from refleact.settings import BASE_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
# Tests log in with a password alone and travel in time with a session open;
# tests/security/ turns both on with the `settings` fixture.
STAFF_TWO_FACTOR_REQUIRED = False
STAFF_SESSION_IDLE_MINUTES = 0
KEY_CACHE_SECONDS = 60
# Every /readyz in a test checks afresh (tests/test_health.py turns it on itself).
READYZ_CACHE_SECONDS = 0
SEALED_FILES_DIR = os.environ.get(
    "SEALED_FILES_DIR", str(BASE_DIR / "var" / "test-sealed-files")
)

INSTALLED_APPS = [*INSTALLED_APPS, "refleact.crypto.testapp"]  # noqa: F405

# Tests run without collectstatic: let WhiteNoise look files up on request instead
# of warning (an error under -W error) that STATIC_ROOT does not exist.
WHITENOISE_AUTOREFRESH = True
# Tasks run in-process whatever the environment, so no unit test depends on a
# worker; integration tests switch the Celery app to the real broker themselves.
CELERY_TASK_ALWAYS_EAGER = True

# SQLite test databases in files, not Django's shared-cache in-memory default: in
# shared-cache mode a second connection (the live server's threads in browser
# tests) meets a write lock with "database table is locked" at once instead of
# waiting, as connections to a file do (and as production's do). One pair of files
# per test process, so parallel runs never share them; Django deletes them after.
import tempfile  # noqa: E402

for _alias, _database in DATABASES.items():  # noqa: F405
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        _database["TEST"] = {
            "NAME": os.path.join(
                tempfile.gettempdir(), f"refleact-test-{os.getpid()}-{_alias}.sqlite3"
            )
        }

# The erasure journal file of a test run: never the developer's var/erasures.jsonl.
ERASURE_JOURNAL_PATH = os.path.join(  # noqa: F405
    tempfile.gettempdir(), f"refleact-test-{os.getpid()}-erasures.jsonl"
)
