"""The coach's admin site: Django's, plus a dashboard with today's work."""

from __future__ import annotations

import functools

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refleact import dashboard
from refleact.adminstrict import StrictQueryMixin
from refleact.adminwording import WordingMixin
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record_many
from refleact.audit.shown import deletion_page_rows, rows_shown
from refleact.recentactions import recent_actions_for
from refleact.twofactor.adminsite import TwoFactorAdminSiteMixin


class AuditedAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete answers name clients: log which rows it showed, like a list page."""

    def post(self, request, *args, **kwargs):
        # The admin's pickers send what is typed in the body (see
        # practiceadmin._PostsTheTerm), so no name travels in a URL.
        request.GET = request.POST
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = rows_shown(
            context["object_list"], admin_site=self.admin_site, request=self.request
        )
        audit_record_many(
            request=self.request, action=AuditEvent.Action.LIST, objs=shown
        )
        return context


class RefleactAdminSite(TwoFactorAdminSiteMixin, admin.AdminSite):
    site_header = _("Refleact")
    site_title = _("Refleact")
    index_title = _("Practice")
    # The practice has no public site here; the portal arrives with its own issue.
    site_url = None

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register as Django does, with every ModelAdmin made strict about what a
        hand-made URL may reach (refleact/adminstrict.py) and worded as Dutch is
        written (refleact/adminwording.py)."""
        admin_class = admin_class or admin.ModelAdmin
        mixins = tuple(
            m
            for m in (StrictQueryMixin, WordingMixin)
            if not issubclass(admin_class, m)
        )
        if mixins:
            admin_class = type(
                admin_class.__name__,
                (*mixins, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def logged(request, *args, **kwargs):
            response = inner(request, *args, **kwargs)
            # Every ModelAdmin's delete confirmation lists the rows the deletion
            # takes along by name: record them as seen.
            rows = deletion_page_rows(response)
            if rows:
                audit_record_many(
                    request=request,
                    action=AuditEvent.Action.VIEW,
                    objs=rows_shown(rows, admin_site=self, request=request),
                )
            return response

        return logged

    def get_urls(self):
        return [
            path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        # Recent actions name their rows on screen: record those in the access log.
        actions, named = recent_actions_for(request=request, admin_site=self)
        audit_record_many(
            request=request,
            action=AuditEvent.Action.LIST,
            objs=rows_shown(named, admin_site=self, request=request),
        )
        return super().index(
            request, {"recent_actions": actions, **(extra_context or {})}
        )

    def autocomplete_view(self, request):
        return AuditedAutocompleteJsonView.as_view(admin_site=self)(request)

    def dashboard_view(self, request):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not getattr(request.user, "works_in_practice", False):
            raise PermissionDenied
        sections = dashboard.dashboard_for_user(user=request.user, now=timezone.now())
        audit_record_many(
            request=request,
            action=AuditEvent.Action.LIST,
            objs=rows_shown(
                [obj for _section, content in sections for obj in content.shown],
                admin_site=self,
                request=request,
            ),
        )
        context = {
            **self.each_context(request),
            "title": _("Today's work"),
            "sections": [
                {"key": section.key, "template": section.template, **content.context}
                for section, content in sections
            ],
        }
        return TemplateResponse(request, "admin/dashboard.html", context)
