"""The access log in the admin: read-only, for the practice owner only.

It answers "who looked at client X, and when?": filter by client and by staff
member; each row names what was seen (its kind and, on screen only, its name,
opened from the live row) and links to it. By default the rows are grouped per
staff member, action, kind and ten minutes, with a count, so a morning's work is
a few lines; each group opens its own rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage
from django.db.models import Count, F, Max, Min, Value, Window
from django.db.models.functions import ExtractMinute, Floor, RowNumber, TruncHour
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from refleact.audit.filters import (
    EVERY_ROW,
    ActorFilter,
    HolderFilter,
    KindFilter,
    RowsFilter,
    grouped,
)
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record_many
from refleact.audit.shown import rows_shown
from refleact.audit.subjects import Subject, holder_models, open_subjects

BUCKET = datetime.timedelta(minutes=10)
SAMPLES = 3  # names shown per group
SAMPLE_ROWS = 12  # the newest events per group read for them
SEARCH_RESULTS = 20  # holders per model in the client search


@dataclass
class EventGroup:
    """The events of one staff member, action and kind in one ten-minute bucket."""

    _meta = AuditEvent._meta  # the changelist's columns read fields from here

    actor_id: object
    action: str
    model: str
    start: datetime.datetime
    first: datetime.datetime
    last: datetime.datetime
    count: int
    objects: int
    actor: object = None
    samples: list[Subject] = field(default_factory=list)
    rows_query: dict = field(default_factory=dict)  # this group's own rows

    def rows_filter(self) -> dict[str, str]:
        """Return the filters that list this group's rows, the offered ones only."""
        query = {
            "rows": EVERY_ROW,
            "action__exact": self.action,
            "model": self.model,
            "at__gte": self.start.astimezone(datetime.UTC).isoformat(),
            "at__lt": (self.start + BUCKET).astimezone(datetime.UTC).isoformat(),
        }
        if self.actor_id is not None:
            query["actor"] = str(self.actor_id)
        return query


def _bucket(queryset):
    # Ten-minute buckets in the current time zone, in SQL on SQLite and PostgreSQL.
    return queryset.annotate(
        hour=TruncHour("at"), slot=Floor(ExtractMinute("at") / Value(10))
    )


class AuditChangeList(ChangeList):
    """The log's list: grouped (the default) or every row, with names opened."""

    def get_results(self, request):
        if grouped(request):
            self._group_results(request)
        else:
            super().get_results(request)
            self.result_list = list(self.result_list)
            subjects = open_subjects(
                ((e.model, e.object_id) for e in self.result_list),
                admin_site=self.model_admin.admin_site,
                request=request,
            )
            for event in self.result_list:
                event.subject = subjects[(event.model, event.object_id)]
            self.subjects = list(subjects.values())

    def _group_results(self, request):
        groups = (
            _bucket(self.queryset.order_by())
            .values("actor", "action", "model", "hour", "slot")
            .annotate(
                count=Count("id"),
                objects=Count("object_id", distinct=True),
                first=Min("at"),
                last=Max("at"),
            )
            .order_by("-last", "actor", "action", "model")
        )
        paginator = self.model_admin.get_paginator(request, groups, self.list_per_page)
        try:
            page = list(paginator.page(self.page_num).object_list)
        except InvalidPage:
            page = []
        self.result_count = paginator.count
        self.full_result_count = None
        self.show_full_result_count = False
        self.show_admin_actions = False
        self.can_show_all = False
        self.multi_page = self.result_count > self.list_per_page
        self.paginator = paginator
        self.result_list = [
            EventGroup(
                actor_id=g["actor"],
                action=g["action"],
                model=g["model"],
                start=g["hour"] + int(g["slot"]) * BUCKET,
                first=g["first"],
                last=g["last"],
                count=g["count"],
                objects=g["objects"],
            )
            for g in page
        ]
        kept = {k: v for k, v in self.params.items() if k != RowsFilter.parameter_name}
        for group in self.result_list:
            group.rows_query = {**kept, **group.rows_filter()}
        self._add_actors()
        self._add_samples(request)

    def _add_actors(self):
        ids = {g.actor_id for g in self.result_list if g.actor_id is not None}
        users = get_user_model().objects.in_bulk(ids) if ids else {}
        for group in self.result_list:
            group.actor = users.get(group.actor_id)

    def _add_samples(self, request):
        """Name a few objects of each group: one query for the page's groups."""
        if not self.result_list:
            self.subjects = []
            return
        keys = {(g.actor_id, g.action, g.model, g.start) for g in self.result_list}
        # The newest few events of each group (window, in SQL), bounded per
        # group; their distinct objects are the names shown.
        ranked = (
            _bucket(
                self.queryset.order_by().filter(
                    at__gte=min(g.start for g in self.result_list),
                    at__lt=max(g.start for g in self.result_list) + BUCKET,
                    model__in={g.model for g in self.result_list},
                )
            )
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[
                        F("actor"),
                        F("action"),
                        F("model"),
                        F("hour"),
                        F("slot"),
                    ],
                    order_by=[F("at").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=SAMPLE_ROWS)
            .values_list("actor", "action", "model", "hour", "slot", "object_id")
        )
        picked: dict[tuple, list[tuple[str, str]]] = {}
        for actor, action, model, hour, slot, object_id in ranked:
            key = (actor, action, model, hour + int(slot) * BUCKET)
            pairs = picked.setdefault(key, [])
            if key in keys and (model, object_id) not in pairs and len(pairs) < SAMPLES:
                pairs.append((model, object_id))
        subjects = open_subjects(
            (pair for pairs in picked.values() for pair in pairs),
            admin_site=self.model_admin.admin_site,
            request=request,
        )
        for group in self.result_list:
            pairs = picked.get((group.actor_id, group.action, group.model, group.start))
            group.samples = [subjects[p] for p in pairs or ()]
        self.subjects = list(subjects.values())


