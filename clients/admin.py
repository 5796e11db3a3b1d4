"""The coach's cockpit for clients and organisations."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clients import extensions, selectors, services
from clients.models import Client, Organisation
from clients.search import clients_search, organisations_search
from refleact.adminsearch import SealedSearchMixin
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record_many
from refleact.practiceadmin import PracticeModelAdmin


class CoachFilter(admin.SimpleListFilter):
    """Filter a list by coach; ``lookup`` names the path from the row to the coach."""

    title = _("coach")
    parameter_name = "coach"
    lookup = "coaches__pk"

    def lookups(self, request, model_admin):
        return [
            (str(u.pk), str(u)) for u in selectors.coaches_for_user(user=request.user)
        ]

    def queryset(self, request, queryset):
        if self.value():
            try:
                coach_id = uuid.UUID(self.value())
            except ValueError:
                return queryset.none()  # a hand-made URL: nothing matches, no 500
            return queryset.filter(**{self.lookup: coach_id})
        return queryset


class ClientForm(forms.ModelForm):
    """The client form; ``actor`` (set per request by ClientAdmin) words errors."""

    actor = None

    def validate_unique(self):
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())
        except ValidationError as exc:
            self._update_errors(
                services.client_uniqueness_error(
                    actor=self.actor, client=self.instance, error=exc
                )
            )


@admin.register(Client)
class ClientAdmin(SealedSearchMixin, PracticeModelAdmin):
    selector = staticmethod(selectors.clients_for_user)
    form = ClientForm
    list_display = (
        "full_name",
        "kind",
        "organisation",
        "last_activity_at",
        "created_at",
    )
    list_filter = ("kind", "language", CoachFilter)
    list_select_related = ("organisation",)
    # The search box opens the rows the user may see (clients/search.py).
    search_fields = ("name_index",)
    search_help_text = _(
        "Search by any part of a name, e-mail address, phone number or organisation."
    )
    ordering = ("-last_activity_at",)
    sortable_by = ("kind", "last_activity_at", "created_at")
    # One count per page, not two: the count of every row the user may see
    # ("12 of 10,000") costs a second pass over them (issue 16).
    show_full_result_count = False
    autocomplete_fields = ("organisation",)
    filter_horizontal = ("coaches",)
    readonly_fields = ("access_log",)
    fieldsets = (
        (None, {"fields": ("kind", "organisation", "first_name", "last_name")}),
        (_("Contact"), {"fields": ("email", "phone", "language")}),
        (_("Coaches"), {"fields": ("coaches",)}),
        (_("Access log"), {"fields": ("access_log",)}),
    )
    # Draws the sections other apps register (trajectories, timeline) below the
    # form: see change_view.
    change_form_template = "admin/clients/client/change_form.html"

    @admin.display(description=_("name"))
    def full_name(self, obj: Client) -> str:
        return str(obj)

    def search(self, *, request, queryset, term):
        return clients_search(user=request.user, term=term, within=queryset)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = selectors.organisations_for_user(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "coaches":
            kwargs["queryset"] = selectors.coaches_for_user(user=request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None or not request.user.is_owner:
            fields.remove("access_log")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not request.user.is_owner:
            return fieldsets[:3]
        return fieldsets

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None)
        client = (context or {}).get("original")
        if request.method == "GET" and client is not None:
            sections, shown = [], []
            for section in extensions.client_sections():
                html, rows = section.render(client=client)
                sections.append({"title": section.title, "html": html})
                shown.extend(rows)
            context["client_sections"] = sections
            # What the sections show names the client and their dossier entries.
            audit_record_many(
                request=request, action=AuditEvent.Action.LIST, objs=shown
            )
        return response

    @admin.display(description=_("access log"))
    def access_log(self, obj: Client):
        url = (
            reverse("admin:audit_auditevent_changelist") + f"?holder_id={obj.holder_id}"
        )
        return format_html(
            '<a href="{}">{}</a>', url, _("Who accessed this client's data")
        )

    def save_model(self, request, obj, form, change):
        services.client_save(actor=request.user, client=obj, request=request)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.client_ensure_coaches(client=form.instance, actor=request.user)

    def delete_model(self, request, obj):
        services.client_delete(actor=request.user, client=obj, request=request)

    # -- the owner hands a departing coach's clients to another coach -----------
    def get_urls(self):
        return [
            path(
                "hand-over/",
                self.admin_site.admin_view(self.hand_over_view),
                name="clients_client_hand_over",
            ),
            *super().get_urls(),
        ]

    def hand_over_view(self, request):
        if not request.user.is_owner:
            raise PermissionDenied
        form = HandOverForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            moved = services.clients_hand_over(
                actor=request.user,
                from_coach=form.cleaned_data["from_coach"],
                to_coach=form.cleaned_data["to_coach"],
                request=request,
            )
            messages.success(
                request,
                ngettext(
                    "%(count)d client was handed over.",
                    "%(count)d clients were handed over.",
                    moved,
                )
                % {"count": moved},
            )
            return redirect("admin:clients_client_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Hand over a coach's clients"),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/clients/client/hand_over.html", context)


class HandOverForm(forms.Form):
    from_coach = forms.ModelChoiceField(
        label=_("From coach"), queryset=get_user_model().objects.filter(is_staff=True)
    )
    to_coach = forms.ModelChoiceField(
        label=_("To coach"),
        queryset=get_user_model().objects.filter(
            is_staff=True, is_active=True, groups__name="coach"
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("from_coach") and data.get("from_coach") == data.get("to_coach"):
            raise forms.ValidationError(_("Choose two different coaches."))
        return data


@admin.register(Organisation)
class OrganisationAdmin(SealedSearchMixin, PracticeModelAdmin):
    selector = staticmethod(selectors.organisations_for_user)
    list_display = ("name", "updated_at", "created_at")
    search_fields = ("name_index",)
    search_help_text = _("Search by any part of the name.")
    ordering = ("-updated_at",)
    sortable_by = ("updated_at", "created_at")
    fieldsets = (
        (None, {"fields": ("name",)}),
        (
            _("Billing"),
            {
                "fields": (
                    "billing_name",
                    "billing_address",
                    "billing_email",
                    "billing_reference",
                )
            },
        ),
    )

    def search(self, *, request, queryset, term):
        return organisations_search(user=request.user, term=term, within=queryset)

    def save_model(self, request, obj, form, change):
        services.organisation_save(
            actor=request.user, organisation=obj, request=request
        )

    def delete_model(self, request, obj):
        services.organisation_delete(
            actor=request.user, organisation=obj, request=request
        )
