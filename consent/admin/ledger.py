"""The coach's side of consent: the ledger, PR requests and disclosures.

Nothing here changes or deletes a record: the ledger's add form records a new
decision through ``consent_decide``; PR requests and disclosures are added
through their services and are read-only afterwards.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from clients.selectors import clients_for_user
from consent import receipts, selectors, services
from consent.models import ConsentRecord, Disclosure, Occasion
from refleact.audit.models import AuditEvent
from refleact.inventory.declarations import Category
from refleact.practiceadmin import PracticeModelAdmin


class _ReadOnlyAfterAdd:
    """Rows are added once and never changed or deleted here."""

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # The add form is the service's form; a stored row shows readonly_fields.
    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else self.form.Meta.fields

    def _clients_field(self, db_field, request, kwargs):
        if db_field.name == "client":
            kwargs["queryset"] = clients_for_user(user=request.user)
        return kwargs


class ConsentDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            (c.value, c.label)
            for c in (
                ConsentRecord.Decision.GIVEN,
                ConsentRecord.Decision.REFUSED,
                ConsentRecord.Decision.WITHDRAWN,
            )
        ],
    )
    method = forms.ChoiceField(
        label=_("how"),
        choices=[
            (c.value, c.label)
            for c in ConsentRecord.Method
            if c != ConsentRecord.Method.SYSTEM
        ],
        initial=ConsentRecord.Method.COACH,
    )

    class Meta:
        model = ConsentRecord
        fields = [
            "client",
            "purpose",
            "occasion",
            "decision",
            "method",
            "decided_at",
            "evidence_note",
        ]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(_ReadOnlyAfterAdd, PracticeModelAdmin):
    selector = staticmethod(selectors.consent_records_for_user)
    form = ConsentDecisionForm
    # The add page names no client: the autocomplete asks ClientAdmin, whose
    # selector carries the access rule and whose answers are audit-logged.
    autocomplete_fields = ("client",)
    list_display = (
        "decided_at",
        "client",
        "purpose",
        "decision",
        "method",
        "policy_version",
        "receipt",
    )
    list_filter = ("decision", "purpose", "method")
    list_select_related = ("client", "purpose")
    readonly_fields = (
        "receipt_id",
        "client",
        "purpose",
        "occasion",
        "decision",
        "stage",
        "policy_version",
        "material_digest",
        "decided_at",
        "recorded_at",
        "method",
        "recorded_by",
        "evidence_note",
        "language",
        "receipt",
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._clients_field(db_field, request, kwargs)
        if db_field.name == "purpose":
            kwargs["queryset"] = selectors.purposes_all()
        if db_field.name == "occasion":
            kwargs["queryset"] = selectors.occasions_for_user(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("receipt"))
    def receipt(self, obj: ConsentRecord):
        if obj.decision not in selectors.DECISIONS:
            return "—"
        return format_html(
            '<a href="{}">PDF</a> · <a href="{}">JSON</a>',
            reverse("admin:consent_consentrecord_receipt", args=[obj.pk, "pdf"]),
            reverse("admin:consent_consentrecord_receipt", args=[obj.pk, "json"]),
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        record = services.consent_decide(
            client=data["client"],
            purpose=data["purpose"],
            occasion=data.get("occasion"),
            decision=data["decision"],
            method=data["method"],
            decided_at=data.get("decided_at"),
            evidence_note=data.get("evidence_note") or "",
            actor=request.user,
            request=request,
        )
        form.instance = record
        obj.pk = record.pk

    def get_changeform_initial_data(self, request):
        return {
            **super().get_changeform_initial_data(request),
            "decided_at": timezone.now(),
        }

    def get_urls(self):
        return [
            path(
                "<path:object_id>/receipt.<str:kind>",
                self.admin_site.admin_view(self.receipt_view),
                name="consent_consentrecord_receipt",
            ),
            *super().get_urls(),
        ]

    def receipt_view(self, request, object_id, kind):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not self.has_view_permission(request) or kind not in ("pdf", "json"):
            raise PermissionDenied
        record = self.get_object(request, object_id)
        self.audit_shown(request, AuditEvent.Action.DOWNLOAD, [record])
        if kind == "pdf":
            response = HttpResponse(
                receipts.receipt_pdf(record=record), content_type="application/pdf"
            )
        else:
            response = HttpResponse(
                receipts.receipt_json(record=record), content_type="application/json"
            )
        response["Content-Disposition"] = (
            f'attachment; filename="consent-{record.receipt_id}.{kind}"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


class OccasionForm(forms.ModelForm):
    class Meta:
        model = Occasion
        fields = ["client", "purpose", "what", "medium", "material"]


@admin.register(Occasion)
class OccasionAdmin(_ReadOnlyAfterAdd, PracticeModelAdmin):
    selector = staticmethod(selectors.occasions_for_user)
    form = OccasionForm
    autocomplete_fields = ("client",)
    list_display = ("created_at", "client", "what", "consent")
    list_select_related = ("client", "purpose")
    actions = ["export_material"]
    readonly_fields = (
        "client",
        "purpose",
        "what",
        "medium",
        "material",
        "material_digest",
        "created_by",
        "created_at",
        "consent",
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._clients_field(db_field, request, kwargs)
        if db_field.name == "purpose":
            kwargs["queryset"] = selectors.purposes_all().filter(per_occasion=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("consent"))
    def consent(self, obj: Occasion):
        # Without a current consent, marked. The list's rows carry their latest
        # decision (occasions_for_user); the export checks again at its moment.
        if hasattr(obj, "latest_decision"):
            current = obj.latest_decision == ConsentRecord.Decision.GIVEN
        else:
            current = selectors.consent_current(
                client=obj.client, purpose=obj.purpose, occasion=obj
            )
        if current:
            return _("given")
        return format_html(
            '<strong class="errornote">{}</strong>', _("no current consent: do not use")
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        occasion = services.occasion_create(
            actor=request.user,
            client=data["client"],
            purpose=data["purpose"],
            what=data["what"],
            medium=data["medium"],
            material=data["material"],
            request=request,
        )
        obj.pk = occasion.pk

    @admin.action(description=_("Export the material for publication"))
    def export_material(self, request, queryset):
        occasions = list(queryset.select_related("client", "purpose"))
        if len(occasions) != 1:
            messages.error(request, _("Export one PR request at a time."))
            return None
        try:
            material = services.occasion_export(
                actor=request.user, occasion=occasions[0], request=request
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return None
        response = HttpResponse(material, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="material-{occasions[0].pk}.txt"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


class DisclosureForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("categories of data"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Disclosure
        fields = [
            "client",
            "kind",
            "recipient",
            "basis",
            "consent_record",
            "categories",
            "disclosed_at",
            "note",
        ]


@admin.register(Disclosure)
class DisclosureAdmin(_ReadOnlyAfterAdd, PracticeModelAdmin):
    selector = staticmethod(selectors.disclosures_for_user)
    form = DisclosureForm
    autocomplete_fields = ("client",)
    list_display = ("disclosed_at", "client", "kind", "basis", "recorded_by")
    list_filter = ("kind", "basis")
    list_select_related = ("client", "recorded_by")
    readonly_fields = (
        "client",
        "kind",
        "recipient",
        "basis",
        "consent_record",
        "categories",
        "disclosed_at",
        "note",
        "recorded_by",
        "recorded_at",
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._clients_field(db_field, request, kwargs)
        if db_field.name == "consent_record":
            kwargs["queryset"] = selectors.consent_records_for_user(
                user=request.user
            ).filter(decision=ConsentRecord.Decision.GIVEN)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        disclosure = services.disclosure_record(
            actor=request.user,
            client=data["client"],
            kind=data["kind"],
            recipient=data["recipient"],
            basis=data["basis"],
            categories=data["categories"],
            disclosed_at=data.get("disclosed_at"),
            consent_record=data.get("consent_record"),
            note=data.get("note") or "",
            request=request,
        )
        obj.pk = disclosure.pk
