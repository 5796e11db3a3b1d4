"""The admin index's "recent actions": the kind of each row in the user's language
and, on screen only, its name.

Django's admin log here stores "<model> <pk>", never a name
(``refleact.practiceadmin.IdOnlyAdminLogMixin``). The name is opened when the page
is drawn, from the live row fetched through the model admin's queryset, which
carries the access rule: a row the user may no longer see, or one deleted since,
shows only its kind. The caller records the rows named in the access log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

RECENT_ACTIONS = 10


@dataclass(frozen=True)
class RecentAction:
    entry: LogEntry
    kind: str
    name: str | None = None
    url: str | None = None


def recent_actions_for(
    *, request, admin_site, limit: int = RECENT_ACTIONS
) -> tuple[list[RecentAction], list[models.Model]]:
    """Return the user's latest admin log entries, and the live rows they name."""
    entries = list(
        LogEntry.objects.filter(user=request.user)
        .select_related("content_type")
        .order_by("-action_time")[:limit]
    )
    live = _live_rows(entries, request=request, admin_site=admin_site)
    actions = []
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type else None
        if model is None:
            actions.append(RecentAction(entry=entry, kind=_("Unknown content")))
            continue
        kind = capfirst(model._meta.verbose_name)
        obj = live.get((model, entry.object_id))
        if obj is None:
            actions.append(RecentAction(entry=entry, kind=kind))
        else:
            url = _change_url(obj, admin_site=admin_site)
            actions.append(RecentAction(entry=entry, kind=kind, name=str(obj), url=url))
    return actions, list(live.values())


def _live_rows(entries, *, request, admin_site) -> dict[tuple[type, str], models.Model]:
    """One query per model, within its admin's access rule; deletions left out."""
    wanted: dict[type, set] = {}
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type else None
        if model in admin_site._registry and not entry.is_deletion():
            wanted.setdefault(model, set()).add(entry.object_id)
    live = {}
    for model, ids in wanted.items():
        model_admin = admin_site._registry[model]
        if not model_admin.has_view_or_change_permission(request):
            continue
        pks = [pk for pk in map(_valid_pk(model), ids) if pk is not None]
        for obj in model_admin.get_queryset(request).filter(pk__in=pks):
            live[(model, str(obj.pk))] = obj
    return live


def _valid_pk(model):
    def parse(value: str):
        try:
            return model._meta.pk.to_python(value)
        except ValidationError:
            return None  # a row from before a change of key type

    return parse


def _change_url(obj, *, admin_site) -> str | None:
    opts = obj._meta
    try:
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=admin_site.name,
        )
    except NoReverseMatch:
        return None
