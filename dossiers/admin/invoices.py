"""Invoice pages: drafts, issuing, credit invoices and the PDF."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from dossiers import selectors, services
from dossiers.admin.common import errors_to_messages
from dossiers.forms import InvoiceForm, InvoiceLineForm, euros
from dossiers.models import (
    Invoice,
    InvoiceLine,
    PracticeDetails,
)
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.practiceadmin import PracticeInline, PracticeModelAdmin

# -- invoices ---------------------------------------------------------------------


def totals_table(document) -> str:
    """Render a document's totals as saved; invoice_totals.js updates them live.

    The data attributes carry the translated labels for the script.
    """
    saved = document is not None and not document._state.adding
    lines = list(document.lines.all()) if saved else []
    totals = document.totals(lines) if document else {}
    rows = [(_("Subtotal"), euros(totals.get("subtotal", 0)), "")]
    for vat in totals.get("vat", []):
        label = (
            _("Exempt from VAT")
            if vat["rate"] == "0"
            else _("VAT %(rate)s%%") % {"rate": vat["rate"]}
        )
        rows.append((f"{label} ({euros(vat['base'])})", euros(vat["amount"]), ""))
    rows.append((_("Total"), euros(totals.get("total", 0)), "refleact-total"))
    body = format_html_join(
        "",
        '<tr class="{2}"><th>{0}</th><td class="refleact-amount">{1}</td></tr>',
        ((label, amount, css) for label, amount, css in rows),
    )
    return format_html(
        '<table class="refleact-totals" data-lines-group="lines-group" '
        'data-label-subtotal="{}" data-label-vat="{}" data-label-exempt="{}" '
        'data-label-total="{}" data-label-invalid="{}" data-label-live="{}" '
        'data-label-incomplete="{}"><caption>{}</caption><tbody>{}</tbody></table>',
        _("Subtotal"),
        _("VAT {rate}%"),
        _("Exempt from VAT"),
        _("Total"),
        _("not a valid amount"),
        _("Computed from the lines as typed; saved when you save."),
        _("Some lines are not counted: their amount is not valid."),
        _("As saved"),
        body,
    )


class PricedLineInline(PracticeInline):
    """Lines of an invoice or quote: amounts typed as text, each line's amount shown.

    Subclasses say when the document is final (``locked``): its lines are then
    read-only.
    """

    fields = (
        "position",
        "description",
        "quantity",
        "unit_price",
        "vat_rate",
        "line_amount",
    )
    readonly_fields = ("line_amount",)
    extra = 1
    show_change_link = False

    def locked(self, obj) -> bool:
        raise NotImplementedError

    @admin.display(description=_("amount"))
    def line_amount(self, obj):
        saved = obj is not None and not obj._state.adding
        return euros(obj.amount) if saved else "—"

    def _editable(self, request, obj) -> bool:
        return self._may_use(request) and not (obj is not None and self.locked(obj))

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


class InvoiceLineInline(PricedLineInline):
    model = InvoiceLine
    form = InvoiceLineForm

    def locked(self, obj) -> bool:
        return obj.is_issued


class PaymentFilter(admin.SimpleListFilter):
    """Issued invoices still to be paid, and those past their due date."""

    title = _("payment")
    parameter_name = "payment"

    def lookups(self, request, model_admin):
        return (("unpaid", _("unpaid")), ("overdue", _("overdue")))

    def queryset(self, request, queryset):
        if self.value() not in ("unpaid", "overdue"):
            return queryset
        # A credit invoice and an invoice it cancels are settled by each other.
        unpaid = queryset.filter(
            status=Invoice.Status.ISSUED,
            paid_at=None,
            credit_for=None,
            credited_by=None,
        )
        if self.value() == "overdue":
            unpaid = unpaid.filter(due_date__lt=timezone.localdate())
        return unpaid


@admin.register(Invoice)
class InvoiceAdmin(PracticeModelAdmin):
    selector = staticmethod(selectors.invoices_for_user)
    form = InvoiceForm
    list_display = (
        "__str__",
        "status",
        "billing_name",
        "issue_date",
        "due_date",
        "total",
        "paid_at",
    )
    list_filter = ("status", PaymentFilter)
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
        "billing_source",
        "billing_name",
        "billing_address",
        "reference",
        "service_from",
        "service_until",
        "totals",
        "number",
        "issue_date",
        "due_date",
        "credit_for",
        "paid_at",
        "pdf",
    )
    readonly_fields = (
        "totals",
        "number",
        "issue_date",
        "due_date",
        "credit_for",
        "paid_at",
        "pdf",
    )

    class Media:
        js = ("dossiers/invoice_totals.js",)
        css = {"all": ("dossiers/invoice_totals.css",)}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lines")

    @admin.display(description=_("total"))
    def total(self, obj: Invoice):
        return euros(obj.totals()["total"])

    @admin.display(description=_("totals"))
    def totals(self, obj: Invoice | None):
        return totals_table(obj)

    @admin.display(description=_("PDF"))
    def pdf(self, obj: Invoice):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:dossiers_invoice_pdf", args=[obj.pk])
        link = format_html('<a href="{}">{}</a>', url, _("Download PDF"))
        if obj.is_issued:
            return link
        issue = reverse("admin:dossiers_invoice_issue", args=[obj.pk])
        return format_html(
            '{} · <a class="button" href="{}">{}</a>',
            link,
            issue,
            _("Preview and issue…"),
        )

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            # Set when the invoice is issued or paid: nothing to show while adding.
            later = {"number", "issue_date", "due_date", "credit_for", "paid_at", "pdf"}
            fields = [f for f in fields if f not in later]
        elif obj.is_issued:
            fields = [f for f in fields if f != "billing_source"]  # nothing to take
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # "From the previous invoice" reads only invoices this user may see.
        return type(form.__name__, (form,), {"request_user": request.user})

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
            initial.update(
                services.invoice_billing_defaults(
                    user=request.user, trajectory=trajectory
                )
            )
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

    def _issue(self, request, invoice: Invoice) -> None:
        try:
            issued = services.invoice_issue(
                actor=request.user, invoice=invoice, request=request
            )
            messages.success(
                request, _("Invoice %(number)s issued.") % {"number": issued.number}
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)

    @admin.action(description=_("Issue the selected draft invoices"))
    def issue_invoices(self, request, queryset):
        drafts = list(
            queryset.filter(status=Invoice.Status.DRAFT)
            .order_by("created_at")
            .prefetch_related("lines")
        )
        if request.POST.get("confirm") == "yes":
            for invoice in drafts:
                self._issue(request, invoice)
            return None
        # Issuing cannot be undone (only credited): show what will go out first.
        self.audit_shown(request, AuditEvent.Action.LIST, drafts)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Issue invoices"),
            "opts": self.opts,
            "invoices": [
                (
                    invoice,
                    euros(invoice.totals()["total"]),
                    reverse("admin:dossiers_invoice_pdf", args=[invoice.pk]),
                )
                for invoice in drafts
            ],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/dossiers/invoice/issue_selected.html", context
        )

    def issue_view(self, request, object_id):
        """Show the draft's PDF and, on POST, issue it."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        invoice = self.get_object(request, object_id)
        change_url = reverse("admin:dossiers_invoice_change", args=[invoice.pk])
        if invoice.is_issued:
            messages.info(request, _("This invoice was already issued."))
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            self._issue(request, invoice)
            return HttpResponseRedirect(change_url)
        audit_record(request=request, action=AuditEvent.Action.VIEW, obj=invoice)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Issue invoice"),
            "opts": self.opts,
            "original": invoice,
            "total": euros(invoice.totals()["total"]),
            "pdf_url": reverse("admin:dossiers_invoice_pdf", args=[invoice.pk]),
            "change_url": change_url,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/dossiers/invoice/issue_confirm.html", context
        )

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
            path(
                "<path:object_id>/issue/",
                self.admin_site.admin_view(self.issue_view),
                name="dossiers_invoice_issue",
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
        # The issue confirmation embeds the preview; other sites still cannot.
        response["X-Frame-Options"] = "SAMEORIGIN"
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
