"""The access log in the admin: read-only, for the practice owner only."""

import uuid

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from refleact.audit.models import AuditEvent


class HolderFilter(admin.SimpleListFilter):
    """Filter by a client's holder id (the client page links here)."""

    title = _("client")
    parameter_name = "holder_id"

    def lookups(self, request, model_admin):
        return []

    def has_output(self) -> bool:
        return True

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
        }

    def queryset(self, request, queryset):
        value = self.value()
        if value:
            try:
                return queryset.filter(holder_id=uuid.UUID(value))
            except ValueError:
                return queryset.none()  # a hand-made URL: nothing matches, no 500
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "model", "object_id", "ip_address")
    list_filter = ("action", "model", HolderFilter, "at")
    list_select_related = ("actor",)
    date_hierarchy = "at"
    ordering = ("-at", "-id")

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
