"""The coach's side of requests: read, answer, extend once (with a reason)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import selectors, services
from portal.models import PortalRequest
from refleact.practiceadmin import PracticeModelAdmin


class RequestAnswerForm(forms.ModelForm):
    new_due_on = forms.DateField(
        label=_("extend the deadline to"),
        required=False,
        help_text=_("Once, by up to two further months; the client sees the reason."),
    )

    class Meta:
        model = PortalRequest
        fields = ("answer", "extension_reason")


@admin.register(PortalRequest)
class PortalRequestAdmin(PracticeModelAdmin):
    selector = staticmethod(selectors.requests_for_user)
    form = RequestAnswerForm
    list_display = ("__str__", "kind", "status", "received_at", "due_on", "time_left")
    list_filter = ("status", "kind")
    ordering = ("status", "due_on")
    readonly_fields = (
        "client",
        "kind",
        "text",
        "status",
        "received_at",
        "due_on",
        "extended_at",
        "answered_at",
    )
    fields = (
        "client",
        "kind",
        "text",
        "status",
        "received_at",
        "due_on",
        "new_due_on",
        "extension_reason",
        "extended_at",
        "answer",
        "answered_at",
    )

    def has_add_permission(self, request) -> bool:
        return False  # requests come from the client, in the portal

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a request is evidence of how it was handled (GDPR art. 5(2))

    @admin.display(description=_("time left"))
    def time_left(self, obj) -> str:
        if not obj.is_open:
            return "—"
        days = (obj.due_on - timezone.localdate()).days
        if days < 0:
            return _("overdue by %(days)d days") % {"days": -days}
        return _("%(days)d days") % {"days": days}

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        original = PortalRequest.objects.get(pk=obj.pk)
        try:
            if data.get("new_due_on"):
                services.request_extend(
                    actor=request.user,
                    portal_request=original,
                    due_on=data["new_due_on"],
                    reason=data.get("extension_reason", ""),
                    request=request,
                )
            if data.get("answer") and original.is_open:
                services.request_answer(
                    actor=request.user,
                    portal_request=original,
                    answer=data["answer"],
                    request=request,
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
