"""Staff accounts and login records in the admin, for the practice owner.

The owner manages the accounts and releases lockouts; coaches see neither.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from refleact.accounts import thirdpartylabels
from refleact.accounts.lockout import accounts_by_login_digest
from refleact.accounts.models import User
from refleact.practiceadmin import IdOnlyAdminLogMixin
from refleact.twofactor.admin import reset_second_factor

# Dutch names for auth's and axes' rows on these pages (display only).
thirdpartylabels.install()


@admin.register(User)
class UserAdmin(IdOnlyAdminLogMixin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    # Names and e-mail are sealed: the database cannot search them, only the handle.
    search_fields = ("username",)
    ordering = ("username",)
    actions = [reset_second_factor]

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


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(IdOnlyAdminLogMixin, DjangoGroupAdmin):
    """Groups, the role groups by their Dutch name ("Eigenaar", "Coach").

    A role group's stored name is what the role checks read (``User.is_owner``):
    it cannot be renamed or deleted here, only given other permissions.
    """

    list_display = ("label",)

    @admin.display(description=_("name"), ordering="name")
    def label(self, group) -> str:
        return thirdpartylabels.group_label(group)

    def _is_role(self, group) -> bool:
        return group is not None and group.name in thirdpartylabels.ROLE_GROUP_LABELS

    def get_fields(self, request, obj=None):
        if self._is_role(obj):
            return ["label", "permissions"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "label"] if self._is_role(obj) else fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._is_role(obj) and super().has_delete_permission(request, obj)


# -- login records (django-axes; AXES_ENABLE_ADMIN is off so they register here) -----


def _beside_username(fields) -> list:
    fields = list(fields)
    if "username" in fields:
        fields.insert(fields.index("username") + 1, "account")
    return fields


class LoginAccountChangeList(ChangeList):
    """A page of login records, each told the account its digest belongs to."""

    def get_results(self, request) -> None:
        super().get_results(request)
        accounts = accounts_by_login_digest()
        for record in self.result_list:
            record.login_account = accounts.get(record.username)


class LoginAccountMixin:
    """Show beside each stored login-name digest the account it belongs to.

    The owner releasing a lockout sees whose it is. A digest no account has (a
    mistyped or guessed name) shows a marker: what was typed is never stored.
    Permissions stay axes' model permissions, granted to the owner only
    (migration accounts 0003).
    """

    def get_changelist(self, request, **kwargs):
        return LoginAccountChangeList

    def get_list_display(self, request):
        return _beside_username(super().get_list_display(request))

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": _beside_username(options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "account"]

    @admin.display(description=_("account"))
    def account(self, record) -> str:
        if not hasattr(record, "login_account"):  # a change page: one record
            record.login_account = accounts_by_login_digest().get(record.username)
        if record.login_account is None:
            return format_html("<em>{}</em>", _("no account"))
        pk, username = record.login_account
        url = reverse("admin:accounts_user_change", args=[pk])
        return format_html('<a href="{}">{}</a>', url, username)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(LoginAccountMixin, axes_admin.AccessAttemptAdmin):
    pass


@admin.register(AccessLog)
class AccessLogAdmin(LoginAccountMixin, axes_admin.AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(LoginAccountMixin, axes_admin.AccessFailureLogAdmin):
    pass
