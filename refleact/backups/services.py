"""Backups and restores: the data, the key store, the sealed files, the journal.

A backup directory holds three sets that can be kept for different times:

    data/database.dump      the data database (PostgreSQL: pg_dump -Fc; SQLite:
                            a consistent copy through the sqlite3 backup API)
    data/sealed-files.tar   the encrypted attachments (SEALED_FILES_DIR)
    keys/keystore.dump      the key store's database: kept for a shorter time,
                            so that destroying an erased client's key reaches
                            every older data backup too (crypto-shredding);
                            django-axes' login records are in it too
    journal/erasures.jsonl  a copy of the erasure journal file
    MANIFEST                JSON: when it was taken, each set's engine, and the
                            sha256 of every file; written last, so a backup
                            without it is incomplete

Order of a backup: the data database, then the sealed files (a file uploaded
meanwhile is an orphan in the tar, never a row without its file), then the key
store (a key made meanwhile opens nothing old; a key destroyed meanwhile is an
erasure, as intended), then the journal last (the newest).

A restore checks everything before it touches anything (the manifest, every
file's checksum, each dump's kind, the target databases' engines and kinds),
replaces each database in one transaction (PostgreSQL) or one backup-API step
(SQLite), puts the sealed files in place, migrates both databases, and then
always re-applies every erasure of the newest journal (the live
ERASURE_JOURNAL_PATH, a given journal file and the backup's copy, merged, and
the journal table) before it verifies with ``encryption_status``: no erased
client comes back, whatever the age of the data or the key-store backup. It
passes the data backup's ``taken_at`` (``--data-taken-at``) when it replaced the
data database, so only the fields later erasures rewrote are blanked again.

Nothing here prints or raises a value from a database: set names, engines,
sizes and counts only. Errors of pg_dump/pg_restore/psql are reduced to their
first line, without DETAIL lines (where PostgreSQL quotes values), and redacted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from refleact.backups.marker import marker_clear, marker_path, marker_set
from refleact.erasure.journal import journal_line_holder, journal_path
from refleact.keystore.routers import KEYSTORE_ALIAS
from refleact.structuredlog import redact

FORMAT = 1
MANIFEST = "MANIFEST"
DATA, KEYS, JOURNAL = "data", "keys", "journal"
ALIASES = {DATA: "default", KEYS: KEYSTORE_ALIAS}
DATA_DUMP = "data/database.dump"
SEALED_TAR = "data/sealed-files.tar"
KEYS_DUMP = "keys/keystore.dump"
JOURNAL_COPY = "journal/erasures.jsonl"
FILES = {DATA: (DATA_DUMP, SEALED_TAR), KEYS: (KEYS_DUMP,), JOURNAL: (JOURNAL_COPY,)}
# The table only a key store has, and the tables a key store may hold: its own,
# and django-axes' login records (refleact/keystore/routers.py).
KEYSTORE_MARK = "keystore_datakey"
_KEYSTORE_TABLE = re.compile(r"keystore_\w+|axes_\w+|django_migrations|sqlite_\w+")
# A sealed file's stored name (refleact/crypto/files.py): nothing else is backed up
# or restored, so a tar can never write outside the storage directory.
_STORED_NAME = re.compile(r"[0-9a-f]{40}")
_CHUNK = 1024 * 1024

# Exit codes: refused before anything was touched; failed midway; restored but
# the verification (encryption_status) reports a problem.
REFUSED, FAILED, UNVERIFIED = 2, 1, 3


class Refused(CommandError):
    """Nothing was changed: the backup or the target is not what is expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=REFUSED)


class Failed(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=FAILED)


class Unverified(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=UNVERIFIED)


Say = Callable[[str], None]


# -- helpers ----------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(alias: str) -> str:
    return connections[alias].vendor


def _pg_env(alias: str) -> dict[str, str]:
    """The connection as libpq environment variables: no password on a command line."""
    params = connections[alias].settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    options = params.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _tool(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise Refused(f"{program} is not installed (PostgreSQL client tools needed).")
    return found


def _first_error(stderr: bytes | str) -> str:
    """The first error line of a PostgreSQL tool, never a DETAIL line, redacted."""
    text = stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not re.search(r"\b(DETAIL|CONTEXT|LINE \d+):", line)
    ]
    preferred = [line for line in lines if "error" in line.lower()] or lines
    return redact(preferred[0][:200]) if preferred else "no message"


