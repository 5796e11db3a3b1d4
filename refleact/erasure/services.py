"""Erase one key holder: run every app's handler, journal it, destroy its key."""

from __future__ import annotations

import functools

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from refleact.crypto import keyring
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.erasure.journal import journal_append
from refleact.erasure.models import ErasureJournalEntry, HolderPseudonym
from refleact.erasure.registry import Erasure, Rule, handlers
from refleact.keystore.models import Tombstone


class ErasureRefused(Exception):
    """The holder cannot be erased (the practice itself)."""


def holder_identify(*, erasure: Erasure) -> Erasure:
    """Fill in what the system knows about the holder (for scrub_text)."""
    for handler in handlers():
        if handler.identify is not None:
            handler.identify(erasure=erasure)
    return erasure


def holder_pseudonym(*, holder_id) -> str:
    """Return the holder's pseudonym, stable until the holder is erased."""
    return HolderPseudonym.objects.get_or_create(holder_id=holder_id)[0].pseudonym


@transaction.atomic
def holder_erase(
    *, erasure: Erasure, reason: str = Tombstone.Reason.TRAJECTORY_CLOSED
) -> Erasure:
    """Delete every row of ``erasure.holder_id``, journal it, destroy its key.

    Every handler prepares first (what stays copied under the practice key),
    then erases, higher apps first. The journal entry is written in the same
    transaction; once it commits the entry is appended to the journal file and
    only then is the key destroyed (refleact/crypto/README.md, order of writes).
    An append or a destruction that did not happen (the process died, the disk
    was full) is repeated by ``keys_destroy_pending``, which every sweep runs.
    """
    if str(erasure.holder_id) == str(PRACTICE_HOLDER_ID):
        raise ErasureRefused("the practice key holder is never erased")
    if not erasure.person and not erasure.known:
        holder_identify(erasure=erasure)
    for handler in handlers():
        if handler.prepare is not None:
            handler.prepare(erasure=erasure)
    for handler in reversed(handlers()):
        if handler.erase is not None:
            handler.erase(erasure=erasure)
    HolderPseudonym.objects.filter(holder_id=erasure.holder_id).delete()
    ErasureJournalEntry.objects.update_or_create(
        holder_id=erasure.holder_id,
        defaults={
            "kind": erasure.kind,
            "rule": erasure.rule,
            "erased_at": timezone.now(),
            "kept": erasure.kept,
            "journal_written_at": None,
            "key_destroyed_at": None,
        },
    )
    # One callback, the line before the key: an append that fails (disk full)
    # leaves the key alive for the next sweep instead of destroyed unjournalled.
    transaction.on_commit(
        functools.partial(entry_complete, holder_id=erasure.holder_id, reason=reason)
    )
    return erasure


def entry_complete(
    *, holder_id, reason: str = Tombstone.Reason.TRAJECTORY_CLOSED
) -> bool:
    """Append a journalled holder's line to the file, then destroy its key.

    Caller must have committed the entry. Safe to run twice. Return whether
    the key was still to destroy.
    """
    entry = journal_line_ensure(holder_id=holder_id)
    if entry.key_destroyed_at is not None:
        return False
    key_destroy(holder_id=holder_id, reason=reason)
    return True


def journal_line_ensure(*, holder_id) -> ErasureJournalEntry:
    """Append the entry's line to the journal file unless it is there already.

    The file is the only record that survives a restore of the data database
    (refleact/erasure/README.md, Restores), so no key is destroyed before it.
    A crash between the append and ``journal_written_at`` repeats the line,
    which every reader takes as one holder (``journal_holders`` is a set).
    """
    entry = ErasureJournalEntry.objects.get(holder_id=holder_id)
    if entry.journal_written_at is None:
        journal_append(entry.as_line())
        ErasureJournalEntry.objects.filter(pk=entry.pk).update(
            journal_written_at=timezone.now()
        )
    return entry


def key_destroy(*, holder_id, reason: str = Tombstone.Reason.TRAJECTORY_CLOSED) -> None:
    """Destroy a journalled holder's key and note it. Safe to run twice.

    Caller must have appended the holder's line to the journal file.
    """
    keyring.destroy(holder_id, reason=reason)
    if not Tombstone.objects.filter(holder_id=holder_id).exists():
        return  # a key store without the tombstone: try again next sweep
    ErasureJournalEntry.objects.filter(
        holder_id=holder_id, key_destroyed_at__isnull=True
    ).update(key_destroyed_at=timezone.now())


def keys_destroy_pending() -> int:
    """Finish what a crash left: append the missing lines, destroy the keys.

    Return how many keys were destroyed.
    """
    pending = ErasureJournalEntry.objects.filter(
        Q(journal_written_at__isnull=True) | Q(key_destroyed_at__isnull=True)
    ).values_list("holder_id", flat=True)
    count = 0
    for holder_id in pending.iterator(chunk_size=500):
        count += entry_complete(holder_id=holder_id)
    return count


def holder_reapply(*, holder_id) -> Erasure:
    """Erase a journalled holder again after a restore: rows, then the key.

    Nothing is copied out (``prepare`` is not run): what the first erasure kept
    is either in the restored data already or was lost with the restore's age.
    """
    erasure = Erasure(holder_id=holder_id, kind="", rule=Rule.REAPPLY)
    with transaction.atomic():
        holder_identify(erasure=erasure)
        for handler in reversed(handlers()):
            if handler.erase is not None:
                handler.erase(erasure=erasure)
        HolderPseudonym.objects.filter(holder_id=holder_id).delete()
        ErasureJournalEntry.objects.get_or_create(
            holder_id=holder_id, defaults={"kind": "", "rule": Rule.REAPPLY}
        )
    # After the commit, as for a first erasure: a holder only the table named
    # (the file was lost or damaged) gets its line back before its key goes.
    # Always destroyed: a restored key store may hold the key again.
    journal_line_ensure(holder_id=holder_id)
    key_destroy(holder_id=holder_id, reason=Tombstone.Reason.ERASURE_REQUEST)
    return erasure
