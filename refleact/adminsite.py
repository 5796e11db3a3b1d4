"""The coach's admin site: Django's, plus a dashboard with today's work."""

from __future__ import annotations

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
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record_many


class AuditedAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete answers name clients: log which rows it showed, like a list page."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = [o for o in context["object_list"] if getattr(o, "holder_id", None)]
        audit_record_many(
            request=self.request, action=AuditEvent.Action.LIST, objs=shown
        )
        return context


class RefleactAdminSite(admin.AdminSite):
    site_header = _("Refleact")
    site_title = _("Refleact")
    index_title = _("Practice")
    # The practice has no public site here; the portal arrives with its own issue.
    site_url = None

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register as Django does, with every ModelAdmin made strict about what a
        hand-made URL may reach (see refleact/adminstrict.py)."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, StrictQueryMixin):
            admin_class = type(
                admin_class.__name__,
                (StrictQueryMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        return [
            path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard"),
            *super().get_urls(),
        ]

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
            objs=[obj for _section, content in sections for obj in content.shown],
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