def _run(command: list[str], *, alias: str, what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603  # nosec B603
        command, env=_pg_env(alias), capture_output=True, check=False
    )
    if result.returncode != 0:
        raise Failed(f"{what} failed: {_first_error(result.stderr)}")
    return result


def _private_dir(path: Path) -> None:
    """Create path (and missing parents) as 0700; an existing directory keeps its mode."""
    if path.is_dir():
        return
    missing = [path, *(p for p in path.parents if not p.exists())]
    path.mkdir(parents=True, exist_ok=True)
    for created in missing:
        created.chmod(0o700)


# -- backup -----------------------------------------------------------------------


def _dump_database(alias: str, target: Path) -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        _run(
            [_tool("pg_dump"), "--format=custom", f"--file={target}"],
            alias=alias,
            what=f"pg_dump of the {alias} database",
        )
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(str(connection.settings_dict["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        raise Refused(f"no backup for the {connection.vendor} engine")
    target.chmod(0o600)


def _tar_sealed_files(target: Path) -> int:
    root = Path(settings.SEALED_FILES_DIR)
    count = 0
    with tarfile.open(target, "w") as tar:
        if root.is_dir():
            for path in sorted(root.iterdir()):
                if path.is_file() and _STORED_NAME.fullmatch(path.name):
                    tar.add(path, arcname=path.name, recursive=False)
                    count += 1
    target.chmod(0o600)
    return count


def _journal_read(path: Path, what: str) -> tuple[list[bytes], int]:
    """The journal's valid lines (stripped) and its number of damaged lines.

    A damaged line (not UTF-8, not JSON, no holder id) is skipped and counted;
    a file that cannot be read at all is refused.
    """
    if not path.exists():
        return [], 0
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise Refused(
            f"The {what} cannot be read ({type(error).__name__}); nothing changed."
        ) from None
    lines, damaged = [], 0
    for line in raw.splitlines():
        if not line.strip():
            continue
        if journal_line_holder(line) is None:
            damaged += 1
        else:
            lines.append(line.strip())
    return lines, damaged


def _copy_journal(target: Path, say: Say) -> int:
    """Copy the live journal's valid lines (a damaged line is counted, not copied)."""
    lines, damaged = _journal_read(
        journal_path(), "erasure journal (ERASURE_JOURNAL_PATH)"
    )
    target.write_bytes(b"".join(line + b"\n" for line in lines))
    target.chmod(0o600)
    if damaged:
        say(f"journal: {damaged} damaged lines in ERASURE_JOURNAL_PATH skipped")
    return len(lines)


def backup_take(*, directory: Path, sets: tuple[str, ...], say: Say) -> dict:
    """Write the chosen sets (and always the journal) and the MANIFEST into directory."""
    if (directory / MANIFEST).exists():
        raise Refused(
            "The directory already holds a backup (MANIFEST); choose another."
        )
    sets = (*[s for s in (DATA, KEYS) if s in sets], JOURNAL)
    _private_dir(directory)
    manifest: dict = {
        "format": FORMAT,
        "taken_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "sets": {},
    }
    for name in sets:
        _private_dir(directory / name)
        for relative in FILES[name]:
            (directory / relative).unlink(missing_ok=True)
    if DATA in sets:
        _dump_database(ALIASES[DATA], directory / DATA_DUMP)
        count = _tar_sealed_files(directory / SEALED_TAR)
        say(f"data: database dumped ({_engine(ALIASES[DATA])}), {count} sealed files")
    if KEYS in sets:
        _dump_database(ALIASES[KEYS], directory / KEYS_DUMP)
        say(f"keys: key store dumped ({_engine(ALIASES[KEYS])})")
    lines = _copy_journal(directory / JOURNAL_COPY, say)
    say(f"journal: {lines} erasure journal lines copied")
    for name in sets:
        entry: dict = {"files": {r: _sha256(directory / r) for r in FILES[name]}}
        if name in ALIASES:
            entry["engine"] = _engine(ALIASES[name])
        manifest["sets"][name] = entry
    # Written last, and atomically: a directory without it is no backup.
    partial = directory / f".{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    partial.chmod(0o600)
    partial.replace(directory / MANIFEST)
    say(f"MANIFEST written ({manifest['taken_at']})")
    return manifest


# -- restore: checks --------------------------------------------------------------


def manifest_read(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise Refused("No MANIFEST in the backup directory: not a (complete) backup.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest["format"] != FORMAT or not isinstance(manifest["sets"], dict):
            raise ValueError
        if not isinstance(manifest["taken_at"], str):
            raise TypeError
        dt.datetime.fromisoformat(manifest["taken_at"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise Refused("The MANIFEST is damaged or of an unknown format.") from None
    return manifest


def _verify_set(directory: Path, manifest: dict, name: str) -> None:
    entry = manifest["sets"].get(name)
    if not isinstance(entry, dict) or not isinstance(entry.get("files"), dict):
        raise Refused(f"The backup has no {name} set.")
    if set(entry["files"]) != set(FILES[name]):
        raise Refused(f"The MANIFEST lists unexpected files for the {name} set.")
    for relative, expected in entry["files"].items():
        path = directory / relative
        if not path.is_file():
            raise Refused(f"{relative} is missing from the backup.")
        if _sha256(path) != expected:
            raise Refused(f"{relative} does not match its MANIFEST checksum (damaged).")


def _dump_tables(engine: str, path: Path) -> set[str]:
    """The tables a dump creates, read without restoring it."""
    if engine == "sqlite":
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                rows = db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                ).fetchall()
        except sqlite3.DatabaseError:
            raise Refused(f"{path.name} is not an SQLite database.") from None
        return {row[0] for row in rows}
    result = subprocess.run(  # noqa: S603  # nosec B603
        [_tool("pg_restore"), "--list", str(path)], capture_output=True, check=False
    )
    if result.returncode != 0:
        raise Refused(f"{path.name} is not a pg_dump archive.")
    tables = set()
    for line in result.stdout.decode(errors="replace").splitlines():
        # e.g. "215; 1259 16390 TABLE public keystore_datakey postgres"
        match = re.search(r"\bTABLE \S+ (\S+)", line)
        if match and " TABLE DATA " not in line:
            tables.add(match.group(1))
    return tables


def _target_tables(alias: str) -> set[str]:
    try:
        with connections[alias].cursor() as cursor:
            return set(connections[alias].introspection.table_names(cursor))
    except Exception as error:  # noqa: BLE001 - reported without the URL
        raise Refused(
            f"The {alias} database cannot be reached ({type(error).__name__})."
        ) from None


def _check_target(name: str, manifest: dict, directory: Path) -> None:
    alias = ALIASES[name]
    engine = manifest["sets"][name].get("engine")
    if engine != _engine(alias):
        raise Refused(
            f"The {name} backup is a {engine} dump; the {alias} database is "
            f"{_engine(alias)}."
        )
    dump = directory / FILES[name][0]
    tables = _dump_tables(engine, dump)
    present = _target_tables(alias)
    if name == DATA:
        if KEYSTORE_MARK in tables or "django_migrations" not in tables:
            raise Refused("The data dump is not a data database (a key store?).")
        if KEYSTORE_MARK in present:
            raise Refused("DATABASE_URL names a key-store database; refused.")
    else:
        if KEYSTORE_MARK not in tables or not all(
            _KEYSTORE_TABLE.fullmatch(t) for t in tables
        ):
            raise Refused("The key-store dump is not a key-store database.")
        if not all(_KEYSTORE_TABLE.fullmatch(t) for t in present):
            raise Refused("KEYSTORE_DATABASE_URL names a data database; refused.")


def _check_tar(path: Path) -> None:
    try:
        with tarfile.open(path, "r:") as tar:
            for member in tar:
                if not (member.isfile() and _STORED_NAME.fullmatch(member.name)):
                    raise Refused("The sealed-files archive holds an unexpected entry.")
    except tarfile.TarError:
        raise Refused("The sealed-files archive is damaged.") from None


# -- restore: actions -------------------------------------------------------------


def _restore_postgresql(alias: str, dump: Path) -> None:
    """Replace the database with the dump in ONE transaction: all or nothing.

    Every table the target holds now is dropped first (also those of later
    migrations the dump does not know), inside the same transaction as the
    dump's own statements.
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    drops = "".join(
        f"DROP TABLE IF EXISTS {quote(table)} CASCADE;\n"
        for table in sorted(_target_tables(alias))
    )
    connection.close()
    env = _pg_env(alias)
    with tempfile.TemporaryFile() as errors:
        producer = subprocess.Popen(  # noqa: S603  # nosec B603
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--clean",
                "--if-exists",
                "--file=-",
                str(dump),
            ],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
        )
        consumer = subprocess.Popen(  # noqa: S603  # nosec B603
            [
                _tool("psql"),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                "--file=-",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=env,
        )
        try:
            consumer.stdin.write(b"SET client_min_messages = warning;\n")
            consumer.stdin.write(drops.encode())
            shutil.copyfileobj(producer.stdout, consumer.stdin, _CHUNK)
        except BrokenPipeError:
            pass  # psql stopped on an error: reported below
        finally:
            producer.stdout.close()
            try:
                consumer.stdin.close()
            except BrokenPipeError:
                pass
        produced, consumed = producer.wait(), consumer.wait()
        if produced != 0 or consumed != 0:
            errors.seek(0)
            raise Failed(
                f"Restoring the {alias} database failed, nothing of it changed: "
                f"{_first_error(errors.read())}"
            )


def _restore_sqlite(alias: str, dump: Path) -> None:
    connection = connections[alias]
    connection.close()
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    copy = sqlite3.connect(str(target))
    try:
        # One step: the backup API replaces the target's pages in one transaction.
        source.backup(copy)
    except sqlite3.Error as error:
        raise Failed(
            f"Restoring the {alias} database failed, nothing of it changed: "
            f"{type(error).__name__}"
        ) from None
    finally:
        copy.close()
        source.close()


def _restore_database(alias: str, dump: Path) -> None:
    if _engine(alias) == "postgresql":
        _restore_postgresql(alias, dump)
    else:
        _restore_sqlite(alias, dump)


def _restore_sealed_files(tar_path: Path) -> int:
    """Make SEALED_FILES_DIR hold exactly the archive's files.

    Extracted into a staging directory inside SEALED_FILES_DIR itself (so the
    moves stay on one file system, also when the directory is a mount point),
    then each file moved into place; stored files the archive lacks are removed
    (the restored database does not know them).
    """
    root = Path(settings.SEALED_FILES_DIR)
    _private_dir(root)
    staging = root / f".restoring-{secrets.token_hex(4)}"
    _private_dir(staging)
    names: set[str] = set()
    try:
        with tarfile.open(tar_path, "r:") as tar:
            for member in tar:
                source = tar.extractfile(member)
                if source is None or not _STORED_NAME.fullmatch(member.name):
                    continue  # checked before: never reached
                with source, (staging / member.name).open("xb") as target:
                    shutil.copyfileobj(source, target, _CHUNK)
                names.add(member.name)
        for path in root.iterdir():
            if path.is_file() and _STORED_NAME.fullmatch(path.name):
                if path.name not in names:
                    path.unlink()
        for name in names:
            (staging / name).replace(root / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(names)


def _journals_merged(journals: list[tuple[Path, str]], say: Say) -> list[bytes]:
    """Every valid line of every journal once, read before anything changes."""
    seen: dict[bytes, None] = {}
    for path, what in journals:
        lines, damaged = _journal_read(path, what)
        if damaged:
            say(f"journal: {damaged} damaged lines skipped in the {what}")
        seen.update(dict.fromkeys(lines))
    return list(seen)


@dataclass
class RestorePlan:
    directory: Path
    sets: tuple[str, ...]
    journal: Path | None = None


def restore_run(*, plan: RestorePlan, say: Say) -> None:
    """Check everything, restore the chosen sets, re-apply erasures, verify."""
    from refleact.crypto import keyring

    directory = plan.directory
    manifest = manifest_read(directory)
    for name in plan.sets:
        _verify_set(directory, manifest, name)
    if plan.journal is not None and not plan.journal.is_file():
        raise Refused("The journal file given with --journal does not exist.")
    journals = [(journal_path(), "erasure journal (ERASURE_JOURNAL_PATH)")]
    if plan.journal is not None:
        journals.append((plan.journal, "journal file given with --journal"))
    if JOURNAL in manifest["sets"]:
        try:
            _verify_set(directory, manifest, JOURNAL)
            journals.append((directory / JOURNAL_COPY, "backup's journal copy"))
        except Refused:
            say("journal: the backup's copy is missing or damaged; not used")
    lines = _journals_merged(journals, say)
    for name in plan.sets:
        _check_target(name, manifest, directory)
    if DATA in plan.sets:
        _check_tar(directory / SEALED_TAR)
    say(f"backup of {manifest['taken_at']}: checked")

    # From here on the targets change: the marker first (refleact/backups/marker.py),
    # and whatever fails, the erasures are re-applied before this returns.
    marker_set()
    failure: str | None = None
    restored: set[str] = set()
    try:
        _restore_sets(plan, say, restored)
    except Exception as error:  # noqa: BLE001 - reported below, after re-applying
        failure = (
            str(error) if isinstance(error, CommandError) else type(error).__name__
        )
    finally:
        keyring.clear_cache()
        # The fields an erasure rewrote in others' rows are blanked only on
        # rows restored from before it: the data backup's time, or, when the
        # data database was not replaced, now (the live rows postdate every
        # erasure: nothing is blanked).
        data_taken_at = (
            manifest["taken_at"]
            if DATA in restored
            else dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        )
        try:
            reapplied = _reapply(lines, say, data_taken_at=data_taken_at)
        except Exception as error:  # noqa: BLE001
            raise Failed(
                f"Restore {'failed: ' + failure + '; ' if failure else 'done, but '}"
                f"re-applying the erasures failed ({type(error).__name__}): run "
                f"manage.py reapply_erasures before serving; {marker_path().name} "
                "stays."
            ) from None
    if failure is not None:
        raise Failed(
            f"Restore failed midway: {failure}; erasures re-applied "
            f"({reapplied}); {marker_path().name} stays: do not serve."
        )

    _rebuild_blind_indexes(say)
    out = StringIO()
    try:
        call_command("encryption_status", stdout=out)
    except CommandError as error:
        for line in out.getvalue().splitlines():
            say(f"  {line}")
        raise Unverified(
            f"Restored and erasures re-applied, but encryption_status reports: "
            f"{error}; {marker_path().name} stays."
        ) from None
    marker_clear()
    say("verified: encryption_status reports no problem")


def _restore_sets(plan: RestorePlan, say: Say, restored: set[str]) -> None:
    """Restore the chosen sets; ``restored`` gets each database replaced."""
    from refleact.crypto import keyring

    directory = plan.directory
    if DATA in plan.sets:
        _restore_database(ALIASES[DATA], directory / DATA_DUMP)
        restored.add(DATA)
        say("data: database restored")
        count = _restore_sealed_files(directory / SEALED_TAR)
        say(f"data: {count} sealed files restored")
    if KEYS in plan.sets:
        _restore_database(ALIASES[KEYS], directory / KEYS_DUMP)
        say("keys: key store restored")
    keyring.clear_cache()
    for alias in ALIASES.values():
        call_command("migrate", database=alias, interactive=False, verbosity=0)
    say("migrations applied to both databases")


def _reapply(lines: list[bytes], say: Say, *, data_taken_at: str) -> str:
    from refleact.crypto import keyring

    with tempfile.TemporaryDirectory() as scratch:
        merged = Path(scratch) / "erasures.jsonl"
        merged.write_bytes(b"".join(line + b"\n" for line in lines))
        out = StringIO()
        call_command(
            "reapply_erasures",
            journal=str(merged),
            data_taken_at=data_taken_at,
            stdout=out,
        )
    keyring.clear_cache()
    result = out.getvalue().strip()
    say(f"erasures re-applied from {len(lines)} journal lines: {result}")
    return result


def _rebuild_blind_indexes(say: Say) -> None:
    """The digests live in the key store: make them match the restored rows."""
    out = StringIO()
    call_command("blind_indexes_rebuild", stdout=out)
    say(f"blind indexes rebuilt ({len(out.getvalue().splitlines())} models)")
