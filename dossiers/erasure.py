"""Erasure of trajectories and their dossiers (refleact/erasure/README.md).

Policy: "Na afloop van het traject worden de persoonlijke gegevens uit
persoonlijke trajecten verwijderd, dan wel gepseudonimiseerd".
"""

from __future__ import annotations

from django.db import transaction

from dossiers.models import (
    Appointment,
    DossierEntry,
    Evaluation,
    Invoice,
    Quote,
    Trajectory,
)
from refleact.crypto.files import SealedFile, delete_stored
from refleact.erasure.registry import Erasure, ErasureHandler, register_erasure


def _delete_with_files(entries, erasure: Erasure | None) -> None:
    files = [e.attachment for e in entries if isinstance(e.attachment, SealedFile)]
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
        ),
        erase=dossiers_erase,
    )
)
