"""The owner's pages over what outlives an erased client: contact records and
PR material still consented to, each with its proof. Read-only; deleting one
(a withdrawal arrived, the material was taken down) goes through the service,
which writes the audit row."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from consent import kept, selectors
from consent.models import ContactRecord, KeptConsentRecord, KeptOccasion
from refleact.practiceadmin import PracticeInline, PracticeModelAdmin


class _OwnerReadOnly:
    """Only the owner sees these rows; nobody adds or changes them here."""

    def _may_use(self, request) -> bool:
        return getattr(request.user, "is_owner", False)

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class KeptProofInline(_OwnerReadOnly, PracticeInline):
    model = KeptConsentRecord
    fields = readonly_fields = (
        "receipt_id",
        "decision",
        "decided_at",
        "method",
        "policy_version",
        "evidence_note",
    )
    show_change_link = False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContactRecord)
class ContactRecordAdmin(_OwnerReadOnly, PracticeModelAdmin):
    selector = selectors.contact_records_for_user
    list_display = ("__str__", "purpose", "kept_at")
    fields = readonly_fields = ("purpose", "contact_details", "kept_at")
    inlines = [KeptProofInline]

    @admin.display(description=_("contact details"))
    def contact_details(self, obj: ContactRecord):
        return format_html_join(
            "\n", "<div>{}: {}</div>", selectors.contact_record_lines(contact=obj)
        )

    def delete_model(self, request, obj):
        kept.contact_record_remove(actor=request.user, contact=obj, request=request)


@admin.register(KeptOccasion)
class KeptOccasionAdmin(_OwnerReadOnly, PracticeModelAdmin):
    selector = selectors.kept_occasions_for_user
    list_display = ("__str__", "purpose", "created_at", "kept_at")
    fields = readonly_fields = (
        "purpose",
        "what",
        "medium",
        "material",
        "material_digest",
        "created_at",
        "kept_at",
    )
    inlines = [KeptProofInline]

    def delete_model(self, request, obj):
        kept.kept_occasion_remove(actor=request.user, occasion=obj, request=request)
