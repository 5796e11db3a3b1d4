"""Trajectory pages: the trajectory with its dossier, appointments and evaluations inline."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clients import selectors as client_selectors
from clients.models import Client
from dossiers import selectors, services
from dossiers.admin.common import (
    CoachFilter,
    JitsiLinkWidget,
    attachment_link,
    errors_to_messages,
)
from dossiers.admin.intervision import IntervisionViewsMixin
from dossiers.admin.quotes import QuoteInline
from dossiers.models import (
    Appointment,
    DossierEntry,
    Evaluation,
    Invoice,
    StatusChange,
    Trajectory,
)
from dossiers.search import trajectories_search
from refleact.adminsearch import SealedSearchMixin
from refleact.audit.models import AuditEvent
from refleact.practiceadmin import PracticeInline, PracticeModelAdmin

# -- inlines on the trajectory page ------------------------------------------------


class DossierEntryInline(PracticeInline):
    # Collapsible, and open at first (static/refleact/admin.js).
    classes = ("collapse", "start-open")
    model = DossierEntry
    # Author, date and download in one column: the page fits 1366 px.
    fields = ("kind", "title", "body", "attachment", "shared_with_client", "written")
    readonly_fields = ("written",)

    @admin.display(description=_("written"))
    def written(self, obj):
        if obj is None or obj._state.adding:
            return "—"
        return format_html(
            "{}<br>{}<br>{}",
            str(obj.author or "—"),
            date_format(timezone.localtime(obj.created_at), "SHORT_DATETIME_FORMAT"),
            attachment_link(obj),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    @admin.display(description=_("download"))
    def download(self, obj):
        return attachment_link(obj)

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {})["body"] = forms.Textarea(
            attrs={"rows": 4, "cols": 40}
        )
        return super().get_formset(request, obj, **kwargs)

    def has_add_permission(self, request, obj=None):
        coaching = obj is None or obj.kind == Trajectory.Kind.COACHING
        return coaching and super().has_add_permission(request, obj)


class AppointmentInline(PracticeInline):
    # Collapsible, and open at first (static/refleact/admin.js).
    classes = ("collapse", "start-open")
    model = Appointment
    fields = ("starts_at", "duration_minutes", "place", "video_link", "note")
    readonly_fields = ("cancelled_at",)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and obj.is_closed:
            fields.append("cancelled_at")  # closing cancelled the future ones
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {}).update(
            {
                "video_link": JitsiLinkWidget(attrs={"size": 30}),
                "note": forms.Textarea(attrs={"rows": 2, "cols": 30}),
            }
        )
        return super().get_formset(request, obj, **kwargs)


class EvaluationInlineForm(forms.ModelForm):
    """A saved evaluation's participant is shown, never changed.

    It is sealed under that participant's key (dossiers.services.evaluation_save),
    so the choice is fixed once saved. Shown read-only, it is also not checked
    against the choice list of the moment: a participant since removed from the
    training kept every later save of the trajectory page from going through.

    Removing someone from a training keeps the evaluations asked of them: they
    are theirs (in their portal, under their key) and part of the training's
    record, and go with the training's retention or with the participant's
    erasure (dossiers_erase deletes every evaluation by holder;
    dossiers.participants.participant_erase on an approved deletion request).
    Their row says "former participant".
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("participant")
        if field is None or self.instance._state.adding:
            return
        field.disabled = True
        chosen = self.instance.participant_id
        # Only the saved choice, so the disabled field's initial value cleans.
        field.queryset = Client.objects.filter(pk=chosen)
        trajectory = self.instance.trajectory
        if chosen and not trajectory.participants.filter(pk=chosen).exists():
            field.label_from_instance = lambda client: (
                _("%(name)s (former participant)") % {"name": client}
            )


