"""Erase one key holder: run every app's handler, then destroy its key on commit."""

from __future__ import annotations

from django.db import transaction

from refleact.crypto import keyring
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.erasure.registry import Erasure, handlers
from refleact.keystore.models import Tombstone


class ErasureRefused(Exception):
    """The holder cannot be erased (the practice itself)."""


@transaction.atomic
def holder_erase(
    *, erasure: Erasure, reason: str = Tombstone.Reason.TRAJECTORY_CLOSED
) -> Erasure:
    """Delete every row of ``erasure.holder_id`` and destroy its key after commit.

    Every handler prepares first (identifiers gathered, what stays copied under
    the practice key), then erases, higher apps first. The key is destroyed only
    once the data-side changes have committed (refleact/crypto/README.md, order
    of writes); a destroy that did not happen is repeated by the next sweep or by
    ``reapply_erasures``.
    """
    if str(erasure.holder_id) == str(PRACTICE_HOLDER_ID):
        raise ErasureRefused("the practice key holder is never erased")
    for handler in handlers():
        if handler.prepare is not None:
            handler.prepare(erasure=erasure)
    for handler in reversed(handlers()):
        if handler.erase is not None:
            handler.erase(erasure=erasure)
    keyring.destroy_on_commit(erasure.holder_id, reason=reason)
    return erasure
