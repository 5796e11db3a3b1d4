"""What still exists of holders the journal says are erased (e.g. after a restore).

Issue 12: "``encryption_status`` warns when a key or row exists that the journal
says is erased". Reported by holder id and model label only, never a value; the
cure is ``manage.py reapply_erasures`` (refleact/erasure/README.md, Restores).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from refleact.erasure.journal import journal_holders
from refleact.keystore.models import DataKey
from refleact.keystore.services import models_with_holders

KEY = "data key"
_CHUNK = 500


def _chunks(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    it = iter(ids)
    while chunk := list(islice(it, _CHUNK)):
        yield chunk


def erased_holders_present(*, path: Path | None = None) -> dict[uuid.UUID, list[str]]:
    """Return {journalled holder: [what still exists]}: "data key" or model labels.

    One query per model and 500 holders, so a long journal costs little memory.
    """
    found: dict[uuid.UUID, list[str]] = {}
    holders = sorted(journal_holders(path), key=str)
    for chunk in _chunks(holders):
        for holder_id in DataKey.objects.filter(holder_id__in=chunk).values_list(
            "holder_id", flat=True
        ):
            found.setdefault(holder_id, []).append(KEY)
        for model in models_with_holders():
            rows = (
                model._base_manager.filter(holder_id__in=chunk)
                .values_list("holder_id", flat=True)
                .distinct()
            )
            for holder_id in rows:
                found.setdefault(holder_id, []).append(model._meta.label)
    return found
