"""Quote pages: lines with live totals, the PDF, acceptance, and lines to an invoice."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dossiers import quote_services, selectors
from dossiers.admin.common import errors_to_messages
from dossiers.admin.invoices import PricedLineInline, totals_table
from dossiers.forms import QuoteForm, QuoteLineForm, euros
from dossiers.invoice_pdf import quote_pdf
from dossiers.models import Quote, QuoteLine, Trajectory
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.practiceadmin import PracticeInline, PracticeModelAdmin


class QuoteLineInline(PricedLineInline):
    model = QuoteLine
    form = QuoteLineForm

    def locked(self, obj) -> bool:
        return obj.is_accepted


@admin.register(Quote)
class QuoteAdmin(PracticeModelAdmin):
    selector = staticmethod(selectors.quotes_for_user)
    form = QuoteForm
    list_display = ("__str__", "trajectory", "status", "valid_until", "total")
    list_filter = ("status",)
    list_select_related = ("trajectory__client", "trajectory__organisation")
    ordering = ("-created_at",)
    sortable_by = ("status", "valid_until")
    inlines = (QuoteLineInline,)
    autocomplete_fields = ("trajectory",)
    fields = (
        "trajectory",
        "billing_name",
        "billing_address",
        "valid_until",
        "totals",
        "status",
        "accepted_at",
        "next_steps",
    )
    readonly_fields = ("totals", "status", "accepted_at", "next_steps")

    class Media:
        js = ("dossiers/invoice_totals.js",)
        css = {"all": ("dossiers/invoice_totals.css",)}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lines")

    @admin.display(description=_("total"))
    def total(self, obj: Quote):
        return euros(obj.totals()["total"])

    @admin.display(description=_("totals"))
    def totals(self, obj: Quote | None):
        return totals_table(obj)

    @admin.display(description=_("next steps"))
    def next_steps(self, obj: Quote | None):
        if obj is None or obj._state.adding:
            return "—"
        pdf = format_html(
            '<a href="{}">{}</a>',
            reverse("admin:dossiers_quote_pdf", args=[obj.pk]),
            _("Download PDF"),
        )
        if obj.is_accepted:
            action, label = "invoice", _("Copy the lines to a new invoice")
        else:
            action, label = "accept", _("Mark as accepted")
        # A POST from the page's own form: the buttons name the step by formaction.
        url = reverse(f"admin:dossiers_quote_{action}", args=[obj.pk])
        return format_html(
            '{} · <button type="submit" class="button" formaction="{}" '
            'formnovalidate name="_quote_step">{}</button>',
            pdf,
            url,
            label,
        )

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
            who = trajectory.organisation or trajectory.client
            initial["billing_name"] = (
                getattr(who, "billing_name", "") or str(who) if who else ""
            )
            initial["billing_address"] = getattr(who, "billing_address", "")
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "trajectory":
            kwargs["queryset"] = selectors.trajectories_for_user(
                user=request.user
            ).filter(status=Trajectory.Status.QUOTE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("trajectory")  # its holder key seals the quote
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_accepted:
            return False  # what was accepted stays as it was
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        quote_services.quote_save(actor=request.user, quote=obj, request=request)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for line in formset.deleted_objects:
            quote_services.quote_line_delete(line=line)
        for line in instances:
            quote_services.quote_line_save(line=line)

    def delete_model(self, request, obj):
        if obj.is_accepted:
            raise PermissionDenied
        audit_record(request=request, action=AuditEvent.Action.DELETE, obj=obj)
        obj.delete()

    # -- the quote's own steps -----------------------------------------------------

    def get_urls(self):
        def view(fn, name):
            return path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(fn),
                name=f"dossiers_quote_{name}",
            )

        return [
            view(self.pdf_view, "pdf"),
            view(self.accept_view, "accept"),
            view(self.invoice_view, "invoice"),
            *super().get_urls(),
        ]

    def _quote(self, request, object_id) -> Quote:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.get_object(request, object_id)

    def pdf_view(self, request, object_id):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        quote = self._quote(request, object_id)
        audit_record(request=request, action=AuditEvent.Action.EXPORT, obj=quote)
        response = HttpResponse(quote_pdf(quote=quote), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="offerte-{str(quote.pk)[:8]}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def accept_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        quote = self._quote(request, object_id)
        try:
            quote_services.quote_accept(
                actor=request.user, quote=quote, request=request
            )
            messages.success(
                request, _("The quote was accepted; the trajectory is now planned.")
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        return HttpResponseRedirect(
            reverse("admin:dossiers_quote_change", args=[quote.pk])
        )

    def invoice_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        quote = self._quote(request, object_id)
        try:
            invoice = quote_services.quote_lines_to_invoice(
                actor=request.user, quote=quote, request=request
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
            return HttpResponseRedirect(
                reverse("admin:dossiers_quote_change", args=[quote.pk])
            )
        messages.success(
            request,
            _("A draft invoice with the quote's lines was made; add the service date."),
        )
        return HttpResponseRedirect(
            reverse("admin:dossiers_invoice_change", args=[invoice.pk])
        )


class QuoteInline(PracticeInline):
    """The trajectory's quotes, each a link to its own page, and a link to add one."""

    # Collapsible, and closed at first: looked at less often than the dossier.
    classes = ("collapse",)

    model = Quote
    template = "admin/dossiers/quote/inline.html"
    show_change_link = False
    fields = ("link", "status", "valid_until", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("quote"))
    def link(self, obj):
        url = reverse("admin:dossiers_quote_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, str(obj))

    @admin.display(description=_("total"))
    def amount(self, obj):
        return euros(obj.totals()["total"])

    def get_queryset(self, request):
        # Not super(): it empties the queryset when has_view_permission says no
        # without a trajectory. The formset limits it to the page's trajectory,
        # whose access check the page already passed.
        return Quote.objects.prefetch_related("lines")

    def has_view_permission(self, request, obj=None):
        # A trajectory being added has no quotes yet: no empty section on that page.
        return obj is not None and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
