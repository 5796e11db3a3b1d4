"""The owner's side of the policy: versions and purposes."""

from __future__ import annotations

import functools

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from consent import selectors, services
from consent.admin import register
from consent.models import PolicyVersion, Purpose
from refleact.practiceadmin import IdOnlyAdminLogMixin


class OwnerOnly:
    """Only the practice owner edits the policy and the purposes; coaches read them."""

    def has_module_permission(self, request) -> bool:
        return getattr(request.user, "works_in_practice", False)

    def has_view_permission(self, request, obj=None) -> bool:
        return getattr(request.user, "works_in_practice", False)

    def has_add_permission(self, request) -> bool:
        return getattr(request.user, "is_owner", False)

    def has_change_permission(self, request, obj=None) -> bool:
        return getattr(request.user, "is_owner", False)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(OwnerOnly, IdOnlyAdminLogMixin, admin.ModelAdmin):
    list_display = ("version", "language", "effective_on", "created_at")
    list_filter = ("language",)
    fields = ("version", "language", "effective_on", "text")
    issued_fields = ("version", "language", "effective_on", "text_source")

    def get_fields(self, request, obj=None):
        return self.issued_fields if self._issued(obj) else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.issued_fields if self._issued(obj) else ()

    @staticmethod
    def _issued(obj) -> bool:
        return obj is not None and obj.is_issued()

    @admin.display(description=_("text (Markdown)"))
    def text_source(self, obj: PolicyVersion):
        # The practice's own text, as written (Markdown), in a box that keeps its
        # lines; read-only, since an issued version never changes.
        return format_html(
            '<textarea readonly rows="24" cols="90" class="vLargeTextField">{}'
            "</textarea>",
            obj.text,
        )

    def has_change_permission(self, request, obj=None) -> bool:
        # An issued version never changes: a correction is a new version.
        if obj is not None and obj.is_issued():
            return False
        return super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request):
        latest = PolicyVersion.objects.order_by("-version").first()
        return {
            "version": (latest.version + 1) if latest else 1,
            "effective_on": timezone.localdate(),
            "text": latest.text if latest else "",
        }

    def save_model(self, request, obj, form, change):
        services.policy_version_save(actor=request.user, version=obj, request=request)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Purpose)
class PurposeAdmin(OwnerOnly, IdOnlyAdminLogMixin, admin.ModelAdmin):
    list_display = ("label_shown", "key", "per_occasion", "built_in")
    fields = ("key", "name", "description", "per_occasion", "fields")
    # A stored purpose reads in the reader's language, its fields by their names.
    shown_fields = ("key", "label_shown", "explanation", "per_occasion", "covered")

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.built_in:
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return self.shown_fields
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return self.shown_fields
        return ()

    @admin.display(description=_("name"), ordering="name")
    def label_shown(self, obj: Purpose):
        return obj.label

    @admin.display(description=_("description"))
    def explanation(self, obj: Purpose):
        return obj.explanation

    @admin.display(description=_("inventory fields covered"))
    def covered(self, obj: Purpose):
        return ", ".join(selectors.purpose_field_labels(purpose=obj))

    def get_urls(self):
        site = self.admin_site
        return [
            path(
                "register/",
                site.admin_view(functools.partial(register.register_view, site)),
                name="consent_register",
            ),
            path(
                "register/pdf/",
                site.admin_view(functools.partial(register.register_pdf_view, site)),
                name="consent_register_pdf",
            ),
            *super().get_urls(),
        ]
