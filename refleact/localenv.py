"""The newcomer's local configuration file, and the start-up refusal.

Framework-free on purpose: ``manage.py``, ``wsgi.py`` and the Celery worker call
``refuse_if_misconfigured`` before Django is set up, so a missing secret stops
the process with one clear line instead of a traceback or a half-started server.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
LOCAL_ENV_FILE = BASE_DIR / ".env.local"
DEFAULT_DB_FILE = VAR_DIR / "refleact.sqlite3"
DEFAULT_KEYSTORE_FILE = VAR_DIR / "keystore.sqlite3"

GENERATE_HINT = {
    "DJANGO_SECRET_KEY": "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
    "FIELD_ENCRYPTION_KEYS": (
        "python3 -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
    ),
    "BLIND_INDEX_KEY": (
        "python3 -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
    ),
}


class ConfigurationError(Exception):
    """A required setting is missing or malformed; the message names the variable."""


def new_key() -> str:
    """Return a fresh 32-byte key in URL-safe base64, the format of every Refleact key."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def decode_key(value: str, *, variable: str) -> bytes:
    """Return the 32 raw bytes of a URL-safe base64 key, or raise ConfigurationError."""
    try:
        raw = base64.urlsafe_b64decode(value.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise ConfigurationError(
            f"{variable} holds a malformed key (expected 32 random bytes in URL-safe "
            f"base64); generate one with: {GENERATE_HINT[variable]}"
        )
    return raw


def validate(env: dict[str, str], *, debug: bool) -> list[str]:
    """Return one message per missing or malformed required variable."""
    problems = []
    if not env.get("DJANGO_SECRET_KEY"):
        if not debug:
            problems.append(
                "DJANGO_SECRET_KEY is not set; generate one with: "
                + GENERATE_HINT["DJANGO_SECRET_KEY"]
            )
    elif not debug and len(env["DJANGO_SECRET_KEY"]) < 50:
        problems.append(
            "DJANGO_SECRET_KEY is too short (50 characters or more); generate one with: "
            + GENERATE_HINT["DJANGO_SECRET_KEY"]
        )
    # Encrypted data cannot exist without keys, in debug or not.
    for variable in ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
        value = env.get(variable, "")
        if not value.strip():
            problems.append(
                f"{variable} is not set; generate one with: {GENERATE_HINT[variable]}"
            )
            continue
        parts = (
            [p for p in value.split(",")]
            if variable == "FIELD_ENCRYPTION_KEYS"
            else [value]
        )
        for part in parts:
            try:
                decode_key(part, variable=variable)
            except ConfigurationError as exc:
                problems.append(str(exc))
                break
    # Django would answer every request with 400 Bad Request.
    if not debug and not env.get("DJANGO_ALLOWED_HOSTS", "").replace(",", "").strip():
        problems.append(
            "DJANGO_ALLOWED_HOSTS is not set; list the host names the site answers "
            "to, comma-separated, e.g. refleact.example.nl"
        )
    return problems


def refuse_if_misconfigured() -> None:
    """Exit with one clear line when the configuration cannot run Refleact safely."""
    from django.conf import settings

    problems = getattr(settings, "CONFIGURATION_PROBLEMS", [])
    if problems:
        sys.stderr.write(f"Refleact refuses to start: {problems[0]}\n")
        sys.exit(2)


def ensure_local_env() -> str:
    """Write the git-ignored local env file for a newcomer, never overwriting one.

    Return a one-line description of what was done. Raise ConfigurationError when
    databases exist but their keys are gone: new keys would open nothing.
    """
    if LOCAL_ENV_FILE.exists():
        return f"Using the local configuration in {LOCAL_ENV_FILE.name}."
    if os.environ.get("FIELD_ENCRYPTION_KEYS") and os.environ.get("BLIND_INDEX_KEY"):
        return "Using the configuration from the environment."
    # An empty file (SQLite creates one on a mere connection) holds no data to lose.
    existing = [
        p
        for p in (DEFAULT_DB_FILE, DEFAULT_KEYSTORE_FILE)
        if p.exists() and p.stat().st_size > 0
    ]
    if existing:
        raise ConfigurationError(
            f"{existing[0].relative_to(BASE_DIR)} exists but {LOCAL_ENV_FILE.name} is gone: "
            "the keys that open its data are lost. Restore "
            f"{LOCAL_ENV_FILE.name} from a backup, or move var/ aside to start afresh."
        )
    VAR_DIR.mkdir(exist_ok=True)
    content = (
        "# Written by `manage.py demo` for local development. Never commit this file.\n"
        "# Losing it loses every encrypted value in var/: back it up with the databases.\n"
        "DJANGO_DEBUG=true\n"
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"FIELD_ENCRYPTION_KEYS={new_key()}\n"
        f"BLIND_INDEX_KEY={new_key()}\n"
    )
    fd = os.open(LOCAL_ENV_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    return f"Wrote fresh keys to {LOCAL_ENV_FILE.name} (git-ignored; back it up)."
