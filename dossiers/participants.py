"""Take an erased client out of what others hold: trainings, an organisation's work.

A training ordered by an organisation is sealed under the organisation's key;
its participants are linked to it, they do not hold it. A contact person of an
organisation is named in the organisation's trajectories (and in those it
ordered for others), sealed under keys that live on. Erasing such a client
(their deletion request approved, GDPR art. 17; the retention sweep; any
erasure of them: the dossiers handler's ``prepare`` runs this) while those
trajectories stay must still take away what of them is about the client:

- the evaluations asked of them (``Evaluation.participant``, sealed under their
  own key): deleted;
- their link as a participant: removed;
- their name (every form: "Jan", "de Vries", "Jan de Vries"), e-mail address
  and phone number in the texts of every trajectory they take part in;
- for a contact person (``Client.Kind.CONTACT``) only, in every other
  trajectory their organisation holds or ordered and the sweep has not
  processed: only the forms that name them alone, their full name ("Jan de
  Vries", "J. de Vries"), e-mail address and phone number. A bare "Jan" or
  "De Vries" there is as likely a colleague or a company ("De Vries Advies")
  and stays; the sweep's pseudonymisation at the trajectory's end takes it;
- in both, the trajectory and every row that belongs to it, per each declared
  field's ``End``: ``pseudonymise`` text keeps its content with each mention
  replaced by ``PLACEHOLDER``; a ``delete`` field (an appointment's place or
  note) that mentions them is emptied, since it would have gone anyway at the
  end. Fields kept for a legal term or with a consent (invoices, contact
  records) are sealed under the practice key and are not the training's; they
  stay;
- the contact person's organisation's billing details (``End.DELETE``) that
  name them so (the invoices' addressee): emptied. Its name stays: it is the
  organisation's, not the person's.

Only the client's own identifiers are replaced, not every name as the retention
sweep's ``scrub_text`` does: the work goes on, and its notes about the others
stay readable; a form of the name that is also a form of someone the trajectory
is about (its client, another participant: two people called Jan) is left. A
mention in another spelling than the system knows (a nickname) is not found;
the retention sweep's pseudonymisation of the trajectory at its end scrubs
every name. Which fields were rewritten is listed in ``erasure.rewritten``
(labels, ids and field names only).
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Q

from clients.models import Client, Organisation
from dossiers.models import Evaluation, Trajectory
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.crypto.models import EncryptedModel
from refleact.erasure.content import declared_fields
from refleact.erasure.registry import Erasure
from refleact.inventory.declarations import End
from refleact.pseudonymiser import Person
from refleact.pseudonymiser.nameforms import (
    find_forms,
    given_name_forms,
    person_forms,
    surname_forms,
)

# Stored text, in the practice's language, like the pseudonymiser's "[persoon 1]".
PLACEHOLDER = "[deelnemer]"
# The organisation's own name is not the contact person's: it stays.
ORGANISATION_KEEPS = frozenset({"name"})


def _name_forms(first_name, last_name) -> set[str]:
    known = Person(
        first_name=first_name if isinstance(first_name, str) else "",
        last_name=last_name if isinstance(last_name, str) else "",
    )
    return person_forms(known) if known.first_name or known.last_name else set()


def _full_name_forms(first_name, last_name) -> set[str]:
    """The forms of the whole name only: "Jan de Vries", "Jan De Vries",
    "Jan Vries", "J. de Vries"; never the bare first name or surname."""
    first = first_name.strip() if isinstance(first_name, str) else ""
    last = last_name.strip() if isinstance(last_name, str) else ""
    if not first or not last:
        return set()
    surnames = surname_forms(last)
    forms = {f"{g} {s}" for g in given_name_forms(first) for s in surnames}
    forms |= {f"{first[:1].upper()}. {s}" for s in surnames}
    return forms


def _contact_forms(erasure: Erasure) -> set[str]:
    forms = {erasure.person.get(k, "") for k in ("email", "phone")}
    return {f for f in forms | set(erasure.emails) if isinstance(f, str)}


def _usable(forms) -> set[str]:
    return {f for f in forms if isinstance(f, str) and len(f.strip()) >= 2}


def _forms(erasure: Erasure) -> set[str]:
    """Every form of the client: for the trainings they take part in."""
    person = erasure.person
    forms = _name_forms(person.get("first_name", ""), person.get("last_name", ""))
    return _usable(forms | _contact_forms(erasure))


def _whole_forms(erasure: Erasure) -> set[str]:
    """The forms that name the client alone: for the work of their organisation
    they are not in themselves, where a bare "Jan" or "de Vries" is as likely
    someone else (a colleague, a company name)."""
    person = erasure.person
    forms = _full_name_forms(person.get("first_name", ""), person.get("last_name", ""))
    return _usable(forms | _contact_forms(erasure))


def mentions_replace(text: str, forms: set[str]) -> str:
    """Return ``text`` with every mention of these name forms replaced."""
    if not forms:
        return text
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


def _content_relations(model):
    """The rows that belong to a row of ``model``: every sealed model that
    cascades from it (a trajectory's entries, appointments, evaluations and
    quotes; a quote's lines), found from the model, not listed."""
    for relation in model._meta.related_objects:
        if (
            relation.one_to_many
            and relation.on_delete is models.CASCADE
            and issubclass(relation.related_model, EncryptedModel)
        ):
            yield relation


def _belonging(row, *, holder_id, depth: int = 2):
    for relation in _content_relations(type(row)):
        rows = relation.related_model.objects.filter(
            **{relation.field.name: row}
        ).exclude(holder_id=holder_id)  # the erased client's own rows go whole
        for child in rows.iterator(chunk_size=200):
            yield child
            if depth > 1:
                yield from _belonging(child, holder_id=holder_id, depth=depth - 1)


def _rows(trajectory: Trajectory, *, holder_id):
    yield trajectory
    yield from _belonging(trajectory, holder_id=holder_id)


def _scrub_row(row, forms: set[str], *, keep=frozenset()) -> list[str]:
    """Replace the mentions in the row's declared texts; return the fields changed."""
    changed = []
    for name, declaration in declared_fields(type(row)):
        if name in keep:
            continue
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
    return changed


def _rewritten(erasure: Erasure, row, fields: list[str]) -> None:
    erasure.record_kept(row._meta.label)
    erasure.rewritten.extend(
        [row._meta.label_lower, str(row.pk), name] for name in fields
    )


def _others_forms(trajectory: Trajectory, *, holder_id) -> set[str]:
    """The name forms of the people the trajectory is about, besides the erased."""
    people = Client.objects.filter(
        Q(pk=trajectory.client_id) | Q(pk__in=trajectory.participants.values("pk"))
    ).exclude(holder_id=holder_id)
    forms = set()
    for person in people.iterator(chunk_size=200):
        forms |= _name_forms(person.first_name, person.last_name)
        forms |= _full_name_forms(person.first_name, person.last_name)  # "J. de Vries"
    return forms


def _organisations(holder_id) -> list[int]:
    """The organisations whose work may name the holder: the one they are a
    contact person of. A participant's name is not the organisation's to use:
    only the trainings they take part in are scrubbed of it."""
    return sorted(
        Client.objects.filter(
            holder_id=holder_id,
            kind=Client.Kind.CONTACT,
            organisation__isnull=False,
        ).values_list("organisation_id", flat=True)
    )


def _trajectories_in(holder_id) -> set[int]:
    """The trajectories others hold that the holder takes part in."""
    others = Trajectory.objects.exclude(holder_id=holder_id)
    return set(
        others.filter(participants__holder_id=holder_id).values_list("pk", flat=True)
    )


def _trajectories_of(holder_id, organisations: list[int]) -> set[int]:
    """The trajectories others hold that the organisations hold or ordered, not
    yet processed by the sweep (a processed one has no texts left)."""
    pks: set[int] = set()
    if organisations:
        others = Trajectory.objects.exclude(holder_id=holder_id)
        holders = Organisation.objects.filter(pk__in=organisations).values("holder_id")
        for q in (Q(organisation_id__in=organisations), Q(holder_id__in=holders)):
            pks |= set(
                others.filter(q, retention_done_at__isnull=True).values_list(
                    "pk", flat=True
                )
            )
    return pks


@transaction.atomic
def participant_erase(*, erasure: Erasure, actor=None, request=None) -> int:
    """Take a client's data out of the trajectories others hold; return how many.

    ``erasure`` is the client's (``holder_identify`` filled in what the system
    knows of them). Runs before their holder is erased (the dossiers handler's
    ``prepare``), inside the caller's transaction, and finds the trajectories by
    holder id alone; a rerun finds nothing left. Each trajectory and
    organisation changed gets an access-log row (ids only).
    """
    holder_id = erasure.holder_id
    actor = actor if actor is not None else erasure.actor
    forms = _forms(erasure)
    whole = _whole_forms(erasure)
    organisations = _organisations(holder_id)
    taking_part = _trajectories_in(holder_id)
    pks = taking_part | _trajectories_of(holder_id, organisations)
    count = 0
    rows = Trajectory.objects.filter(pk__in=pks).select_for_update(of=("self",))
    for trajectory in rows.order_by("pk"):
        changed = False
        mine = forms if trajectory.pk in taking_part else whole
        usable = mine - _others_forms(trajectory, holder_id=holder_id)
        if usable:
            for row in _rows(trajectory, holder_id=holder_id):
                fields = _scrub_row(row, usable)
                if fields:
                    _rewritten(erasure, row, fields)
                    changed = True
        _, removed = Evaluation.objects.filter(
            trajectory=trajectory, holder_id=holder_id
        ).delete()
        for label, n in removed.items():
            erasure.record_removed(label, n)
            changed = True
        participants = trajectory.participants.through.objects.filter(
            trajectory=trajectory, client__holder_id=holder_id
        )
        links = participants.delete()[0]
        erasure.record_removed(participants.model._meta.label, links)
        if changed or links:
            audit_record(
                request=request,
                actor=actor,
                action=AuditEvent.Action.CHANGE,
                obj=trajectory,
            )
            count += 1
    if whole:
        billing = Organisation.objects.filter(pk__in=organisations).exclude(
            holder_id=holder_id
        )
        for organisation in billing.select_for_update().order_by("pk"):
            fields = _scrub_row(organisation, whole, keep=ORGANISATION_KEEPS)
            if fields:
                _rewritten(erasure, organisation, fields)
                audit_record(
                    request=request,
                    actor=actor,
                    action=AuditEvent.Action.CHANGE,
                    obj=organisation,
                )
    return count
