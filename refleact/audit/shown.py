"""What a page shows of a client's data: its rows, and the related rows it names.

A trajectory on screen reads "Coaching: <client's name>", a dossier entry's page
names its trajectory, an invoice's its trajectory: such a page shows the client
too, and the access log must say so, or the owner's "who looked at client X?"
misses it. Each admin says which related rows its pages name
(``PracticeModelAdmin.get_audit_related``); ``rows_shown`` adds them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_user_model
from django.db import models, router
from django.db.models import prefetch_related_objects


def follow(obj, path: str):
    """Return the row at the end of a ``a__b`` path from obj, or None."""
    for name in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


def _related_paths(model, *, admin_site, request) -> tuple[str, ...]:
    model_admin = admin_site._registry.get(model)
    get_paths = getattr(model_admin, "get_audit_related", None)
    return tuple(get_paths(request)) if get_paths else ()


def rows_shown(
    objs: Iterable[models.Model], *, admin_site, request, plain=()
) -> list[models.Model]:
    """Return objs and the related rows their pages name, then plain, each once.

    Only rows sealed for a key holder count (a client's, an organisation's, an
    invoice's); staff accounts and plain tables are no client's data. The related rows
    come from the paths the rows' admins name, fetched per model and path in one
    query where not selected already. ``plain`` rows are taken as they are (an
    inline row, shown under the page's own row).
    """
    objs = list(objs)
    by_model: dict[type, list[models.Model]] = {}
    for obj in objs:
        by_model.setdefault(type(obj), []).append(obj)
    shown: dict[tuple[str, object], models.Model] = {}
    staff = get_user_model()

    def add(row) -> None:
        if row is None or row.pk is None or isinstance(row, staff):
            return
        if hasattr(row, "holder_id"):
            shown.setdefault((row._meta.label_lower, row.pk), row)

    for model, rows in by_model.items():
        paths = _related_paths(model, admin_site=admin_site, request=request)
        if paths:
            prefetch_related_objects(rows, *paths)
        for obj in rows:
            add(obj)
            for path in paths:
                add(follow(obj, path))
    for row in plain:
        add(row)
    return list(shown.values())


def deletion_rows(objs) -> list[models.Model]:
    """Return the rows a deletion of objs takes along, as its confirmation lists.

    The same collector as Django's confirmation page: the cascade and the rows
    that protect objs from deletion.
    """
    objs = list(objs)
    if not objs:
        return []
    collector = NestedObjects(
        using=router.db_for_write(objs[0]._meta.model), origin=objs
    )
    collector.collect(objs)
    rows = [row for found in collector.model_objs.values() for row in found]
    return rows + list(collector.protected)


def deletion_page_rows(response) -> list[models.Model]:
    """Return the rows a delete confirmation lists; [] for any other response.

    Both of Django's confirmations, a row's delete page and the delete_selected
    action's, of every ModelAdmin: they list names and entry titles.
    """
    context = getattr(response, "context_data", None) or {}
    if "deleted_objects" in context and context.get("object") is not None:
        return deletion_rows([context["object"]])
    if "deletable_objects" in context and context.get("queryset") is not None:
        return deletion_rows(context["queryset"])
    return []
