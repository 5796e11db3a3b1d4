"""Erasure of trajectories and their dossiers (refleact/erasure/README.md).

Policy: "Na afloop van het traject worden de persoonlijke gegevens uit
persoonlijke trajecten verwijderd, dan wel gepseudonimiseerd".
"""

from __future__ import annotations

import dataclasses

from django.db import models, transaction
from django.db.models import Q

from clients.models import Client
from dossiers.models import (
    Appointment,
    DossierEntry,
    Evaluation,
    Invoice,
    KnowledgeCase,
    KnowledgeItem,
    Quote,
    Trajectory,
)
from dossiers.participants import participant_erase
from refleact.crypto.files import SealedFile, delete_stored
from refleact.crypto.models import EncryptedModel
from refleact.erasure.content import declared_fields, kept_content
from refleact.erasure.registry import Erasure, ErasureHandler, Rule, register_erasure
from refleact.pseudonymiser import Person, Subject, scrub_text


def _delete_with_files(entries, erasure: Erasure | None, keep=frozenset()) -> None:
    # Only the rows with a file are opened: most entries have none.
    files = [
        e.attachment
        for e in entries.filter(attachment__isnull=False)
        if isinstance(e.attachment, SealedFile) and e.attachment.name not in keep
    ]
    _, per_model = entries.delete()
    if erasure is not None:
        for label, count in per_model.items():
            erasure.record_removed(label, count)
    # The stored files go once the rows are gone for good.
    transaction.on_commit(lambda: [delete_stored(f) for f in files])


def dossiers_erase(*, erasure: Erasure) -> None:
    """Delete the holder's trajectories and all in them; unlink their invoices.

    Issued invoices are sealed under the practice key and stay, unlinked, under
    the legal duty; drafts have none and go.
    """
    trajectories = Trajectory.objects.filter(holder_id=erasure.holder_id)
    Invoice.objects.filter(
        trajectory__in=trajectories, status=Invoice.Status.DRAFT
    ).delete()
    kept = Invoice.objects.filter(trajectory__in=trajectories).update(trajectory=None)
    erasure.record_kept(Invoice._meta.label, kept)
    # Rows found by holder too, not only through a trajectory: after a restore
    # (reapply_erasures) nothing of the holder may remain.
    _delete_with_files(
        DossierEntry.objects.filter(holder_id=erasure.holder_id), erasure
    )
    for model in (Appointment, Evaluation, Quote):
        _, per_model = model.objects.filter(holder_id=erasure.holder_id).delete()
        for label, count in per_model.items():
            erasure.record_removed(label, count)
    _, per_model = trajectories.delete()
    for label, count in per_model.items():
        erasure.record_removed(label, count)
    # An erased organisation leaves the trajectories it ordered for clients who
    # stay (the foreign key protects against deleting it while linked).
    Trajectory.objects.filter(organisation__holder_id=erasure.holder_id).update(
        organisation=None
    )


def dossiers_prepare(*, erasure: Erasure) -> None:
    """Take the holder out of the trajectories others hold that name them.

    The trainings they take part in and the work of their organisation
    (dossiers/participants.py), while ``holder_identify`` still knows their
    names: every erasure of a client, whichever path asks for it.
    """
    participant_erase(erasure=erasure)


def _content_relations():
    """The trajectory's content: every model that cascades from it (entries,
    appointments, evaluations, quotes, ...), found from the model, not listed."""
    for relation in Trajectory._meta.related_objects:
        if (
            relation.one_to_many
            and relation.on_delete is models.CASCADE
            and issubclass(relation.related_model, EncryptedModel)
        ):
            yield relation


def _text(value) -> str:
    # Erased and unopenable values are no identifiers to scrub.
    return value if isinstance(value, str) else ""


