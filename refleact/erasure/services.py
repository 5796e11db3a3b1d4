"""Erase one key holder: run every app's handler, journal it, destroy its key."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from refleact.crypto import keyring
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.erasure.journal import (
    journal_append,
    journal_file_holders,
    rewritten_clean,
)
from refleact.erasure.models import ErasureJournalEntry, HolderPseudonym
from refleact.erasure.registry import Erasure, Rule, handlers
from refleact.inventory.declarations import End, declaration_for
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
    # A rerun finds nothing left to rewrite: what an earlier run listed stays.
    earlier = ErasureJournalEntry.objects.filter(holder_id=erasure.holder_id)
    listed = earlier.values_list("rewritten", flat=True).first() or []
    rewritten = rewritten_clean([*listed, *erasure.rewritten])
    ErasureJournalEntry.objects.update_or_create(
        holder_id=erasure.holder_id,
        defaults={
            "kind": erasure.kind,
            "rule": erasure.rule,
            "erased_at": timezone.now(),
            "kept": erasure.kept,
            "rewritten": rewritten,
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
        _line_write(entry)
    return entry


def _line_write(entry: ErasureJournalEntry) -> None:
    journal_append(entry.as_line())
    ErasureJournalEntry.objects.filter(pk=entry.pk).update(
        journal_written_at=timezone.now()
    )


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


# The ends whose fields participant_erase rewrites (dossiers/participants.py):
# a mention replaced, or the field emptied. A field kept for a legal term or
# with a consent is never blanked here.
_BLANKABLE_ENDS = frozenset({End.DELETE, End.PSEUDONYMISE})


def rewritten_blank(
    rewritten: Iterable[list[str]], *, save: bool = True
) -> list[list[str]]:
    """Blank the listed fields of other holders' rows; return those changed.

    With ``save=False`` nothing changes: return the fields it would blank
    (the ones that may name the erased holder again, for review).

    ``rewritten`` is a journal entry's [model label, pk, field name] list: the
    fields a first erasure rewrote to take the holder out. After a restore
    from before it, they hold the holder's name again, and with the key gone
    the names are unknowable: no scrub can find them, so each field is set to
    its empty value (""), through the model, so it is sealed under the row's
    own holder key. A model, row or field that no longer exists, a field no
    longer declared with a ``delete`` or ``pseudonymise`` end, a row of an
    erased holder (its own reapply deletes it), a value already empty or that
    cannot be opened: skipped. Safe to run twice.

    Only right when the rows are restored from a data backup taken before the
    erasure (``reapply_erasures --data-taken-at``): any later version of a
    field is the coach's text, or the rewrite itself.
    """
    fields_by_row: dict[tuple[str, str], list[str]] = {}
    for label, pk, name in rewritten_clean(list(rewritten)):
        fields_by_row.setdefault((label, pk), []).append(name)
    changed: list[list[str]] = []
    for (label, pk), names in fields_by_row.items():
        try:
            model = apps.get_model(label)
            manager = model._default_manager
            rows = manager.select_for_update() if save else manager.all()
            row = rows.filter(pk=pk).first()
        except (LookupError, ValueError, ValidationError):
            continue  # a model gone, or a pk its model cannot read
        if row is None:
            continue
        holder_id = getattr(row, "holder_id", None)
        if holder_id is not None and keyring.is_erased(holder_id):
            continue
        blanked = []
        for name in names:
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            declaration = declaration_for(model, name)
            if (
                not model_field.concrete
                or declaration is None
                or declaration.end not in _BLANKABLE_ENDS
            ):
                continue
            value = getattr(row, model_field.attname)
            if isinstance(value, str) and value:
                setattr(row, model_field.attname, "")
                blanked.append(model_field.name)
        if blanked and save:
            row.save(update_fields=blanked)
        changed += [[label, pk, name] for name in blanked]
    return changed


def holder_reapply(
    *,
    holder_id,
    rewritten: Iterable[list[str]] = (),
    blank: bool = False,
    erased_at=None,
    journalled: set | None = None,
) -> Erasure:
    """Erase a journalled holder again after a restore: rows, then the key.

    Nothing is copied out (``prepare`` is not run): what the first erasure kept
    is either in the restored data already or was lost with the restore's age.
    With ``blank``, the fields the first erasure rewrote in other holders' rows
    (``rewritten``, from the journal file, merged with the table's entry) are
    blanked (``rewritten_blank``): only right when the restored data backup
    was taken before the erasure (``reapply_erasures --data-taken-at``). The
    table's entry gets the merged list back; one the restore lost is recreated
    with ``erased_at``, the erasure's time from the file.

    ``journalled``: the holders whose line ERASURE_JOURNAL_PATH holds (None:
    read it). A holder without one gets its line appended before its key goes,
    whatever ``journal_written_at`` says (the file was lost or replaced).
    """
    erasure = Erasure(holder_id=holder_id, kind="", rule=Rule.REAPPLY)
    with transaction.atomic():
        holder_identify(erasure=erasure)
        entry = (
            ErasureJournalEntry.objects.select_for_update()
            .filter(holder_id=holder_id)
            .first()
        )
        journalled_fields = (entry.rewritten if entry else None) or []
        listed = rewritten_clean([*journalled_fields, *rewritten])
        if blank:
            erasure.rewritten = rewritten_blank(listed)
        for handler in reversed(handlers()):
            if handler.erase is not None:
                handler.erase(erasure=erasure)
        HolderPseudonym.objects.filter(holder_id=holder_id).delete()
        if entry is None:
            defaults = {"kind": "", "rule": Rule.REAPPLY, "rewritten": listed}
            if erased_at is not None:
                defaults["erased_at"] = erased_at
            entry = ErasureJournalEntry.objects.get_or_create(
                holder_id=holder_id, defaults=defaults
            )[0]
        if entry.rewritten != listed:
            ErasureJournalEntry.objects.filter(pk=entry.pk).update(rewritten=listed)
    # After the commit, as for a first erasure: a holder whose line the file
    # lacks (only the table named it, or the file was lost) gets it back
    # before its key goes. Always destroyed: a restored key store may hold
    # the key again.
    if journalled is None:
        journalled = set(journal_file_holders())
    if uuid.UUID(str(holder_id)) in journalled:
        journal_line_ensure(holder_id=holder_id)
    else:
        _line_write(ErasureJournalEntry.objects.get(holder_id=holder_id))
    key_destroy(holder_id=holder_id, reason=Tombstone.Reason.ERASURE_REQUEST)
    return erasure
