"""The coach's side of requests: read, answer, extend once (with a reason)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
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
        "deletion",
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
        "deletion",
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

    @admin.display(description=_("erasure"))
    def deletion(self, obj) -> str:
        if obj.kind != PortalRequest.Kind.DELETION or not obj.is_open:
            return "—"
        url = reverse("admin:portal_portalrequest_approve_deletion", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Approve and erase (owner)"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.approve_deletion_view)
        return [
            path(
                "<path:object_id>/approve-deletion/",
                view,
                name="portal_portalrequest_approve_deletion",
            ),
            *super().get_urls(),
        ]

    def approve_deletion_view(self, request, object_id):
        """Show what approving erases and whether the client downloaded; POST runs it."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        obj = self.get_object(request, object_id)  # access-ruled: outsider 404
        if obj is None or obj.kind != PortalRequest.Kind.DELETION:
            raise Http404
        if not getattr(request.user, "is_owner", False):
            raise PermissionDenied
        changelist = reverse("admin:portal_portalrequest_changelist")
        if request.method == "POST":
            try:
                services.request_deletion_approve(
                    actor=request.user, portal_request=obj, request=request
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return HttpResponseRedirect(changelist)
            messages.success(
                request, _("The client's data was erased; the key is destroyed.")
            )
            return HttpResponseRedirect(changelist)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Approve the deletion request"),
            "row": obj,
            "downloaded": selectors.request_export_downloaded(portal_request=obj),
            "cancel_url": reverse("admin:portal_portalrequest_change", args=[obj.pk]),
        }
        return TemplateResponse(
            request, "admin/portal/portalrequest/approve_deletion.html", context
        )

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