def _people_identify(trajectory: Trajectory, erasure: Erasure) -> None:
    """Add everyone else the trajectory's content may name to ``erasure``.

    Its participants (a training held by an organisation names them), the
    contact persons of the organisation that ordered or holds it, and that
    organisation's own details: scrub_text then removes their names, e-mail
    addresses and phone numbers too, not only the holder's.
    """
    others = Q(pk__in=trajectory.participants.values("pk"))
    if trajectory.organisation_id:
        others |= Q(organisation_id=trajectory.organisation_id)
    others |= Q(organisation__holder_id=trajectory.holder_id)
    people = (
        Client.objects.filter(others)
        .exclude(holder_id=erasure.holder_id)
        .select_related("organisation")
    )
    for person in people.iterator(chunk_size=200):
        organisation = ""
        if person.organisation_id:
            organisation = _text(person.organisation.name)
        erasure.people.append(
            {
                "first_name": _text(person.first_name),
                "last_name": _text(person.last_name),
                "email": _text(person.email),
                "phone": _text(person.phone),
                "organisation": organisation,
            }
        )
        # Literal matches too, whatever form the text writes them in.
        erasure.known.extend(v for v in (_text(person.email), _text(person.phone)) if v)
    if trajectory.organisation_id:
        organisation = trajectory.organisation
        erasure.known.extend(
            v
            for v in (
                _text(organisation.name),
                _text(organisation.billing_name),
                _text(organisation.billing_email),
            )
            if v
        )


def _scrubber(erasure: Erasure):
    subject = Subject(**erasure.person, pseudonym=erasure.pseudonym)
    known = tuple(erasure.known) + tuple(Person(**p) for p in erasure.people)
    return lambda text: scrub_text(text, subject=subject, known=known).text


def _pseudonymise(trajectory: Trajectory, erasure: Erasure) -> set[str]:
    """Write the trajectory's kept content as new rows under the practice key.

    Return the stored names of the attachments kept (their files stay).
    """
    _people_identify(trajectory, erasure)
    scrub = _scrubber(erasure)
    case = None
    kept_files = set()
    rows = [trajectory]
    for relation in _content_relations():
        rows.extend(
            relation.related_model.objects.filter(**{relation.field.name: trajectory})
        )
    for row in rows:
        content, attachment = kept_content(row, scrub=scrub)
        if not content and attachment is None:
            continue
        if case is None:
            closed = (trajectory.closed_at or trajectory.created_at).date()
            case = KnowledgeCase(
                pseudonym=erasure.pseudonym,
                kind=trajectory.kind,
                closed_in=closed.replace(day=1),
                coach_id=trajectory.coach_id,
            )
            case.full_clean()
            case.save()
        if attachment is not None:
            kept_files.add(attachment.name)
            attachment = dataclasses.replace(
                attachment, filename=scrub(attachment.filename)
            )
        item = KnowledgeItem(
            case=case, source=row._meta.label, content=content, attachment=attachment
        )
        item.full_clean(exclude=["case"])
        item.save()
        erasure.record_kept(KnowledgeItem._meta.label)
    return kept_files


def dossiers_trajectory(*, trajectory: Trajectory, erasure: Erasure) -> None:
    """Carry out the closing choice on one trajectory's content.

    Pseudonymise: what the inventory marks is kept, scrubbed, under the
    practice key; then, either way, the content goes and the invoices are
    unlinked (drafts deleted). The trajectory row itself goes with its holder,
    or keeps only plain columns when the holder has other trajectories.
    """
    kept_files = set()
    if erasure.rule == Rule.PSEUDONYMISE:
        kept_files = _pseudonymise(trajectory, erasure)
    for relation in _content_relations():
        rows = relation.related_model.objects.filter(
            **{relation.field.name: trajectory}
        )
        if relation.related_model is DossierEntry:
            _delete_with_files(rows, erasure, keep=kept_files)
        else:
            _, per_model = rows.delete()
            for label, count in per_model.items():
                erasure.record_removed(label, count)
    trajectory.invoices.filter(status=Invoice.Status.DRAFT).delete()
    erasure.record_kept(
        Invoice._meta.label, trajectory.invoices.update(trajectory=None)
    )
    if not erasure.erasing:
        for name, _declaration in declared_fields(Trajectory):
            setattr(trajectory, name, "")
        trajectory.save()


register_erasure(
    ErasureHandler(
        name="dossiers",
        models=(
            "dossiers.Trajectory",
            "dossiers.DossierEntry",
            "dossiers.Appointment",
            "dossiers.Evaluation",
            "dossiers.Quote",
            "dossiers.QuoteLine",
            "dossiers.Invoice",
            "dossiers.InvoiceLine",
            # New rows under the practice key, never a holder's.
            "dossiers.KnowledgeCase",
            "dossiers.KnowledgeItem",
        ),
        prepare=dossiers_prepare,
        erase=dossiers_erase,
        trajectory=dossiers_trajectory,
    )
)
