"""Erasure of what the portal holds of a holder (refleact/erasure/README.md).

Run before the accounts handler (higher apps first): the links, the requests,
the second factor (authenticator app, recovery codes) and the account row go, and
so do the sessions of the portal's own that point at them (a half-finished login
waiting for its code, a link moved from the address into the session); the
accounts handler then removes the login and its logged-in sessions.

``identify`` adds the addresses of the holder's e-mail-change links (an earlier
or a requested address) to ``erasure.emails``: the login-record digests of those
addresses go with the holder too, and pseudonymised texts are scrubbed of them.
"""

from __future__ import annotations

from portal.models import (
    ClientRecoveryCode,
    ClientTOTPDevice,
    PortalAccount,
    PortalRequest,
    PortalToken,
)
from portal.secondfactor import PENDING
from portal.tokens import token_digest
from refleact.accounts.services import sessions_delete
from refleact.erasure.registry import Erasure, ErasureHandler, register_erasure

# The session key of a link's token (portal/views/auth.py).
LINK_SESSION = "portal_link_token"


def portal_identify(*, erasure: Erasure) -> None:
    """Add the addresses of the holder's e-mail-change links to ``emails``."""
    addresses = [
        token.new_email
        for token in PortalToken.objects.filter(
            holder_id=erasure.holder_id, purpose=PortalToken.Purpose.EMAIL
        )
        if isinstance(token.new_email, str) and token.new_email.strip()
    ]
    for address in addresses:
        if address not in erasure.emails:
            erasure.emails.append(address)
        if address not in erasure.known:
            erasure.known.append(address)


def _portal_session(data, *, user_ids: set[str], digests: set[str]) -> bool:
    """A half-finished login of one of these users, or a link of these tokens."""
    pending = data.get(PENDING)
    token = data.get(LINK_SESSION)
    return (isinstance(pending, dict) and str(pending.get("user")) in user_ids) or (
        isinstance(token, str) and token_digest(token) in digests
    )


def portal_erase(*, erasure: Erasure) -> None:
    """Delete the holder's portal links, requests, second factor and account."""
    accounts = PortalAccount.objects.filter(holder_id=erasure.holder_id)
    user_ids = {str(pk) for pk in accounts.values_list("user_id", flat=True)}
    digests = set(
        PortalToken.objects.filter(holder_id=erasure.holder_id).values_list(
            "digest", flat=True
        )
    )
    if user_ids or digests:
        sessions_delete(
            match=lambda data: _portal_session(data, user_ids=user_ids, digests=digests)
        )
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
        identify=portal_identify,
        erase=portal_erase,
    )
)
