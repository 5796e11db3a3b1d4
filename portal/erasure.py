"""Erasure of what the portal holds of a holder (refleact/erasure/README.md).

Run before the accounts handler (higher apps first): the links, the requests,
the second factor (authenticator app, recovery codes) and the account row go; the accounts handler then removes the login and its
sessions.
"""

from __future__ import annotations

from portal.models import (
    ClientRecoveryCode,
    ClientTOTPDevice,
    PortalAccount,
    PortalRequest,
    PortalToken,
)
from refleact.erasure.registry import Erasure, ErasureHandler, register_erasure


def portal_erase(*, erasure: Erasure) -> None:
    """Delete the holder's portal links, requests, second factor and account."""
    for model in (
        PortalToken,
        PortalRequest,
        ClientTOTPDevice,
        ClientRecoveryCode,
        PortalAccount,
    ):
        _, per_model = model.objects.filter(holder_id=erasure.holder_id).delete()
        erasure.record_removed(model._meta.label, per_model.get(model._meta.label, 0))


register_erasure(
    ErasureHandler(
        name="portal",
        models=(
            "portal.PortalAccount",
            "portal.PortalToken",
            "portal.PortalRequest",
            "portal.ClientTOTPDevice",
            "portal.ClientRecoveryCode",
        ),
        erase=portal_erase,
    )
)
