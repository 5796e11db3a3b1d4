"""What of a row outlives its trajectory, as the inventory declares it.

The sweep keeps no list of fields of its own: each declared field's ``End``
decides. A field declared later is handled with no change here or in the sweep.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from refleact.crypto.files import SealedFile
from refleact.inventory.declarations import End, declaration_for


def declared_fields(model: type[models.Model]):
    """Yield (field name, declaration) for each declared field of ``model``."""
    for model_field in model._meta.concrete_fields:
        declaration = declaration_for(model, model_field.name)
        if declaration is not None:
            yield model_field.name, declaration


def kept_content(
    row: models.Model, *, scrub: Callable[[str], str]
) -> tuple[dict[str, str], SealedFile | None]:
    """Return a row's pseudonymised texts and the attachment it keeps, if any.

    PSEUDONYMISE text is scrubbed and kept; a KEEP_IF_MARKED file is kept when
    the row carries the mark (theory material: a file cannot be scrubbed
    reliably); everything else is dropped. Empty, erased and unopenable values
    are dropped too.
    """
    content: dict[str, str] = {}
    attachment = None
    for name, declaration in declared_fields(type(row)):
        value = getattr(row, name)
        if declaration.end == End.PSEUDONYMISE:
            if isinstance(value, str) and value.strip():
                content[name] = scrub(value)
        elif declaration.end == End.KEEP_IF_MARKED and declaration.kept_when:
            mark_field, mark = declaration.kept_when
            if isinstance(value, SealedFile) and getattr(row, mark_field) == mark:
                attachment = value
    return content, attachment
