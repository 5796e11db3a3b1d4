"""Erasure of a client's breach rows (refleact/erasure/README.md).

A notice is the evidence that the client was told within 48 hours: its row
stays, without the pointer to the client (its holder id, times and the mail
server's answer name nobody). The register itself is sealed under the practice
key and describes breaches, not clients.
"""

from __future__ import annotations

from breaches.models import Notice, SelectionMember
from refleact.erasure.registry import Erasure, ErasureHandler, register_erasure


def notices_erase(*, erasure: Erasure) -> None:
    """Detach the holder's notices and selection rows from the client; keep them."""
    for model in (Notice, SelectionMember):
        kept = model.objects.filter(holder_id=erasure.holder_id).update(client=None)
        erasure.record_kept(model._meta.label, kept)


register_erasure(
    ErasureHandler(
        name="breaches",
        models=("breaches.Notice", "breaches.SelectionMember"),
        erase=notices_erase,
    )
)
register_erasure(
    ErasureHandler(
        name="breaches-register",
        models=("breaches.Breach", "breaches.RiskAssessment", "breaches.ApReport"),
        exempt=(
            "Sealed under the practice key: the register describes breaches, "
            "never a client (GDPR art. 33(5) documentation)."
        ),
    )
)
