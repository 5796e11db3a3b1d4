"""Settings for bench/encryption.py only: bench models in temporary SQLite files.

The database options are those refleact/settings.py gives SQLite (IMMEDIATE
transactions, secure_delete), so every variant pays what production pays.
"""

import os
from pathlib import Path

from refleact.localenv import new_key

BENCH_DIR = Path(os.environ["REFLEACT_BENCH_DIR"])

SECRET_KEY = "bench-only-" + "x" * 50  # also the peer package's key material
DEBUG = False
USE_TZ = True
TIME_ZONE = "Europe/Amsterdam"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "refleact.keystore",
    "encrypted_fields",
    "bench.benchapp",
]

_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA secure_delete=ON;",
}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(BENCH_DIR / "data.sqlite3"),
        "OPTIONS": dict(_SQLITE_OPTIONS),
    },
    "keystore": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(BENCH_DIR / "keystore.sqlite3"),
        "OPTIONS": dict(_SQLITE_OPTIONS),
    },
}
DATABASE_ROUTERS = ["refleact.keystore.routers.KeystoreRouter"]

# Fresh keys each run: the bench keeps nothing.
FIELD_ENCRYPTION_KEYS = [new_key()]
BLIND_INDEX_KEY = new_key()
KEY_CACHE_SECONDS = 60  # the production default
SEALED_FILES_DIR = str(BENCH_DIR / "sealed")

# The peer package derives its Fernet key from SECRET_KEY and SALT_KEY.
SALT_KEY = ["bench-salt-" + new_key()]