class EvaluationInline(PracticeInline):
    # Collapsible, and open at first (static/refleact/admin.js).
    classes = ("collapse", "start-open")
    model = Evaluation
    fields = (
        "moment",
        "participant",
        "questions",
        "answers",
        "requested_at",
        "submitted_at",
    )
    # One text field per moment ("02-12-2026 16:00"): two date-and-time pickers
    # side by side made the row wider than the page.
    formfield_overrides = {
        models.DateTimeField: {
            "form_class": forms.DateTimeField,
            "widget": forms.DateTimeInput(attrs={"size": 16}),
        }
    }

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {}).update(
            {
                "questions": forms.Textarea(attrs={"rows": 3, "cols": 30}),
                "answers": forms.Textarea(attrs={"rows": 3, "cols": 30}),
            }
        )
        kwargs.setdefault("form", EvaluationInlineForm)
        formset = super().get_formset(request, obj, **kwargs)
        # A new row offers only this training's participants whom the user may
        # see; none for a trajectory without participants.
        field = formset.form.base_fields.get("participant")
        if field is not None:
            visible = client_selectors.clients_for_user(user=request.user)
            field.queryset = (
                obj.participants.filter(pk__in=visible.values("pk"))
                if obj is not None and obj.pk
                else visible.none()
            )
        return formset

    def get_queryset(self, request):
        # An evaluation asked of a participant this user may not see is left
        # out, answers and all (dossiers.selectors.evaluations_for_user); the
        # formset saves only the rows it shows, so those stay as they are.
        visible = selectors.evaluations_for_user(user=request.user)
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=visible.values("pk"))
            .select_related("participant")
        )

    def has_add_permission(self, request, obj=None):
        # Evaluations are asked during and after: also once the trajectory closed.
        return self._may_use(request)

    def has_change_permission(self, request, obj=None):
        return self._may_use(request)


