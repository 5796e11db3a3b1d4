"""The access log's filters: grouped or every row, client, staff member, kind.

Each takes only the values it offers; anything else matches nothing (no 500),
and a lookup no filter offers is refused before it reaches the database.
"""

from __future__ import annotations

import uuid

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from refleact.audit.models import AuditEvent
from refleact.audit.subjects import holder_models

EVERY_ROW = "all"


class RowsFilter(admin.SimpleListFilter):
    """Grouped per coach, action, kind and ten minutes (the default), or every row."""

    title = _("show")
    parameter_name = "rows"

    def lookups(self, request, model_admin):
        return [(EVERY_ROW, _("every access"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() != EVERY_ROW,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("grouped per 10 minutes"),
        }
        yield {
            "selected": self.value() == EVERY_ROW,
            "query_string": changelist.get_query_string(
                {self.parameter_name: EVERY_ROW}
            ),
            "display": _("every access"),
        }

    def queryset(self, request, queryset):
        return queryset


def grouped(request) -> bool:
    return request.GET.get(RowsFilter.parameter_name) != EVERY_ROW


class HolderFilter(admin.SimpleListFilter):
    """Filter by a client's (or organisation's) holder id; the client page links here.

    Names are sealed, so the owner searches a client through the holders' own
    blind-index search (an autocomplete); only the chosen one is opened here.
    """

    title = _("client")
    parameter_name = "holder_id"
    template = "admin/audit/holder_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.request = request
        self.model_admin = model_admin
        self.selected_row = self._selected_row()

    def lookups(self, request, model_admin):
        return []

    def has_output(self) -> bool:
        return True

    def holder(self) -> uuid.UUID | None:
        try:
            return uuid.UUID(self.value()) if self.value() else None
        except ValueError:
            return None

    def _selected_row(self):
        holder = self.holder()
        if holder is None:
            return None
        registry = self.model_admin.admin_site._registry
        for model in holder_models():
            if model in registry:
                queryset = registry[model].get_queryset(self.request)
                row = queryset.order_by().filter(holder_id=holder).first()
                if row is not None:
                    return row
        return None

    def choices(self, changelist):
        if self.value() is None:
            label = ""
        elif self.selected_row is not None:
            label = str(self.selected_row)
        else:
            label = _("unknown or erased (%(id)s)") % {"id": self.value()}
        yield {
            "selected": self.value() is not None,
            "value": self.value() or "",
            "label": label,
            "search_url": reverse("admin:audit_auditevent_holders"),
            "clear_query_string": changelist.get_query_string(
                remove=[self.parameter_name, "p"]
            ),
            "hidden": [
                (k, v)
                for k, v in changelist.params.items()
                if k not in (self.parameter_name, "p")
            ],
        }

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        holder = self.holder()
        # A hand-made value matches nothing, no 500.
        return queryset.none() if holder is None else queryset.filter(holder_id=holder)


class ActorFilter(admin.SimpleListFilter):
    """Filter by staff member: the owner and every coach, former ones included."""

    title = _("staff member")
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True)
        return sorted(((str(u.pk), str(u)) for u in staff), key=lambda c: c[1])

    def queryset(self, request, queryset):
        offered = {value for value, _label in self.lookup_choices}
        if self.value() is None:
            return queryset
        if self.value() not in offered:
            return queryset.none()
        return queryset.filter(actor_id=self.value())


def logged_models(admin_site):
    """Return the admin's models whose rows the log records: client data."""
    staff = get_user_model()
    return [
        m
        for m in apps.get_models()
        if m in admin_site._registry
        and m not in (staff, AuditEvent)
        and any(f.name == "holder_id" for f in m._meta.fields)
    ]


class KindFilter(admin.SimpleListFilter):
    """Filter by what was seen: client, trajectory, dossier entry, invoice."""

    title = _("kind")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        return sorted(
            (
                (m._meta.label_lower, capfirst(m._meta.verbose_name))
                for m in logged_models(model_admin.admin_site)
            ),
            key=lambda c: str(c[1]),
        )

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in {value for value, _label in self.lookup_choices}:
            return queryset.none()
        return queryset.filter(model=self.value())
