"""Issue 17, "Done when": the restore path. An erased client stays unreadable and
unfindable after a data restore, after a key-store restore, and after restoring
both from before the erasure; a data backup restored into a fresh database opens
with the current key store; a damaged backup is refused before anything changes.

Everything goes through the operator's commands (``manage.py backup`` /
``restore``, and ``deploy/restore`` itself as a subprocess against databases the
test makes). Transactional: a backup sees only committed rows, and the sweep
destroys the key on commit. On PostgreSQL the dumps are real pg_dump archives,
restored with pg_restore into the test's own databases.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.utils import load_backend
from django.test import Client as HttpClient
from django.urls import reverse

from clients.models import Client
from clients.search import clients_search
from dossiers.models import DossierEntry
from dossiers.services import trajectory_close
from dossiers.tests import backups
from refleact.accounts.models import User
from refleact.backups.marker import marker_path
from refleact.crypto import blind, keyring
from refleact.crypto.files import SealedFile, open_chunks
from refleact.erasure.journal import journal_path
from refleact.keystore.models import BlindIndexEntry, DataKey, Tombstone
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    OrganisationFactory,
    TrajectoryFactory,
)
from refleact.testing.retention import CLOCK_AND_JOURNAL, DUE

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    CLOCK_AND_JOURNAL,
]

ROOT = Path(__file__).resolve().parents[3]
ERASED_PERSON = {
    "first_name": "Marieke",
    "last_name": "Oudendijk",
    "email": "marieke.oudendijk@voorbeeld.example",
}
KEPT_PERSON = {
    "first_name": "Joost",
    "last_name": "Verhoeven",
    "email": "joost.verhoeven@voorbeeld.example",
}
ERASED_FILE = b"Marieke Oudendijk: verslag van de intake"
KEPT_FILE = b"Joost Verhoeven: verslag van de intake"


@pytest.fixture(autouse=True)
def fresh_marker():
    marker_path().unlink(missing_ok=True)
    yield
    marker_path().unlink(missing_ok=True)


def _client_with_dossier(coach, person: dict, attachment: bytes):
    client = ClientFactory(coaches=[coach], **person)
    trajectory = TrajectoryFactory(client=client, coach=coach)
    DossierEntryFactory(
        trajectory=trajectory,
        title=f"Sessie met {person['first_name']}",
        body=f"{person['first_name']} {person['last_name']} vertelde over het werk.",
    )
    DossierEntryFactory(
        trajectory=trajectory,
        title="Intake",
        attachment=SimpleUploadedFile("intake.txt", attachment),
    )
    return client, trajectory


@pytest.fixture
def practice(coach, owner, clock):
    """Two clients with dossiers and attachments; one closed for deletion, due."""
    erased, trajectory = _client_with_dossier(coach, ERASED_PERSON, ERASED_FILE)
    kept, _ = _client_with_dossier(coach, KEPT_PERSON, KEPT_FILE)
    trajectory_close(actor=coach, trajectory=trajectory, retention="delete")
    clock.move_to(DUE)
    return erased, kept


def backup(directory: Path, **options) -> str:
    out = StringIO()
    call_command("backup", str(directory), stdout=out, **options)
    return out.getvalue()


def restore(directory: Path, **options) -> str:
    out = StringIO()
    call_command("restore", str(directory), stdout=out, **options)
    keyring.clear_cache()
    return out.getvalue()


def erase_through_the_sweep(erased) -> None:
    out = StringIO()
    call_command("run_retention", stdout=out)
    assert "1 " in out.getvalue()
    assert not Client.objects.filter(pk=erased.pk).exists()
    assert not DataKey.objects.filter(holder_id=erased.holder_id).exists()
    keyring.clear_cache()


def attachments(entries) -> list[SealedFile]:
    return [e.attachment for e in entries if isinstance(e.attachment, SealedFile)]


def full_name(person: dict) -> str:
    return f"{person['first_name']} {person['last_name']}"


def found(owner, term: str, queryset=None) -> list[int]:
    return list(
        clients_search(user=owner, term=term, within=queryset).rows.values_list(
            "pk", flat=True
        )
    )


def assert_erased_stays_erased_and_kept_opens(erased, kept, owner):
    # Logged in now: the owner's row is the restored one, the clock a month on.
    owner_http = HttpClient()
    owner_http.force_login(User.objects.get(pk=owner.pk))
    # The erased client: no row, no key, no index entry, nothing found.
    assert not Client.objects.filter(holder_id=erased.holder_id).exists()
    assert not DossierEntry.objects.filter(holder_id=erased.holder_id).exists()
    assert not DataKey.objects.filter(holder_id=erased.holder_id).exists()
    assert Tombstone.objects.filter(holder_id=erased.holder_id).exists()
    assert not BlindIndexEntry.objects.filter(holder_id=erased.holder_id).exists()
    for term in (ERASED_PERSON["email"], full_name(ERASED_PERSON), "Oudendijk"):
        assert found(owner, term) == []
    for index, term in (
        ("email_index", ERASED_PERSON["email"]),
        ("name_index", full_name(ERASED_PERSON)),
    ):
        field = blind.index_field(Client, index)
        assert not field.candidates(Client.objects.all(), term).exists()
    change = reverse("admin:clients_client_change", args=[erased.pk])
    response = owner_http.get(change)
    assert response.status_code == 404
    # Not even at rest: neither database holds the erased client's identifiers.
    for alias in ("default", "keystore"):
        raw = backups.image(alias)
        for value in (*ERASED_PERSON.values(), full_name(ERASED_PERSON)):
            assert value.encode() not in raw, alias

    # The kept client opens, is found, and its attachment opens.
    row = Client.objects.get(pk=kept.pk)
    assert (row.first_name, row.email) == (
        KEPT_PERSON["first_name"],
        KEPT_PERSON["email"],
    )
    assert found(owner, KEPT_PERSON["email"]) == [kept.pk]
    assert found(owner, full_name(KEPT_PERSON)) == [kept.pk]
    response = owner_http.get(reverse("admin:clients_client_change", args=[kept.pk]))
    assert response.status_code == 200
    assert KEPT_PERSON["email"] in response.content.decode()
    (attachment,) = attachments(DossierEntry.objects.filter(holder_id=kept.holder_id))
    assert b"".join(open_chunks(attachment)) == KEPT_FILE
    # The restore's own verification, once more from the outside.
    call_command("encryption_status", stdout=StringIO())


def test_data_restore_from_before_the_erasure_with_the_current_key_store(
    practice, owner, tmp_path, settings
):
    erased, kept = practice
    backup(tmp_path / "b", data_only=True)
    # Changed after the backup: the key store's digests then name the new address.
    changed = Client.objects.get(pk=kept.pk)
    changed.email = "joost.nieuw@voorbeeld.example"
    changed.save()
    erase_through_the_sweep(erased)
    # A file stored after the backup: the restored data does not know it.
    later = Path(settings.SEALED_FILES_DIR) / ("0" * 40)
    later.write_bytes(b"sealed after the backup")
    # A journal kept apart with a damaged line (not UTF-8): skipped and counted.
    apart = tmp_path / "apart.jsonl"
    apart.write_bytes(b"\xff\xfe{not utf-8\n" + journal_path().read_bytes())

    out = restore(tmp_path / "b", data_only=True, journal=str(apart))

    assert "verified" in out
    assert "1 damaged lines skipped in the journal file given with --journal" in out
    assert not marker_path().exists()
    assert not later.exists()
    # The blind index matches the restored row again: the old address finds it.
    assert found(owner, "joost.nieuw@voorbeeld.example") == []
    assert_erased_stays_erased_and_kept_opens(erased, kept, owner)
    for value in (*ERASED_PERSON.values(), *KEPT_PERSON.values()):
        assert value not in out


def test_key_store_restore_from_before_the_erasure_with_the_current_data(
    practice, owner, tmp_path
):
    erased, kept = practice
    backup(tmp_path / "b", keys_only=True)
    erase_through_the_sweep(erased)

    restore(tmp_path / "b", keys_only=True)

    assert_erased_stays_erased_and_kept_opens(erased, kept, owner)


def test_both_restored_from_before_the_erasure_are_erased_again(
    practice, owner, tmp_path
):
    erased, kept = practice
    backup(tmp_path / "b")
    erase_through_the_sweep(erased)
    # The live journal file is the newest; the backup's copy predates the erasure.
    assert journal_path().read_text().count("\n") == 1
    assert (tmp_path / "b" / "journal" / "erasures.jsonl").read_text() == ""

    out = restore(tmp_path / "b")

    assert "1 " in out.split("erasures re-applied", 1)[1].splitlines()[0]
    assert_erased_stays_erased_and_kept_opens(erased, kept, owner)


# -- into a fresh database, as an operator runs it --------------------------------


def _url(settings_dict: dict, name: str | None = None) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{name or settings_dict['NAME']}"
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{name or settings_dict['NAME']}"


def _pg(program: str, settings_dict: dict, name: str) -> None:
    env = {**os.environ, "PGPASSWORD": settings_dict["PASSWORD"] or ""}
    args = ["-h", settings_dict["HOST"] or "127.0.0.1"]
    args += ["-U", settings_dict["USER"] or "postgres"]
    if settings_dict["PORT"]:
        args += ["-p", str(settings_dict["PORT"])]
    subprocess.run([program, *args, name], check=True, capture_output=True, env=env)


@pytest.fixture
def fresh_database(tmp_path):
    """An empty data database of the test's own (dropped afterwards), as an alias."""
    live = dict(connections["default"].settings_dict)
    name = f"hp2_fresh_{uuid.uuid4().hex[:10]}"
    if live["ENGINE"].endswith("sqlite3"):
        live["NAME"] = str(tmp_path / f"{name}.sqlite3")
    else:
        _pg("createdb", live, name)
        live["NAME"] = name
    connections[name] = load_backend(live["ENGINE"]).DatabaseWrapper(live, name)
    try:
        yield name
    finally:
        connections[name].close()
        del connections[name]
        if not live["ENGINE"].endswith("sqlite3"):
            _pg("dropdb", live, name)


