"""Dutch for what django.contrib.auth and django-axes show in the owner's admin.

- Strings: axes ships no Dutch, and Django's Dutch lacks a few admin strings. The
  msgids in ``_THEIR_STRINGS`` are theirs, letter for letter, so makemessages keeps
  them in our catalog (locale/nl), which Django reads before an app's own.
- Rows: the admin names a row by ``str()``. Axes' models answer in English, a
  permission with its stored English name ("Can add client"), a role group with
  its stored name ('owner', 'coach': the role checks read those, so they stay).
  ``install()`` gives these models a display text in the active language, and
  auth's membership tables a name. Display only: nothing stored changes.
"""

from __future__ import annotations

from axes.models import (
    AccessAttempt,
    AccessAttemptExpiration,
    AccessFailureLog,
    AccessLog,
)
from django.contrib.auth.models import Group, Permission
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from refleact.accounts.models import Role, User

_THEIR_STRINGS = (
    # django-axes 8.3 (axes/models.py, axes/admin.py)
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    # Django 5.2's admin index and app list (screen-reader headers), and auth
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop(
        "After you’ve created a user, you’ll be able to edit more user options."
    ),
)

ROLE_GROUP_LABELS = {
    Role.OWNER: gettext_lazy("Owner"),
    Role.COACH: gettext_lazy("Coach"),
}

_PERMISSION_ACTIONS = {
    "add": gettext_lazy("Can add %s"),
    "change": gettext_lazy("Can change %s"),
    "delete": gettext_lazy("Can delete %s"),
    "view": gettext_lazy("Can view %s"),
}


def group_label(group: Group) -> str:
    """The role groups by their name in the active language, others as stored."""
    return str(ROLE_GROUP_LABELS.get(group.name, group.name))


def permission_label(permission: Permission) -> str:
    """A model's standard permissions in the active language ("Can add clients")."""
    content_type = permission.content_type
    action, _sep, model_name = permission.codename.partition("_")
    model = content_type.model_class()
    if action in _PERMISSION_ACTIONS and model and model_name == content_type.model:
        name = _PERMISSION_ACTIONS[action] % model._meta.verbose_name_plural
    else:
        name = _(permission.name)  # a permission of our own: in our catalog
    return f"{content_type} | {name}"


def _when(value) -> str:
    if value is None:
        return "-"
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _attempt(attempt: AccessAttempt) -> str:
    return _("Login attempt of %(time)s") % {"time": _when(attempt.attempt_time)}


def _failure(failure: AccessFailureLog) -> str:
    if failure.locked_out:
        text = _("Failed login of %(time)s, locked out")
    else:
        text = _("Failed login of %(time)s")
    return text % {"time": _when(failure.attempt_time)}


def _login(login: AccessLog) -> str:
    return _("Login of %(time)s") % {"time": _when(login.attempt_time)}


def _expiration(expiration: AccessAttemptExpiration) -> str:
    return _("Expires %(time)s") % {"time": _when(expiration.expires_at)}


def install() -> None:
    """Give the third-party models their display text; see the module docstring."""
    Group.__str__ = group_label
    Permission.__str__ = permission_label
    AccessAttempt.__str__ = _attempt
    AccessFailureLog.__str__ = _failure
    AccessLog.__str__ = _login
    AccessAttemptExpiration.__str__ = _expiration
    # axes' "access log" is also our own access log's msgid (refleact.audit):
    # these rows are logins.
    AccessLog._meta.verbose_name = gettext_lazy("login")
    AccessLog._meta.verbose_name_plural = gettext_lazy("logins")
    memberships = (
        (
            User.groups.through,
            gettext_lazy("group membership"),
            gettext_lazy("group memberships"),
            lambda row: group_label(row.group),
        ),
        (
            User.user_permissions.through,
            gettext_lazy("user permission"),
            gettext_lazy("user permissions"),
            lambda row: str(row.permission),
        ),
        (
            Group.permissions.through,
            gettext_lazy("group permission"),
            gettext_lazy("group permissions"),
            lambda row: str(row.permission),
        ),
    )
    for through, singular, plural, label in memberships:
        through._meta.verbose_name = singular
        through._meta.verbose_name_plural = plural
        through.__str__ = label
