"""What an access-log row is about, in words a coach understands, on screen only.

A row stores only ids (model, pk, holder). The owner's log names the object at
display time: its kind (the model's verbose name) and its name, opened from the
live row, one query per model per page. Nothing opened here is ever stored. A row
deleted since shows a marker, and so does one whose holder was erased.

The holders the owner filters by (clients, organisations) are registered by their
app (``register_holder_model`` from ``AppConfig.ready``): the core imports no app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

_holder_models: list[type[models.Model]] = []


def register_holder_model(model: type[models.Model]) -> None:
    """Offer this model's rows (each its own key holder) in the log's filter."""
    if model not in _holder_models:
        _holder_models.append(model)


def holder_models() -> tuple[type[models.Model], ...]:
    return tuple(_holder_models)


@dataclass(frozen=True)
class Subject:
    """One logged object as the owner sees it."""

    kind: str
    name: str
    url: str = ""
    row: models.Model | None = None  # the live row, when it still exists


def model_kind(label: str) -> str:
    """Return a model label's verbose name ("client"), or the label if unknown."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def _admin_url(row: models.Model) -> str:
    opts = row._meta
    try:
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk]
        )
    except NoReverseMatch:
        return ""


def _valid_ids(model, object_ids: Iterable[str]) -> list:
    valid = []
    for object_id in object_ids:
        try:
            valid.append(model._meta.pk.to_python(object_id))
        except ValidationError:
            continue
    return valid


def _live_rows(model, object_ids, *, admin_site, request) -> dict[str, models.Model]:
    model_admin = admin_site._registry.get(model)
    if model_admin is None or not object_ids:
        return {}
    queryset = model_admin.get_queryset(request).prefetch_related(None)
    related = model_admin.list_select_related
    if isinstance(related, (list, tuple)) and related:
        queryset = queryset.select_related(*related)
    elif related is True:
        queryset = queryset.select_related()
    return {
        str(row.pk): row
        for row in queryset.order_by().filter(pk__in=_valid_ids(model, object_ids))
    }


def open_subjects(
    pairs: Iterable[tuple[str, str]], *, admin_site, request
) -> dict[tuple[str, str], Subject]:
    """Return each (model label, object id) as a Subject, one query per model.

    Rows come through the model's admin, so the access rule applies; the owner,
    who reads the log, sees every row.
    """
    by_label: dict[str, set[str]] = {}
    for label, object_id in pairs:
        by_label.setdefault(label, set()).add(object_id)
    subjects = {}
    for label, object_ids in by_label.items():
        kind = capfirst(model_kind(label))
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            model = None
        rows = (
            _live_rows(model, object_ids, admin_site=admin_site, request=request)
            if model is not None
            else {}
        )
        for object_id in object_ids:
            row = rows.get(object_id)
            if row is None:
                subject = Subject(kind=kind, name=_("no longer exists"))
            elif getattr(row, "is_erased", False):
                subject = Subject(kind=kind, name=_("erased"), url=_admin_url(row))
            else:
                subject = Subject(
                    kind=kind, name=str(row), url=_admin_url(row), row=row
                )
            subjects[(label, object_id)] = subject
    return subjects