def _when(at: datetime.datetime) -> str:
    return date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")


def _subject_html(subject: Subject):
    if subject.url:
        return format_html('<a href="{}">{}</a>', subject.url, subject.name)
    return format_html("<em>{}</em>", subject.name)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_filter = (RowsFilter, HolderFilter, ActorFilter, KindFilter, "action", "at")
    list_select_related = ("actor",)
    list_display_links = None
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    sortable_by = ()
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    class Media:
        css = {
            "all": (
                "admin/css/vendor/select2/select2.min.css",
                "admin/css/autocomplete.css",
                "refleact/audit.css",
            )
        }
        js = (
            "admin/js/vendor/jquery/jquery.min.js",
            "admin/js/vendor/select2/select2.full.min.js",
            "admin/js/jquery.init.js",
            "refleact/audit_filter.js",
        )

    def get_changelist(self, request, **kwargs):
        return AuditChangeList

    def get_list_display(self, request):
        if grouped(request):
            return ("period", "who", "action_done", "what_group", "rows_link")
        return ("at", "who", "action_done", "what", "ip_address")

    # -- columns ---------------------------------------------------------------
    @admin.display(description=_("when"))
    def period(self, group: EventGroup):
        if group.count == 1:
            return _when(group.first)
        last = timezone.localtime(group.last)
        return f"{_when(group.first)} – {last:%H:%M}"

    @admin.display(description=_("who"))
    def who(self, item):
        actor = item.actor
        return str(actor) if actor is not None else "—"

    @admin.display(description=_("action"))
    def action_done(self, item):
        return AuditEvent.Action(item.action).label

    @admin.display(description=_("what"))
    def what(self, event: AuditEvent):
        subject = event.subject
        return format_html("{}: {}", subject.kind, _subject_html(subject))

    @admin.display(description=_("what"))
    def what_group(self, group: EventGroup):
        kind = group.samples[0].kind if group.samples else group.model
        names = format_html_join(
            ", ", "{}", ((_subject_html(s),) for s in group.samples)
        )
        more = group.objects - len(group.samples)
        text = format_html("{} × {}: {}", group.count, kind, names)
        if more > 0:
            text = format_html(
                "{} {}",
                text,
                ngettext("and %(n)d other", "and %(n)d others", more) % {"n": more},
            )
        return text

    @admin.display(description=_("rows"))
    def rows_link(self, group: EventGroup):
        label = ngettext("show %(n)d row", "show %(n)d rows", group.count) % {
            "n": group.count
        }
        return format_html('<a href="?{}">{}</a>', urlencode(group.rows_query), label)

    # -- the page --------------------------------------------------------------
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            # The page names what was seen: the owner saw those names too.
            rows = [s.row for s in getattr(changelist, "subjects", ()) if s.row]
            rows += [
                spec.selected_row
                for spec in changelist.filter_specs
                if getattr(spec, "selected_row", None) is not None
            ]
            audit_record_many(
                request=request,
                action=AuditEvent.Action.LIST,
                objs=rows_shown(rows, admin_site=self.admin_site, request=request),
            )
        return response

    def get_urls(self):
        return [
            path(
                "holders/",
                self.admin_site.admin_view(self.holders_view),
                name="audit_auditevent_holders",
            ),
            *super().get_urls(),
        ]

    def holders_view(self, request):
        """Answer the client filter's search: the holders whose name or e-mail match."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The filter's picker posts what is typed: a client's name stays out of
        # URLs (templates/admin/audit/holder_filter.html).
        params = request.POST if request.method == "POST" else request.GET
        term = params.get("term", "").strip()
        found = []
        registry = self.admin_site._registry
        for model in holder_models() if term else ():
            model_admin = registry.get(model)
            if model_admin is None:
                continue
            queryset, _distinct = model_admin.get_search_results(
                request, model_admin.get_queryset(request), term
            )
            found += list(queryset[:SEARCH_RESULTS])
        audit_record_many(
            request=request,
            action=AuditEvent.Action.LIST,
            objs=rows_shown(found, admin_site=self.admin_site, request=request),
        )
        return JsonResponse(
            {
                "results": [
                    {
                        "id": str(row.holder_id),
                        "text": f"{row} ({row._meta.verbose_name})",
                    }
                    for row in found
                ],
                "pagination": {"more": False},
            }
        )

    # -- rights ----------------------------------------------------------------
    def _is_owner(self, request) -> bool:
        return getattr(request.user, "is_owner", False)

    def has_module_permission(self, request) -> bool:
        return self._is_owner(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._is_owner(request)

    # Append-only in the application.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