def run_deploy(
    script: str,
    *args: str,
    sealed: Path,
    journal: Path,
    database: str = "default",
    keystore: str = "keystore",
):
    env = {
        **os.environ,
        # The production settings, as an operator runs it (the test keys are in the
        # environment: refleact.settings_test put them there).
        "DJANGO_SETTINGS_MODULE": "refleact.settings",
        "DATABASE_URL": _url(connections[database].settings_dict),
        "KEYSTORE_DATABASE_URL": _url(connections[keystore].settings_dict),
        "SEALED_FILES_DIR": str(sealed),
        "ERASURE_JOURNAL_PATH": str(journal),
        # The interpreter running the tests: CI's venv is not .venv.
        "PYTHON": sys.executable,
    }
    for alias in ("default", "keystore"):
        connections[alias].close()  # SQLite: no lock held while it writes
    return subprocess.run(
        [str(ROOT / "deploy" / script), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_a_data_backup_restored_into_a_fresh_database_opens_with_the_current_keys(
    practice, fresh_database, tmp_path, settings
):
    """A new machine: its own (still empty) journal file, and the journal kept
    apart on its own storage given with --journal: the two are merged."""
    erased, kept = practice
    backup(tmp_path / "b", data_only=True)
    erase_through_the_sweep(erased)
    sealed = tmp_path / "fresh-sealed-files"
    apart = tmp_path / "journal-kept-apart.jsonl"
    apart.write_text(journal_path().read_text())

    result = run_deploy(
        "restore",
        str(tmp_path / "b"),
        "--data-only",
        f"--journal={apart}",
        database=fresh_database,
        sealed=sealed,
        journal=tmp_path / "new-machine-erasures.jsonl",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    for value in (*ERASED_PERSON.values(), *KEPT_PERSON.values()):
        assert value not in result.stdout + result.stderr
    keyring.clear_cache()
    restored = Client.objects.using(fresh_database)
    assert restored.get(pk=kept.pk).email == KEPT_PERSON["email"]
    assert not restored.filter(holder_id=erased.holder_id).exists()
    assert not blind.search(restored, "email_index", ERASED_PERSON["email"]).exists()
    assert list(
        blind.search(restored, "email_index", KEPT_PERSON["email"]).values_list(
            "pk", flat=True
        )
    ) == [kept.pk]
    entries = DossierEntry.objects.using(fresh_database)
    (attachment,) = attachments(entries.filter(holder_id=kept.holder_id))
    settings.SEALED_FILES_DIR = str(sealed)
    assert b"".join(open_chunks(attachment)) == KEPT_FILE

    # The targets are not what the sets expect (the two URLs swapped): refused,
    # and both databases stay as they are.
    result = run_deploy(
        "restore",
        str(tmp_path / "b"),
        "--data-only",
        database="keystore",
        keystore=fresh_database,
        sealed=sealed,
        journal=journal_path(),
    )
    assert result.returncode == 2
    assert "DATABASE_URL names a key-store database" in result.stderr
    assert restored.filter(pk=kept.pk).exists()
    assert DataKey.objects.filter(holder_id=kept.holder_id).exists()


# -- refused, and nothing changed -------------------------------------------------


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGES = {
    "dump": lambda b: _damage(b / "data" / "database.dump"),
    "tar": lambda b: _damage(b / "data" / "sealed-files.tar"),
    "keys": lambda b: _damage(b / "keys" / "keystore.dump"),
    "manifest": lambda b: (b / "MANIFEST").write_text("{not json"),
    "no-taken-at": lambda b: (b / "MANIFEST").write_text(
        json.dumps(
            {
                k: v
                for k, v in json.loads((b / "MANIFEST").read_text()).items()
                if k != "taken_at"
            }
        )
    ),
    "no-manifest": lambda b: (b / "MANIFEST").unlink(),
    "missing": lambda b: (b / "keys" / "keystore.dump").unlink(),
    "other-engine": lambda b: (b / "MANIFEST").write_text(
        (b / "MANIFEST")
        .read_text()
        .replace('"sqlite"', '"other"')
        .replace('"postgresql"', '"other"')
    ),
}


def test_a_damaged_backup_is_refused_and_nothing_changes(
    practice, owner, tmp_path, settings
):
    erased, kept = practice
    (tmp_path / "b").mkdir(mode=0o755)  # the operator's own directory
    (tmp_path / "b").chmod(0o755)
    backup(tmp_path / "b")
    assert (tmp_path / "b").stat().st_mode & 0o777 == 0o755  # left as it was
    assert (tmp_path / "b" / "data").stat().st_mode & 0o777 == 0o700
    manifest = json.loads((tmp_path / "b" / "MANIFEST").read_text())
    assert set(manifest["sets"]) == {"data", "keys", "journal"}
    with pytest.raises(CommandError, match="already holds a backup") as refused:
        backup(tmp_path / "b")  # a backup is never written over
    assert refused.value.returncode == 2
    assert json.loads((tmp_path / "b" / "MANIFEST").read_text()) == manifest
    later = ClientFactory(email="na.de.backup@voorbeeld.example")

    for name, damage in DAMAGES.items():
        copy = tmp_path / name
        shutil.copytree(tmp_path / "b", copy)
        damage(copy)

        with pytest.raises(CommandError) as refused:
            restore(copy)

        assert refused.value.returncode == 2, name
        # Nothing of the live databases changed: a restore would have lost it.
        assert Client.objects.filter(pk=later.pk).exists(), name
        assert found(owner, "na.de.backup@voorbeeld.example") == [later.pk], name
        assert DataKey.objects.filter(holder_id=later.holder_id).exists(), name
    with pytest.raises(CommandError, match="--journal") as refused:
        restore(tmp_path / "b", journal=str(tmp_path / "no-such-journal.jsonl"))
    assert refused.value.returncode == 2
    unreadable = tmp_path / "a-directory.jsonl"
    unreadable.mkdir()
    settings.ERASURE_JOURNAL_PATH = str(unreadable)
    with pytest.raises(CommandError, match="ERASURE_JOURNAL_PATH") as refused:
        restore(tmp_path / "b")
    assert refused.value.returncode == 2
    assert not marker_path().exists()
    unreadable.rmdir()
    assert Client.objects.filter(pk=later.pk).exists()
    assert found(owner, ERASED_PERSON["email"]) == [erased.pk]  # not yet swept


def test_a_restore_failing_midway_still_reapplies_and_keeps_the_site_unready(
    practice, owner, tmp_path, settings
):
    erased, kept = practice
    backup(tmp_path / "b", data_only=True)
    erase_through_the_sweep(erased)
    # The sealed files cannot be put in place: fails after the database changed.
    blocked = tmp_path / "not-a-directory"
    blocked.write_bytes(b"")
    settings.SEALED_FILES_DIR = str(blocked)

    with pytest.raises(CommandError, match="erasures re-applied") as failed:
        restore(tmp_path / "b", data_only=True)

    assert failed.value.returncode == 1
    assert not Client.objects.filter(holder_id=erased.holder_id).exists()
    assert not DossierEntry.objects.filter(holder_id=erased.holder_id).exists()
    assert Client.objects.filter(pk=kept.pk).exists()
    assert marker_path().exists()
    settings.CELERY_BROKER_URL = ""
    response = HttpClient().get("/readyz")
    assert response.status_code == 503
    assert "restore: failed" in response.content.decode()
    # Nor does it serve a page: a half-restored site could show too much.
    page = HttpClient().get(reverse("admin:index"))
    assert page.status_code == 503
    assert "De site wordt hersteld" in page.content.decode()


@pytest.mark.parametrize("taken", ["before", "after"])
def test_a_restore_blanks_the_rewritten_mentions_only_from_a_backup_before_the_erasure(
    coach, clock, tmp_path, taken
):
    """The restore passes the data backup's time to reapply_erasures: from a
    backup before the erasure, the organisation's field the erasure rewrote is
    blanked (it names the contact person again); from a backup after it, the
    coach's later text in that field stays."""
    from clients.models import Organisation
    from dossiers.models import Trajectory

    organisation = OrganisationFactory(name="Zorggroep Hjkl")
    contact = ClientFactory(
        first_name="Wendelien",
        last_name="Oosterhout",
        kind=Client.Kind.CONTACT,
        organisation=organisation,
        coaches=[coach],
    )
    course = TrajectoryFactory(
        kind=Trajectory.Kind.TRAINING,
        client=None,
        organisation=organisation,
        holder_id=organisation.holder_id,
        coach=coach,
        learning_question="Wendelien Oosterhout wil betere overleggen.",
    )
    own = TrajectoryFactory(client=contact, coach=coach)
    trajectory_close(actor=coach, trajectory=own, retention="delete")
    if taken == "before":
        backup(tmp_path / "b", data_only=True)
    clock.move_to(DUE)
    erase_through_the_sweep(contact)
    later = "Het team overlegt nu wekelijks."
    if taken == "after":
        clock.shift(3600)
        row = Trajectory.objects.get(pk=course.pk)
        row.learning_question = later
        row.save()
        backup(tmp_path / "b", data_only=True)

    out = restore(tmp_path / "b", data_only=True)

    assert "verified" in out
    question = Trajectory.objects.get(pk=course.pk).learning_question
    assert question == ("" if taken == "before" else later)
    assert Organisation.objects.filter(pk=organisation.pk).exists()
