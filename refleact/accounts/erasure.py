"""Erasure of what the accounts app holds of a holder (refleact/erasure/README.md).

Staff accounts are sealed under the practice key and never erased with a client.
A login of the holder's own (a client's portal account, sealed under the client's
key) goes with its sessions; the login-attempt records whose digest is computed
from one of the holder's e-mail addresses go too.
"""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session

from refleact.accounts.lockout import _digest, _key
from refleact.accounts.models import User
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.erasure.registry import Erasure, ErasureHandler, register_erasure


def _sessions_of(user_ids: set[str]) -> list[str]:
    # Sessions store the user id only inside their encoded data: decode each.
    # Bounded by the live sessions, streamed.
    keys = []
    for session in Session.objects.iterator(chunk_size=500):
        if session.get_decoded().get("_auth_user_id") in user_ids:
            keys.append(session.session_key)
    return keys


def accounts_erase(*, erasure: Erasure) -> None:
    """Delete the holder's logins, their sessions and its login-attempt digests."""
    if str(erasure.holder_id) == str(PRACTICE_HOLDER_ID):
        return
    users = User.objects.filter(holder_id=erasure.holder_id)
    user_ids = {str(pk) for pk in users.values_list("pk", flat=True)}
    if user_ids:
        Session.objects.filter(session_key__in=_sessions_of(user_ids)).delete()
        _, per_model = users.delete()
        erasure.record_removed(User._meta.label, per_model.get(User._meta.label, 0))
    key = _key()
    digests = {_digest(email, key=key) for email in erasure.emails}
    if digests:
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            _, per_model = model.objects.filter(username__in=digests).delete()
            erasure.record_removed(
                model._meta.label, per_model.get(model._meta.label, 0)
            )


register_erasure(
    ErasureHandler(
        name="accounts",
        # Staff accounts hold the practice key; a client's own login is erased
        # with its holder.
        models=("accounts.User",),
        erase=accounts_erase,
    )
)
