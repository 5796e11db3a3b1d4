"""The admin's "invite to the portal" action on clients, added from PortalConfig.

clients/admin.py imports nothing of the portal: the action is put on the
registered ClientAdmin once every admin module is loaded (the admin app, first
in INSTALLED_APPS, autodiscovers them before the portal's ready()).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clients.models import Client
from portal import services


@admin.action(description=_("Invite to the client portal"))
def invite_to_portal(modeladmin, request, queryset) -> None:
    """E-mail each selected client a new invitation (the queryset is access-ruled)."""
    invited, refused = 0, []
    for client in queryset:
        try:
            services.account_invite(actor=request.user, client=client, request=request)
        except ValidationError as exc:
            refused.extend(exc.messages)
        else:
            invited += 1
    if invited:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d client invited; the e-mail carries only a link.",
                "%(count)d clients invited; the e-mails carry only a link.",
                invited,
            )
            % {"count": invited},
            messages.SUCCESS,
        )
    for message in sorted(set(refused)):
        modeladmin.message_user(request, message, messages.WARNING)


def install() -> None:
    model_admin = admin.site._registry.get(Client)
    if model_admin is None:
        return
    actions = list(model_admin.actions or [])
    if invite_to_portal not in actions:
        model_admin.actions = [*actions, invite_to_portal]
