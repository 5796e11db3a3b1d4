"""Who erases which rows when a client or an organisation is erased.

Each app declares, in ``<app>/erasure.py``, a handler for the models whose rows
belong to a key holder (``register_erasure``). The retention sweep and
``reapply_erasures`` run every handler; a system check (``erasure.E001``) fails
for a model with a ``HolderIdField`` or a foreign key to a client or an
organisation that no handler covers, so a new app's rows are erased too without
anyone remembering to. See refleact/erasure/README.md.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

# The models that are key holders: a row pointing at one of them belongs to that
# holder's data. Labels, not imports: core imports no app.
HOLDER_MODELS = ("clients.Client", "clients.Organisation")


class Rule:
    """Why a holder is erased: the closing choice, or a journal replayed."""

    DELETE = "delete"
    PSEUDONYMISE = "pseudonymise"
    REAPPLY = "reapply"
    # A client or organisation that no trajectory ever touched, idle for
    # RETENTION_UNUSED_HOLDER_DAYS: nothing needs its data any more.
    UNUSED = "unused"


@dataclass
class Erasure:
    """One holder being erased, as the handlers see it and add to.

    ``known`` gathers what the system knows about the holder (names, e-mail,
    phone, organisation) for ``scrub_text``; handlers add to it in ``prepare``,
    before anything is deleted. ``kept`` and ``removed`` count rows per model
    label for the journal and the retention log: counts and labels only, never
    personal data.
    """

    holder_id: uuid.UUID
    kind: str  # the holder model's label, e.g. "clients.Client"
    rule: str
    # False while the holder stays (it has other trajectories to process): only
    # the trajectory's content is handled, the holder's rows are not erased.
    erasing: bool = True
    pseudonym: str = ""
    # The holder as scrub_text's subject: first_name, last_name, email, phone,
    # organisation (filled by the clients app's ``identify``).
    person: dict[str, str] = field(default_factory=dict)
    known: list[str] = field(default_factory=list)
    # Other people in the content being pseudonymised (a training's
    # participants, the organisation's contact persons), as scrub_text's known
    # people: dicts with the keys of ``person``.
    people: list[dict[str, str]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    # False when the holder asked for everything to go (a deletion request,
    # GDPR art. 17): that withdraws their consents, so ``prepare`` keeps no
    # contact record and no PR material (consent/erasure.py). What a legal duty
    # keeps (issued invoices) stays either way. True for the retention sweep.
    keep_consented: bool = True
    # Who asked for the erasure, for the access-log rows handlers write (None:
    # the system, e.g. the retention sweep).
    actor: object = None
    kept: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    # Fields of other holders' rows that ``prepare`` rewrote to take the holder
    # out (an organisation's training naming them): [model label, pk, field].
    # Ids and field names only, never a value.
    rewritten: list[list[str]] = field(default_factory=list)

    def record_kept(self, label: str, count: int = 1) -> None:
        if count:
            self.kept[label] = self.kept.get(label, 0) + count

    def record_removed(self, label: str, count: int = 1) -> None:
        if count:
            self.removed[label] = self.removed.get(label, 0) + count


@dataclass(frozen=True)
class ErasureHandler:
    """How one app erases its rows of a holder.

    ``identify(erasure=...)`` runs before anything else, also when the holder
    stays: gather what the system knows about the holder (``person``, ``known``,
    ``emails``) for ``scrub_text``.
    ``prepare(erasure=...)`` runs next, for every handler in registration order
    (lower apps first): gather identifiers, copy what must outlive the holder
    (a contact record kept with consent) under the practice key, take the
    holder out of what other holders keep (their name in an organisation's
    trainings; noted in ``erasure.rewritten``). ``erase(
    erasure=...)`` then runs in reverse order (higher apps first, so their rows
    go before the rows they point at) and deletes the holder's rows, finding
    them by ``erasure.holder_id`` alone (``reapply_erasures`` knows nothing
    else). ``trajectory(trajectory=..., erasure=...)`` processes one closed
    trajectory's content (the delete or pseudonymise choice) before the holder
    is erased; ``erasure.erasing`` is False when the holder stays (it has other
    trajectories). All run inside the caller's transaction and are idempotent.

    ``exempt`` instead of functions: why the rows need no erasure (e.g. staff
    accounts, sealed under the practice key).
    """

    name: str
    models: tuple[str, ...]
    identify: Callable[..., None] | None = None
    prepare: Callable[..., None] | None = None
    erase: Callable[..., None] | None = None
    trajectory: Callable[..., None] | None = None
    exempt: str = ""


_handlers: list[ErasureHandler] = []
# handler name -> the module that registered it (its app decides the order).
_modules: dict[str, str] = {}
_ordered: list[ErasureHandler] = []  # handlers() computed once per registration


def register_erasure(handler: ErasureHandler) -> ErasureHandler:
    """Register an app's erasure handler (once per name)."""
    if not handler.exempt and not (
        handler.identify or handler.prepare or handler.erase or handler.trajectory
    ):
        raise ValueError(
            f"erasure handler {handler.name} does nothing and is not exempt"
        )
    _handlers[:] = [h for h in _handlers if h.name != handler.name]
    _handlers.append(handler)
    _modules[handler.name] = sys._getframe(1).f_globals.get("__name__", "")
    _ordered.clear()
    return handler


def _app_position(module: str) -> int:
    from django.apps import apps

    configs = list(apps.get_app_configs())
    for position, config in enumerate(configs):
        if module == config.name or module.startswith(config.name + "."):
            return position
    return len(configs)


def handlers() -> tuple[ErasureHandler, ...]:
    """Return the handlers in INSTALLED_APPS order (lower apps first).

    Not the order of registration: a module that imports another app's
    ``erasure.py`` early would register that handler first, and erasing in
    reverse would then delete a client before the trajectories that protect it.
    Within one app, registration order.
    """
    if len(_ordered) != len(_handlers):
        _ordered[:] = sorted(
            _handlers, key=lambda h: _app_position(_modules.get(h.name, ""))
        )
    return tuple(_ordered)


def covered_models() -> set[str]:
    return {label.lower() for h in _handlers for label in h.models}
