"""Erasure of a holder's consent ledger (refleact/erasure/README.md).

First, in ``prepare``, what the client's consent still covers is copied under
the practice key (consent/kept.py): the contact record under a current
"contact after the trajectory" consent, PR material still consented to, each
with its proof. An erasure the client asked for (``keep_consented`` False: a
deletion request) keeps nothing: it withdraws every consent first, through the
ledger (``consents_withdraw_all``). Then every record goes through the ledger's
one erasure path, ``consent_records_erase``.
"""

from __future__ import annotations

from clients.models import Client
from consent.kept import contact_records_keep, occasions_keep
from consent.models import ConsentRecord
from consent.services import consent_records_erase, consents_withdraw_all
from refleact.erasure.registry import Erasure, ErasureHandler, register_erasure


def consent_prepare(*, erasure: Erasure) -> None:
    """Copy the contact record and the consented PR material, with their proof."""
    # Locked by the sweep (_lock_holder), so a withdrawal recorded at this moment
    # (consent_decide locks the same row) is either seen here or comes after.
    for client in Client.objects.filter(holder_id=erasure.holder_id):
        if not erasure.keep_consented:
            # The client asked for everything to go (GDPR art. 17, through the
            # portal): that withdraws every consent, recorded in the ledger
            # before the ledger goes. Nothing is kept.
            consents_withdraw_all(
                client=client, method=ConsentRecord.Method.PORTAL, actor=erasure.actor
            )
            continue
        contact_records_keep(erasure=erasure, client=client)
        occasions_keep(erasure=erasure, client=client)


def consent_erase(*, erasure: Erasure) -> None:
    """Delete the holder's consent records, PR requests and disclosures."""
    erasure.record_removed(
        "consent.ConsentRecord", consent_records_erase(holder_id=erasure.holder_id)
    )


register_erasure(
    ErasureHandler(
        name="consent",
        models=(
            "consent.ConsentRecord",
            "consent.Occasion",
            "consent.Disclosure",
            # New rows under the practice key, never a holder's: removed by the
            # owner (a withdrawal, material taken down), not by an erasure.
            "consent.ContactRecord",
            "consent.KeptOccasion",
            "consent.KeptConsentRecord",
        ),
        prepare=consent_prepare,
        erase=consent_erase,
    )
)
