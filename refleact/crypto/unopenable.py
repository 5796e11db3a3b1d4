"""What a value that cannot be opened reads as: a marker naming its place.

A stored value that fails to open (its data key missing from the key store, or the
value altered: tampered, moved from another row or column, not parseable) reads as
an ``Unopenable``, so one damaged value spoils only itself: a list shows the row,
a page renders, the owner can find the row and delete it. The marker carries the
place (model, field, pk) and the cause, never the value or its ciphertext; its
``str`` is "cannot be opened (id <pk>)", translated.

It is no ``str``: code that treats it as text has to say so (``str(value)``), and
code that must not go on with a damaged value calls ``require_opened``, which
raises DecryptionError naming the place. The stored bytes stay on the row, so
saving it writes them back unchanged; a marker written anywhere else raises.
"""

from __future__ import annotations

import enum

from django.utils.translation import gettext

from refleact.crypto.errors import DecryptionError


class Cause(enum.StrEnum):
    """Why a value cannot be opened."""

    # Its data key is not in the key store (and has no tombstone), its master key
    # is not configured, or the wrapped key does not unwrap: the key store is
    # damaged, and restoring it from a backup may repair the value.
    KEY_MISSING = "key missing"
    # The key is there but the value does not open or parse under its place: it
    # was changed outside the application. Nothing here can repair it.
    ALTERED = "altered"


class Unopenable:
    """The value of a field that cannot be opened; see the module docstring."""

    __slots__ = ("label", "field", "pk", "cause", "detail")

    def __init__(self, *, label: str, field: str, pk, cause: Cause, detail: str):
        self.label = label  # the concrete model's label, "clients.Client"
        self.field = field  # the field's name
        self.pk = pk  # the row the value was loaded from
        self.cause = cause
        self.detail = detail  # what failed, for errors and logs: never the value

    @property
    def place(self) -> str:
        """Name the place: "app.Model.field (pk=...)", as errors do."""
        return f"{self.label}.{self.field} (pk={self.pk})"

    @property
    def key_missing(self) -> bool:
        return self.cause is Cause.KEY_MISSING

    def error(self) -> DecryptionError:
        """Return the DecryptionError that names this value's place and problem."""
        return DecryptionError(f"{self.place} {self.detail}")

    def __str__(self) -> str:
        return gettext("cannot be opened (id %(id)s)") % {"id": self.pk}

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __len__(self) -> int:
        # Templates' |length and length checks see the marker's text.
        return len(str(self))

    def __repr__(self) -> str:
        return f"<Unopenable {self.place}: {self.cause}>"


def require_opened(value):
    """Return value; raise DecryptionError, naming its place, if it cannot be opened.

    For code that must not go on with a damaged value: copying it elsewhere,
    sending it, exporting it as data.
    """
    if value.__class__ is Unopenable:
        raise value.error()
    return value


def unopenable_values(instance) -> list[Unopenable]:
    """Return the markers of the instance's values that cannot be opened.

    Only values loaded from the database and not replaced since; reading
    nothing that is deferred, so it costs no query.
    """
    unopened = instance._state.__dict__.get("unopened")
    if not unopened:
        return []
    found = []
    for attname in list(unopened):
        if attname in instance.__dict__:
            value = instance.__dict__[attname]  # replaced since (or the marker)
        else:
            value = getattr(instance, attname)  # opens now, or gives the marker
        if value.__class__ is Unopenable:
            found.append(value)
    return found
