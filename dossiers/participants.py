"""Erase a training participant from the trainings that others hold.

A training ordered by an organisation is sealed under the organisation's key;
its participants are linked to it, they do not hold it. Erasing a participant
(their deletion request approved, GDPR art. 17; or any erasure of them) while
the training stays must still take away what of it is about them:

- the evaluations asked of them (``Evaluation.participant``, sealed under their
  own key): deleted;
- their link as a participant: removed;
- their name, e-mail address and phone number in the training's own texts (the
  trajectory and every row that belongs to it), per each declared field's
  ``End``: ``pseudonymise`` text keeps its content with each mention replaced
  by ``PLACEHOLDER``; a ``delete`` field (an appointment's place or note) that
  mentions them is emptied, since it would have gone anyway at the end. Fields
  kept for a legal term or with a consent (invoices, contact records) are
  sealed under the practice key and are not the training's; they stay.

Only the participant's own identifiers are replaced, not every name as the
retention sweep's ``scrub_text`` does: the training goes on, and its notes about
the others stay readable. A mention in another spelling than the system knows
(a nickname) is not found; the retention sweep's pseudonymisation of the
training at its end scrubs every name.
"""

from __future__ import annotations

from django.db import transaction

from dossiers.erasure import _content_relations
from dossiers.models import Evaluation, Trajectory
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.erasure.content import declared_fields
from refleact.erasure.registry import Erasure
from refleact.inventory.declarations import End
from refleact.pseudonymiser import Person
from refleact.pseudonymiser.nameforms import find_forms, person_forms

# Stored text, in the practice's language, like the pseudonymiser's "[persoon 1]".
PLACEHOLDER = "[deelnemer]"


def _forms(erasure: Erasure) -> set[str]:
    person = erasure.person
    known = Person(
        first_name=person.get("first_name", ""), last_name=person.get("last_name", "")
    )
    forms = person_forms(known) if known.first_name or known.last_name else set()
    forms |= {person.get(k, "") for k in ("email", "phone")} | set(erasure.emails)
    return {f for f in forms if isinstance(f, str) and len(f.strip()) >= 2}


def mentions_replace(text: str, forms: set[str]) -> str:
    """Return ``text`` with every mention of these name forms replaced."""
    spans = sorted(
        (s.start, s.end)
        for s in find_forms(text, forms, kind="participant", key="p", rank=0)
    )
    if not spans:
        return text
    out, at = [], 0
    for start, end in spans:
        if start < at:  # overlaps the previous mention: extend it
            if end > at:
                at = end
            continue
        out.append(text[at:start])
        out.append(PLACEHOLDER)
        at = end
    out.append(text[at:])
    return "".join(out)


def _rows(trajectory: Trajectory, *, holder_id):
    yield trajectory
    for relation in _content_relations():
        rows = relation.related_model.objects.filter(
            **{relation.field.name: trajectory}
        ).exclude(holder_id=holder_id)  # the participant's own rows go whole
        yield from rows.iterator(chunk_size=200)


def _scrub_row(row, forms: set[str]) -> bool:
    changed = []
    for name, declaration in declared_fields(type(row)):
        value = getattr(row, name)
        if not isinstance(value, str) or not value:
            continue  # empty, a file, or a value that cannot be opened
        if declaration.end == End.PSEUDONYMISE:
            new = mentions_replace(value, forms)
        elif declaration.end == End.DELETE:
            new = "" if mentions_replace(value, forms) != value else value
        else:
            continue
        if new != value:
            setattr(row, name, new)
            changed.append(name)
    if changed:
        row.save(update_fields=changed)
    return bool(changed)


@transaction.atomic
def participant_erase(*, erasure: Erasure, actor=None, request=None) -> int:
    """Take a participant's data out of the trainings others hold; return how many.

    ``erasure`` is the participant's (``holder_identify`` filled in what the
    system knows of them). Runs before their holder is erased, inside the
    caller's transaction, and finds the trainings by holder id alone; a rerun
    finds nothing left. Each training changed gets an access-log row (ids only).
    """
    holder_id = erasure.holder_id
    trainings = Trajectory.objects.filter(participants__holder_id=holder_id).exclude(
        holder_id=holder_id
    )
    forms = _forms(erasure)
    count = 0
    for trajectory in trainings.select_for_update(of=("self",)).order_by("pk"):
        if forms:
            for row in _rows(trajectory, holder_id=holder_id):
                if _scrub_row(row, forms):
                    erasure.record_kept(row._meta.label)
        _, removed = Evaluation.objects.filter(
            trajectory=trajectory, holder_id=holder_id
        ).delete()
        for label, n in removed.items():
            erasure.record_removed(label, n)
        participants = trajectory.participants.through.objects.filter(
            trajectory=trajectory, client__holder_id=holder_id
        )
        erasure.record_removed(participants.model._meta.label, participants.delete()[0])
        audit_record(
            request=request,
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            obj=trajectory,
        )
        count += 1
    return count
