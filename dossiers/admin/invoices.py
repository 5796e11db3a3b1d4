"""Invoice pages: drafts, issuing, credit invoices and the PDF."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dossiers import selectors, services
from dossiers.admin.common import errors_to_messages
from dossiers.models import (
    Invoice,
    InvoiceLine,
    PracticeDetails,
)
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.practiceadmin import PracticeInline, PracticeModelAdmin

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
    # An invoice is the client's: its billing name and its trajectory name them.
    audit_related = ("trajectory__client", "trajectory__organisation")
    list_select_related = audit_related
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
                errors_to_messages(request, exc)

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
                errors_to_messages(request, exc)

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
        self.audit_shown(request, AuditEvent.Action.EXPORT, [invoice])
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
