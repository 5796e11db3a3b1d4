"""Erasure of what the accounts app holds of a holder (refleact/erasure/README.md).

Staff accounts are sealed under the practice key and never erased with a client.
A login of the holder's own (a client's portal account, sealed under the client's
key) goes with its sessions; the login records (django-axes, in the key store's
database) whose digest is computed from one of the holder's login names go too:
every e-mail address the handlers gathered (``erasure.emails``: the current one
and the earlier ones still on record) and the login's own username and e-mail.
"""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction

from refleact.accounts.lockout import _digest, _key
from refleact.accounts.models import User
from refleact.accounts.services import login_records_forget, sessions_delete
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.erasure.registry import Erasure, ErasureHandler, register_erasure

LOGIN_RECORDS = (AccessAttempt, AccessFailureLog, AccessLog)


def _login_names(users) -> set[str]:
    names = set()
    for user in users:
        for value in (user.username, user.email):
            if isinstance(value, str) and value.strip():
                names.add(value)
    return names


def accounts_erase(*, erasure: Erasure) -> None:
    """Delete the holder's logins, their sessions and its login records."""
    if str(erasure.holder_id) == str(PRACTICE_HOLDER_ID):
        return
    users = User.objects.filter(holder_id=erasure.holder_id)
    names = set(erasure.emails) | _login_names(users)
    user_ids = {str(pk) for pk in users.values_list("pk", flat=True)}
    if user_ids:
        sessions_delete(match=lambda data: data.get("_auth_user_id") in user_ids)
        _, per_model = users.delete()
        erasure.record_removed(User._meta.label, per_model.get(User._meta.label, 0))
    key = _key()
    digests = {_digest(name, key=key) for name in names}
    if not digests:
        return
    for model in LOGIN_RECORDS:
        erasure.record_removed(
            model._meta.label, model.objects.filter(username__in=digests).count()
        )
    # The records are in the key store's database, outside this transaction:
    # deleted once the data side has committed, so a rolled-back erasure (a
    # sweep's --dry-run) leaves them, and a committed one never keeps them.
    transaction.on_commit(lambda: login_records_forget(login_names=names))


register_erasure(
    ErasureHandler(
        name="accounts",
        # Staff accounts hold the practice key; a client's own login is erased
        # with its holder.
        models=("accounts.User",),
        erase=accounts_erase,
    )
)
