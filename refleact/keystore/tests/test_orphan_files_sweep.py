"""The file sweep deletes stored attachments no row refers to, and nothing else."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from refleact.crypto.files import seal_chunks, storage_dir
from refleact.crypto.testapp.models import Note
from refleact.crypto.tests.conftest import flip, make_person, stored, write_stored
from refleact.keystore import tasks

pytestmark = pytest.mark.django_db(databases="__all__")


def age(path, *, days: float) -> None:
    old = time.time() - days * 86400
    os.utime(path, (old, old))


def test_unreferenced_old_files_go_referenced_and_fresh_ones_stay():
    person = make_person()
    kept = Note.objects.create(
        person=person,
        holder_id=person.holder_id,
        title="Bijlage",
        attachment=SimpleUploadedFile("kept.txt", b"bewaren"),
    )
    orphan = seal_chunks(
        [b"weggegooid"], filename="orphan.txt", content_type="text/plain"
    )
    fresh = seal_chunks(
        [b"net binnen"], filename="fresh.txt", content_type="text/plain"
    )
    age(kept.attachment.path, days=3)
    age(orphan.path, days=3)

    assert tasks.orphan_files_sweep.delay().get() == 1

    assert kept.attachment.path.exists()
    assert fresh.path.exists()
    assert not orphan.path.exists()
    assert tasks.orphan_files_sweep.delay().get() == 0  # idempotent
    assert sorted(p.name for p in storage_dir().iterdir()) == sorted(
        [kept.attachment.name, fresh.name]
    )


def test_a_reference_that_cannot_be_opened_stops_the_sweep():
    # Its file name is unknown: any old file might be the one it refers to.
    person = make_person()
    note = Note.objects.create(
        person=person,
        holder_id=person.holder_id,
        title="Bijlage",
        attachment=SimpleUploadedFile("kept.txt", b"bewaren"),
    )
    write_stored(
        Note, note.pk, "attachment", flip(stored(Note, note.pk, "attachment"), 40)
    )
    orphan = seal_chunks([b"wees"], filename="orphan.txt", content_type="text/plain")
    age(note.attachment.path, days=3)
    age(orphan.path, days=3)

    assert tasks.orphan_files_sweep.delay().get() == 0

    assert note.attachment.path.exists() and orphan.path.exists()
