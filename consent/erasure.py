"""Erasure of a holder's consent ledger (refleact/erasure/README.md).

Through the ledger's one erasure path, ``consent_records_erase``.
"""

from __future__ import annotations

from consent.services import consent_records_erase
from refleact.erasure.registry import Erasure, ErasureHandler, register_erasure


def consent_erase(*, erasure: Erasure) -> None:
    """Delete the holder's consent records, PR requests and disclosures."""
    erasure.record_removed(
        "consent.ConsentRecord", consent_records_erase(holder_id=erasure.holder_id)
    )


register_erasure(
    ErasureHandler(
        name="consent",
        models=("consent.ConsentRecord", "consent.Occasion", "consent.Disclosure"),
        erase=consent_erase,
    )
)
