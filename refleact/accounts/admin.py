"""Staff accounts in the admin: the practice owner manages them, coaches do not."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from refleact.accounts.models import User
from refleact.practiceadmin import IdOnlyAdminLogMixin


@admin.register(User)
class UserAdmin(IdOnlyAdminLogMixin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    # Names and e-mail are sealed: the database cannot search them, only the handle.
    search_fields = ("username",)
    ordering = ("username",)

    # The owner, a superuser or a member of 'owner', manages coach accounts
    # (issue: "the owner manages coach accounts"); a coach only changes their
    # own password through the password-change page.
    def _owner(self, request) -> bool:
        return getattr(request.user, "is_owner", False)

    def has_module_permission(self, request) -> bool:
        return self._owner(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._owner(request)

    def has_add_permission(self, request) -> bool:
        return self._owner(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._owner(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._owner(request)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # An owner who is not a superuser cannot hand out superuser rights.
            fields += ["is_superuser", "user_permissions"]
        return fields
