"""The pages of a trajectory's dossier entries, appointments and evaluations."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from dossiers import selectors, services
from dossiers.admin.common import JitsiLinkWidget, attachment_link, video_call_link
from dossiers.models import (
    Appointment,
    DossierEntry,
    Evaluation,
    Trajectory,
)
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.crypto.errors import DecryptionError
from refleact.crypto.files import SealedFile, file_response
from refleact.practiceadmin import PracticeModelAdmin

# -- dossier entries ----------------------------------------------------------------


class TrajectoryChildAdmin(PracticeModelAdmin):
    autocomplete_fields = ("trajectory",)
    # The pages name the trajectory, "Coaching: <client's name>".
    audit_related = ("trajectory__client", "trajectory__organisation")
    list_select_related = (
        "trajectory",
        "trajectory__client",
        "trajectory__organisation",
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "trajectory":
            queryset = selectors.trajectories_for_user(user=request.user).exclude(
                status=Trajectory.Status.CLOSED
            )
            if self.model is DossierEntry:
                queryset = queryset.filter(kind=Trajectory.Kind.COACHING)
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("trajectory")  # a row's holder never changes
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.trajectory.is_closed:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.trajectory.is_closed:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.trajectory_child_delete(actor=request.user, obj=obj, request=request)


@admin.register(DossierEntry)
class DossierEntryAdmin(TrajectoryChildAdmin):
    selector = staticmethod(selectors.entries_for_user)
    list_display = ("title", "kind", "trajectory", "author", "created_at")
    list_filter = ("kind",)
    list_select_related = (
        "trajectory",
        "trajectory__client",
        "trajectory__organisation",
        "author",
    )
    ordering = ("-created_at",)
    sortable_by = ("kind", "created_at")
    fields = (
        "trajectory",
        "kind",
        "title",
        "body",
        "attachment",
        "shared_with_client",
        "download",
        "author",
        "created_at",
    )
    readonly_fields = ("download", "author", "created_at")

    @admin.display(description=_("download"))
    def download(self, obj):
        return attachment_link(obj)

    def save_model(self, request, obj, form, change):
        services.dossier_entry_save(actor=request.user, entry=obj, request=request)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/attachment/",
                self.admin_site.admin_view(self.attachment_view),
                name="dossiers_dossierentry_attachment",
            ),
            *super().get_urls(),
        ]

    def attachment_view(self, request, object_id):
        if request.method != "GET":
            from django.http import HttpResponseNotAllowed

            return HttpResponseNotAllowed(["GET"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        entry = self.get_object(request, object_id)  # 404 outside the access rule
        if not isinstance(entry.attachment, SealedFile):
            raise Http404  # no attachment, or erased with its holder's key
        audit_record(request=request, action=AuditEvent.Action.DOWNLOAD, obj=entry)
        try:
            return file_response(entry.attachment)
        except DecryptionError:
            # The stored file is damaged or was tampered with: say so, never a 500.
            return HttpResponse(
                _("This attachment cannot be opened: its stored file is damaged."),
                status=409,
                content_type="text/plain; charset=utf-8",
            )


@admin.register(Appointment)
class AppointmentAdmin(TrajectoryChildAdmin):
    selector = staticmethod(selectors.appointments_for_user)
    list_display = ("__str__", "trajectory", "duration_minutes", "video_call")
    date_hierarchy = "starts_at"
    ordering = ("starts_at",)
    sortable_by = ("starts_at", "duration_minutes")
    fields = (
        "trajectory",
        "starts_at",
        "duration_minutes",
        "place",
        "video_link",
        "note",
        "cancelled_at",
    )
    readonly_fields = ("cancelled_at",)

    @admin.display(description=_("video call"))
    def video_call(self, obj):
        return video_call_link(obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "video_link":
            kwargs["widget"] = JitsiLinkWidget(attrs={"size": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.appointment_save(actor=request.user, appointment=obj, request=request)


@admin.register(Evaluation)
class EvaluationAdmin(TrajectoryChildAdmin):
    selector = staticmethod(selectors.evaluations_for_user)
    list_display = ("__str__", "trajectory", "moment", "submitted_at")
    list_filter = ("moment",)
    ordering = ("-requested_at",)
    sortable_by = ("moment", "submitted_at")
    fields = (
        "trajectory",
        "moment",
        "questions",
        "answers",
        "requested_at",
        "submitted_at",
    )

    def has_change_permission(self, request, obj=None):
        return PracticeModelAdmin.has_change_permission(self, request, obj)

    def save_model(self, request, obj, form, change):
        services.evaluation_save(actor=request.user, evaluation=obj, request=request)
