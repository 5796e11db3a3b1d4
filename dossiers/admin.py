"""The coach's cockpit for trajectories, dossiers, appointments, evaluations and invoices."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from clients import selectors as client_selectors
from clients.admin import blind_search
from dossiers import selectors, services
from dossiers.models import (
    Appointment,
    DossierEntry,
    Evaluation,
    Invoice,
    InvoiceLine,
    PracticeDetails,
    StatusChange,
    Trajectory,
)
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.crypto.errors import DecryptionError
from refleact.crypto.files import SealedFile, file_response
from refleact.practiceadmin import PracticeInline, PracticeModelAdmin


def _errors_to_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class CoachFilter(admin.SimpleListFilter):
    title = _("coach")
    parameter_name = "coach"

    def lookups(self, request, model_admin):
        return [
            (str(u.pk), u.username)
            for u in client_selectors.coaches_for_user(user=request.user)
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(coach__pk=self.value())
        return queryset


class JitsiLinkWidget(forms.TextInput):
    """A text input with a button that fills in a fresh, random Jitsi room URL."""

    template_name = "admin/dossiers/jitsi_link_widget.html"

    class Media:
        js = ("refleact/jitsi.js",)


def attachment_link(entry: DossierEntry):
    if (
        entry is None
        or entry.pk is None
        or not isinstance(entry.attachment, SealedFile)
    ):
        return "—"  # none, or erased with its holder's key
    url = reverse("admin:dossiers_dossierentry_attachment", args=[entry.pk])
    return format_html(
        '<a href="{}">{}</a> ({} kB)',
        url,
        entry.attachment.filename,
        max(1, entry.attachment.size // 1024),
    )


# -- inlines on the trajectory page ------------------------------------------------


class DossierEntryInline(PracticeInline):
    model = DossierEntry
    fields = (
        "kind",
        "title",
        "body",
        "attachment",
        "download",
        "written_by",
        "created_at",
    )
    readonly_fields = ("download", "written_by", "created_at")

    @admin.display(description=_("author"))
    def written_by(self, obj):
        return str(obj.author or "—") if obj and obj.pk else "—"

    def created_at(self, obj):
        return obj.created_at if obj and obj.pk else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    @admin.display(description=_("download"))
    def download(self, obj):
        return attachment_link(obj)

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {})["body"] = forms.Textarea(
            attrs={"rows": 4, "cols": 50}
        )
        return super().get_formset(request, obj, **kwargs)

    def has_add_permission(self, request, obj=None):
        coaching = obj is None or obj.kind == Trajectory.Kind.COACHING
        return coaching and super().has_add_permission(request, obj)


class AppointmentInline(PracticeInline):
    model = Appointment
    fields = ("starts_at", "duration_minutes", "place", "video_link", "note")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {}).update(
            {
                "video_link": JitsiLinkWidget(attrs={"size": 50}),
                "note": forms.Textarea(attrs={"rows": 2, "cols": 30}),
            }
        )
        return super().get_formset(request, obj, **kwargs)


class EvaluationInline(PracticeInline):
    model = Evaluation
    fields = ("moment", "questions", "answers", "requested_at", "submitted_at")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {}).update(
            {
                "questions": forms.Textarea(attrs={"rows": 3, "cols": 30}),
                "answers": forms.Textarea(attrs={"rows": 3, "cols": 30}),
            }
        )
        return super().get_formset(request, obj, **kwargs)

    def has_add_permission(self, request, obj=None):
        # Evaluations are asked during and after: also once the trajectory closed.
        return self._may_use(request)

    def has_change_permission(self, request, obj=None):
        return self._may_use(request)


class StatusChangeInline(PracticeInline):
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


class CloseForm(forms.Form):
    retention = forms.ChoiceField(
        label=_("What happens to the personal data at closing?"),
        choices=Trajectory.Retention.choices,
        widget=forms.RadioSelect,
    )


@admin.register(Trajectory)
class TrajectoryAdmin(PracticeModelAdmin):
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
    search_help_text = _("Search by the client's e-mail address or names.")
    ordering = ("-last_activity_at",)
    sortable_by = ("kind", "status", "status_changed_at", "last_activity_at")
    autocomplete_fields = ("client", "organisation")
    filter_horizontal = ("participants",)
    inlines = (
        DossierEntryInline,
        AppointmentInline,
        EvaluationInline,
        InvoiceInline,
        StatusChangeInline,
    )
    actions = ("close_trajectories",)
    readonly_fields = ("retention", "closed_at")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        clients = blind_search(
            client_selectors.clients_for_user(user=request.user),
            term,
            email_index="email_index",
            name_index="name_index",
        )
        return queryset.filter(client__in=clients.values("pk")), False

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
            main += ["retention", "closed_at"]
        return [
            (None, {"fields": main}),
            (
                _("Training for an organisation"),
                {"fields": ["organisation", "participants"], "classes": ["collapse"]},
            ),
        ]

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
        with transaction.atomic():
            audit_record(request=request, action=AuditEvent.Action.DELETE, obj=obj)
            obj.delete()

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
                    _errors_to_messages(request, exc)
            messages.success(
                request, _("%(count)d trajectories were closed.") % {"count": closed}
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Close trajectories"),
            "opts": self.opts,
            "form": form,
            "trajectories": open_ones,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/dossiers/trajectory/close.html", context
        )


# -- dossier entries ----------------------------------------------------------------


class TrajectoryChildAdmin(PracticeModelAdmin):
    autocomplete_fields = ("trajectory",)
    list_select_related = (
        "trajectory",
        "trajectory__client",
        "trajectory__organisation",
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "trajectory":
            kwargs["queryset"] = selectors.trajectories_for_user(
                user=request.user
            ).exclude(status=Trajectory.Status.CLOSED)
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
    list_display = ("__str__", "trajectory", "duration_minutes")
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
    )

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


# -- invoices ---------------------------------------------------------------------


class InvoiceLineInline(PracticeInline):
    model = InvoiceLine
    fields = ("position", "description", "quantity", "unit_price", "vat_rate")
    extra = 1
    show_change_link = False

    def _editable(self, request, obj) -> bool:
        return self._may_use(request) and not (obj is not None and obj.is_issued)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


@admin.register(Invoice)
class InvoiceAdmin(PracticeModelAdmin):
    selector = staticmethod(selectors.invoices_for_user)
    list_display = (
        "__str__",
        "status",
        "billing_name",
        "issue_date",
        "total",
        "paid_at",
    )
    list_filter = ("status",)
    ordering = ("-created_at",)
    sortable_by = ("status", "issue_date", "paid_at")
    inlines = (InvoiceLineInline,)
    autocomplete_fields = ("trajectory",)
    actions = ("issue_invoices", "credit_invoices", "mark_paid")
    fields = (
        "trajectory",
        "billing_name",
        "billing_address",
        "reference",
        "number",
        "issue_date",
        "due_date",
        "credit_for",
        "paid_at",
        "pdf",
    )
    readonly_fields = (
        "number",
        "issue_date",
        "due_date",
        "credit_for",
        "paid_at",
        "pdf",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lines")

    @admin.display(description=_("total"))
    def total(self, obj: Invoice):
        return obj.totals()["total"]

    @admin.display(description=_("PDF"))
    def pdf(self, obj: Invoice):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:dossiers_invoice_pdf", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download PDF"))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        trajectory_id = request.GET.get("trajectory")
        if trajectory_id:
            try:
                trajectory = selectors.trajectory_get_for_user(
                    user=request.user, pk=trajectory_id
                )
            except Exception:  # noqa: BLE001  (a bad id in the URL just gives no defaults)
                return initial
            initial.update(services.invoice_billing_defaults(trajectory=trajectory))
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "trajectory":
            kwargs["queryset"] = selectors.trajectories_for_user(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return False  # issued: corrected by a credit invoice, never edited
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(status=Invoice.Status.ISSUED).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def delete_model(self, request, obj):
        if obj.is_issued:
            raise PermissionDenied
        with transaction.atomic():
            audit_record(request=request, action=AuditEvent.Action.DELETE, obj=obj)
            obj.delete()

    def save_model(self, request, obj, form, change):
        services.invoice_save(actor=request.user, invoice=obj, request=request)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            services.invoice_line_save(line=obj)

    @admin.action(description=_("Issue the selected draft invoices"))
    def issue_invoices(self, request, queryset):
        for invoice in queryset.filter(status=Invoice.Status.DRAFT).order_by(
            "created_at"
        ):
            try:
                issued = services.invoice_issue(
                    actor=request.user, invoice=invoice, request=request
                )
                messages.success(
                    request, _("Invoice %(number)s issued.") % {"number": issued.number}
                )
            except ValidationError as exc:
                _errors_to_messages(request, exc)

    @admin.action(description=_("Credit the selected issued invoices"))
    def credit_invoices(self, request, queryset):
        for invoice in queryset:
            try:
                credit = services.invoice_credit(
                    actor=request.user, invoice=invoice, request=request
                )
                messages.success(
                    request,
                    _("Credit invoice %(number)s issued.") % {"number": credit.number},
                )
            except ValidationError as exc:
                _errors_to_messages(request, exc)

    @admin.action(description=_("Mark the selected invoices as paid today"))
    def mark_paid(self, request, queryset):
        for invoice in queryset.filter(status=Invoice.Status.ISSUED, paid_at=None):
            services.invoice_mark_paid(
                actor=request.user,
                invoice=invoice,
                paid_on=timezone.localdate(),
                request=request,
            )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="dossiers_invoice_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, object_id):
        from dossiers.invoice_pdf import invoice_pdf

        if request.method != "GET":
            from django.http import HttpResponseNotAllowed

            return HttpResponseNotAllowed(["GET"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        invoice = self.get_object(request, object_id)
        audit_record(request=request, action=AuditEvent.Action.EXPORT, obj=invoice)
        response = HttpResponse(
            invoice_pdf(invoice=invoice), content_type="application/pdf"
        )
        name = invoice.number or "concept"
        response["Content-Disposition"] = f'inline; filename="factuur-{name}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(PracticeDetails)
class PracticeDetailsAdmin(admin.ModelAdmin):
    """The practice's own details: one row, edited by the owner."""

    def _owner(self, request) -> bool:
        return getattr(request.user, "is_owner", False)

    def has_module_permission(self, request):
        return self._owner(request)

    def has_view_permission(self, request, obj=None):
        return self._owner(request)

    def has_change_permission(self, request, obj=None):
        return self._owner(request)

    def has_add_permission(self, request):
        return self._owner(request) and not PracticeDetails.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
