"""The owner resets a staff member's second factor; nobody sees its secrets."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from refleact.twofactor.services import second_factor_reset

# django-otp's own page shows each device's key and QR code to whoever may view
# it; a second factor's secret is for its owner's app only.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.action(description=_("Reset second factor (enrols again at next login)"))
def reset_second_factor(modeladmin, request, queryset) -> None:
    """Remove the selected staff members' second factors; each reset is audited."""
    if not getattr(request.user, "is_owner", False):
        raise PermissionDenied
    count = 0
    for user in queryset:
        second_factor_reset(actor=request.user, user=user, request=request)
        count += 1
    modeladmin.message_user(
        request,
        ngettext(
            "The second factor of %(count)d account was reset.",
            "The second factors of %(count)d accounts were reset.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )
