"""Run inside a subprocess by tests/stack.py: write, read or shred through the models.

Prints one JSON document on stdout. Test-only; never imported by the product.
"""

from __future__ import annotations

import datetime
import json
import sys

import django


def _write() -> dict:
    from refleact.crypto import masterkeys
    from refleact.crypto.files import seal_chunks
    from refleact.crypto.testapp.models import Note, Person
    from refleact.crypto.tests import plaintexts as pt
    from refleact.keystore.models import DataKey

    out = {"persons": [], "keys": {}, "files": []}
    for sample in pt.PEOPLE:
        person = Person.objects.create(
            first_name=sample["first_name"],
            last_name=sample["last_name"],
            email=sample["email"],
            born=datetime.date.fromisoformat(sample["born"]),
        )
        attachment = seal_chunks(
            [sample["attachment"].encode()] * 3,
            filename=sample["filename"],
            content_type="application/pdf",
        )
        Note.objects.create(
            person=person,
            holder_id=person.holder_id,
            title=sample["title"],
            body=sample["body"],
            extra=sample["extra"],
            attachment=attachment,
        )
        out["persons"].append({"pk": str(person.pk), "holder": str(person.holder_id)})
        out["files"].append(attachment.name)
    for row in DataKey.objects.using("keystore").all():
        master = masterkeys.by_id()[row.master_key_id]
        out["keys"][str(row.holder_id)] = {
            "raw": master.unwrap(bytes(row.wrapped), row.id).hex(),
            "wrapped": bytes(row.wrapped).hex(),
        }
    return out


def _read() -> dict:
    from refleact.crypto.fields import ERASED
    from refleact.crypto.files import open_chunks
    from refleact.crypto.testapp.models import Note, Person

    def text(value) -> str:
        return "ERASED" if value is ERASED else str(value)

    holders = {}
    for person in Person.objects.all():
        values = [text(getattr(person, f.attname)) for f in person.encrypted_fields()]
        holders.setdefault(str(person.holder_id), []).extend(values)
    for note in Note.objects.all():
        values = [text(getattr(note, f.attname)) for f in note.encrypted_fields()]
        if note.attachment not in (None, ERASED):
            values.append(b"".join(open_chunks(note.attachment)).decode())
        holders.setdefault(str(note.holder_id), []).extend(values)
    return {"holders": holders}


def _destroy(holder: str) -> dict:
    from refleact.crypto import keyring

    return {"destroyed": keyring.destroy(holder, reason="test")}


def main(argv: list[str]) -> None:
    django.setup()
    command, *args = argv
    result = {"write": _write, "read": _read, "destroy": _destroy}[command](*args)
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