class StatusChangeInline(PracticeInline):
    # Collapsible, and closed at first: looked at less often than the dossier.
    classes = ("collapse",)
    model = StatusChange
    show_change_link = False
    fields = ("status", "changed_at", "by")
    readonly_fields = fields

    @admin.display(description=_("by"))
    def by(self, obj):
        return str(obj.changed_by or "—")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    extra = 0
    can_delete = False
    verbose_name_plural = _("status history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceInline(PracticeInline):
    # Collapsible, and closed at first: looked at less often than the dossier.
    classes = ("collapse",)
    model = Invoice
    show_change_link = False
    fields = ("link", "status", "issue_date", "paid_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("invoice"))
    def link(self, obj):
        url = reverse("admin:dossiers_invoice_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, str(obj))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# -- trajectories ---------------------------------------------------------------


class TrajectoryForm(forms.ModelForm):
    class Meta:
        model = Trajectory
        fields = (
            "kind",
            "client",
            "organisation",
            "participants",
            "coach",
            "learning_question",
            "status",
            "start_date",
            "end_date",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            # Closing goes through the close action, which asks about retention.
            self.fields["status"].choices = [
                c
                for c in self.fields["status"].choices
                if c[0] != Trajectory.Status.CLOSED
            ]

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        instance = self.instance
        if (
            instance.pk
            and kind != Trajectory.Kind.COACHING
            and instance.entries.exists()
        ):
            raise forms.ValidationError(
                _("This trajectory has dossier entries, which belong to coaching.")
            )
        return kind


# What happens at the due date, for the message after closing.
RETENTION_DONE = {
    Trajectory.Retention.DELETE: _("deleted"),
    Trajectory.Retention.PSEUDONYMISE: _("pseudonymised"),
}


class CloseForm(forms.Form):
    retention = forms.ChoiceField(
        label=_("What happens to the personal data at closing?"),
        choices=Trajectory.Retention.choices,
        widget=forms.RadioSelect,
    )


@admin.register(Trajectory)
class TrajectoryAdmin(IntervisionViewsMixin, SealedSearchMixin, PracticeModelAdmin):
    selector = staticmethod(selectors.trajectories_for_user)
    form = TrajectoryForm
    list_display = (
        "__str__",
        "kind",
        "coach",
        "status",
        "status_changed_at",
        "last_activity_at",
    )
    list_filter = ("status", "kind", CoachFilter)
    list_select_related = ("client", "organisation", "coach")
    search_fields = ("client__name_index",)
    search_help_text = _(
        "Search by any part of the client's name, e-mail address or phone "
        "number, or of the organisation's name."
    )
    ordering = ("-last_activity_at",)
    sortable_by = ("kind", "status", "status_changed_at", "last_activity_at")
    # Participants by autocomplete: a list of every client to pick from would put
    # all their names on every trajectory page.
    autocomplete_fields = ("client", "organisation", "participants")
    inlines = (
        DossierEntryInline,
        AppointmentInline,
        EvaluationInline,
        QuoteInline,
        InvoiceInline,
        StatusChangeInline,
    )
    actions = ("close_trajectories",)
    readonly_fields = ("retention", "closed_at", "retention_due_on")

    def search(self, *, request, queryset, term):
        return trajectories_search(user=request.user, term=term)

    def get_fieldsets(self, request, obj=None):
        main = [
            "kind",
            "client",
            "coach",
            "learning_question",
            "status",
            "start_date",
            "end_date",
        ]
        if obj is not None and obj.is_closed:
            main += ["retention", "closed_at", "retention_due_on"]
        return [
            (None, {"fields": main}),
            (
                _("Training for an organisation"),
                {"fields": ["organisation", "participants"], "classes": ["collapse"]},
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Its rows are sealed with this client's (or organisation's) key: the
            # owner of a trajectory never changes, or shredding would miss data.
            fields += ["client", "organisation"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_closed:
            return False  # a closed trajectory is read-only; its retention is recorded
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "client":
            kwargs["queryset"] = client_selectors.clients_for_user(user=request.user)
        elif db_field.name == "organisation":
            kwargs["queryset"] = client_selectors.organisations_for_user(
                user=request.user
            )
        elif db_field.name == "coach":
            kwargs["queryset"] = client_selectors.coaches_for_user(user=request.user)
            kwargs.setdefault(
                "initial", request.user.pk if request.user.is_coach else None
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "participants":
            kwargs["queryset"] = client_selectors.clients_for_user(user=request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.trajectory_save(actor=request.user, trajectory=obj, request=request)

    def save_related(self, request, form, formsets, change):
        # The participants field offers only clients this user may see; keep the
        # participants someone else added that this user cannot see.
        hidden = []
        if change and "participants" in form.cleaned_data:
            visible = client_selectors.clients_for_user(user=request.user)
            hidden = list(
                form.instance.participants.exclude(pk__in=visible.values("pk"))
            )
        super().save_related(request, form, formsets, change)
        if hidden:
            form.instance.participants.add(*hidden)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.trajectory_child_delete(
                actor=request.user, obj=obj, request=request
            )
        for obj in instances:
            if isinstance(obj, DossierEntry):
                services.dossier_entry_save(
                    actor=request.user, entry=obj, request=request
                )
            elif isinstance(obj, Appointment):
                services.appointment_save(
                    actor=request.user, appointment=obj, request=request
                )
            elif isinstance(obj, Evaluation):
                services.evaluation_save(
                    actor=request.user, evaluation=obj, request=request
                )
        formset.save_m2m()

    def delete_model(self, request, obj):
        services.trajectory_delete(actor=request.user, trajectory=obj, request=request)

    @admin.action(description=_("Close the selected trajectories"))
    def close_trajectories(self, request, queryset):
        open_ones = queryset.exclude(status=Trajectory.Status.CLOSED)
        form = CloseForm(request.POST if "retention" in request.POST else None)
        if form.is_bound and form.is_valid():
            closed = 0
            for trajectory in open_ones:
                try:
                    services.trajectory_close(
                        actor=request.user,
                        trajectory=trajectory,
                        retention=form.cleaned_data["retention"],
                        request=request,
                    )
                    closed += 1
                except ValidationError as exc:
                    errors_to_messages(request, exc)
            messages.success(
                request,
                ngettext(
                    "%(count)d trajectory was closed.",
                    "%(count)d trajectories were closed.",
                    closed,
                )
                % {"count": closed},
            )
            return None
        return self._close_confirmation(request, open_ones, form)

    def _close_confirmation(self, request, trajectories, form, *, page=None):
        """Render the one confirmation both ways of closing use (action and page).

        ``page``: the trajectory whose own page asked; None for the list action.
        """
        shown = list(trajectories.select_related("client", "organisation"))
        # The confirmation names each trajectory's client.
        self.audit_shown(request, AuditEvent.Action.LIST, shown)
        now = timezone.now()
        cancelled = dict(
            Appointment.objects.filter(
                trajectory__in=[t.pk for t in shown],
                starts_at__gte=now,
                cancelled_at=None,
            )
            .values_list("trajectory")
            .annotate(count=Count("pk"))
        )
        change_url = (
            reverse("admin:dossiers_trajectory_change", args=[page.pk])
            if page is not None
            else None
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Close trajectory") if page else _("Close trajectories"),
            "opts": self.opts,
            "form": form,
            "trajectories": shown,
            "rows": [(t, cancelled.get(t.pk, 0)) for t in shown],
            "appointments_cancelled": sum(cancelled.values()),
            "retention_due_on": services.trajectory_retention_due_on(now=now),
            "grace_days": settings.RETENTION_GRACE_DAYS,
            "page": page,
            "cancel_url": change_url or reverse("admin:dossiers_trajectory_changelist"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/dossiers/trajectory/close.html", context
        )

    # -- closing and reopening from the trajectory's own page ----------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/close/",
                self.admin_site.admin_view(self.close_view),
                name="dossiers_trajectory_close",
            ),
            path(
                "<path:object_id>/reopen/",
                self.admin_site.admin_view(self.reopen_view),
                name="dossiers_trajectory_reopen",
            ),
            *self.intervision_urls(),
            *super().get_urls(),
        ]

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None and obj.kind == Trajectory.Kind.COACHING and obj.client_id:
            # An anonymous case for intervision, from the trajectory's entries.
            context["intervision_url"] = reverse(
                "admin:dossiers_trajectory_intervision", args=[obj.pk]
            )
        if obj is not None and not obj.is_closed:
            if self.has_change_permission(request, obj):
                context["close_url"] = reverse(
                    "admin:dossiers_trajectory_close", args=[obj.pk]
                )
        elif obj is not None and self._may_use(request):
            if services.trajectory_reopen_refusal(trajectory=obj) is None:
                context["reopen_url"] = reverse(
                    "admin:dossiers_trajectory_reopen", args=[obj.pk]
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def close_view(self, request, object_id):
        """Ask how to close one trajectory (GET), or close it (POST)."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        trajectory = self.get_object(request, object_id)  # 404 outside the rule
        change_url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
        if trajectory.is_closed:
            messages.info(request, _("This trajectory is already closed."))
            return HttpResponseRedirect(change_url)
        if not self.has_change_permission(request, trajectory):
            raise PermissionDenied
        form = CloseForm(request.POST if request.method == "POST" else None)
        if not form.is_valid():
            return self._close_confirmation(
                request,
                Trajectory.objects.filter(pk=trajectory.pk),
                form,
                page=trajectory,
            )
        try:
            closed = services.trajectory_close(
                actor=request.user,
                trajectory=trajectory,
                retention=form.cleaned_data["retention"],
                request=request,
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
            return HttpResponseRedirect(change_url)
        messages.success(
            request,
            _(
                "The trajectory is closed. Its personal data will be %(what)s on "
                "%(date)s; until then you can reopen it."
            )
            % {
                "what": RETENTION_DONE[closed.retention],
                "date": date_format(closed.retention_due_on, "DATE_FORMAT"),
            },
        )
        return HttpResponseRedirect(change_url)

    def reopen_view(self, request, object_id):
        """Reopen a closed trajectory within its grace period (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        trajectory = self.get_object(request, object_id)  # 404 outside the rule
        if not self._may_use(request):
            raise PermissionDenied
        try:
            services.trajectory_reopen(
                actor=request.user, trajectory=trajectory, request=request
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("The trajectory is open again."))
        return HttpResponseRedirect(
            reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
        )
