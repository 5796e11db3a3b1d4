"""The base of every admin page over client data: access, audit, and id-only logs.

- Access: the queryset comes from the app's selector, which carries the rule
  (coach assigned, or the owner). An object outside it is a 404 on every admin
  URL (change, history, delete, downloads), so its existence is not revealed.
- Audit: list pages record which rows they showed (one insert), change and
  history pages record a view of the row and its inline rows, each with the
  related rows the page names (``audit_related``: a trajectory's client); the
  admin site records what every delete confirmation lists. Saves and deletions
  go through services that record them.
- Django's own admin log stores ``str(obj)`` and, for inlines, the inline
  objects' ``str``: here it stores only "<model> <pk>", never a name.
- Damaged values: a value that cannot be opened reads as its marker
  (``refleact.crypto.unopenable``), so every page renders. On the row's change
  page its fields are read-only (inline rows show the marker in place of the
  input), so a save writes the stored bytes back unchanged; the change and
  delete pages warn which fields cannot be opened and why.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record_many
from refleact.audit.shown import rows_shown
from refleact.crypto.forms import keep_unopenable
from refleact.crypto.unopenable import Cause, unopenable_values


class _Reference:
    """Stands in for an object in Django's admin log: the model and the pk only."""

    def __init__(self, obj) -> None:
        self._meta = obj._meta
        self.pk = obj.pk

    def __str__(self) -> str:
        # The kind in the language of the moment ("cliënt 3f2a…"): no name.
        return f"{self._meta.verbose_name} {self.pk}"


def _ids_only(message):
    """Replace object names in an admin change message with their ids."""
    if not isinstance(message, list):
        return message
    cleaned = []
    for item in message:
        entry = {}
        for verb, details in item.items():
            details = dict(details)
            if "object" in details:
                details["object"] = "-"
            entry[verb] = details
        cleaned.append(entry)
    return cleaned


class IdOnlyAdminLogMixin:
    """Make Django's admin log store "<model> <pk>", never an object's name."""

    def log_addition(self, request, obj, message):
        return super().log_addition(request, _Reference(obj), _ids_only(message))

    def log_change(self, request, obj, message):
        return super().log_change(request, _Reference(obj), _ids_only(message))

    def log_deletions(self, request, queryset):
        return super().log_deletions(request, [_Reference(obj) for obj in queryset])


class _IgnoresMalformedKeys:
    """Autocomplete that ignores a submitted value that is not a valid key.

    Django's widget looks the submitted value up to redraw an invalid form; a
    malformed UUID there would be a 500 instead of the form's own error.
    """

    def optgroups(self, name, value, attr=None):
        field = self.field.remote_field.model._meta.pk
        valid = []
        for item in value:
            try:
                field.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class _PostsTheTerm:
    """Autocomplete that sends what is typed in the request body, not the URL.

    Django's widget asks with GET (``?term=Timm``): a typed name would travel in
    URLs into server and proxy logs. select2 reads ``data-ajax--type``; the
    site's autocomplete view answers POST (refleact/adminsite.py), with the CSRF
    token that static/refleact/admin.js adds to every POST.
    """

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-ajax--type"] = "POST"
        return attrs


class SafeAutocompleteSelect(_PostsTheTerm, _IgnoresMalformedKeys, AutocompleteSelect):
    """A foreign key's autocomplete that survives a malformed submitted key."""


class SafeAutocompleteSelectMultiple(
    _PostsTheTerm, _IgnoresMalformedKeys, AutocompleteSelectMultiple
):
    """A many-to-many autocomplete that survives malformed submitted keys."""


def unopenable_warnings(obj, *, deleting: bool = False) -> list[str]:
    """Say which values of obj cannot be opened and why; empty when all open."""
    markers = unopenable_values(obj)
    if not markers:
        return []
    names: dict[Cause, list[str]] = {}
    for marker in markers:
        label = capfirst(obj._meta.get_field(marker.field).verbose_name)
        names.setdefault(marker.cause, []).append(str(label))
    params = {"kind": capfirst(obj._meta.verbose_name), "id": obj.pk}
    lines = []
    if Cause.KEY_MISSING in names:
        lines.append(
            _(
                "%(kind)s %(id)s: these fields cannot be opened: %(fields)s. Their "
                "data key is missing from the key store: the key store may be "
                "damaged, and restoring it from a backup may repair them."
            )
            % {**params, "fields": ", ".join(names[Cause.KEY_MISSING])}
        )
    if Cause.ALTERED in names:
        lines.append(
            _(
                "%(kind)s %(id)s: these fields cannot be opened: %(fields)s. Their "
                "stored values were changed outside the application (tampered "
                "with, or copied from another record or field); they cannot be "
                "repaired here."
            )
            % {**params, "fields": ", ".join(names[Cause.ALTERED])}
        )
    if not deleting:
        lines.append(
            _(
                "Fields that cannot be opened are read-only: saving keeps their "
                "stored values as they are."
            )
        )
    elif Cause.KEY_MISSING in names:
        lines.append(
            _(
                "Deleting removes these values for good. If restoring the key store "
                "may repair them, restore it first."
            )
        )
    else:
        lines.append(_("Deleting removes this record with its damaged values."))
    return lines


class KeepUnopenableInlineFormSet(BaseInlineFormSet):
    """Inline rows show a value that cannot be opened, and save it as stored."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        keep_unopenable(form)
        return form


class PracticeModelAdmin(IdOnlyAdminLogMixin, admin.ModelAdmin):
    """Admin for models that hold client data. Subclasses set ``selector``."""

    # A function (*, user) -> QuerySet carrying the access rule.
    selector = None
    audit_lists = True

    # -- access ----------------------------------------------------------------
    def get_queryset(self, request):
        queryset = type(self).selector(user=request.user)
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset

    def _may_use(self, request) -> bool:
        return getattr(request.user, "works_in_practice", False)

    def has_module_permission(self, request) -> bool:
        return self._may_use(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may_use(request)

    def has_add_permission(self, request, *args) -> bool:
        return self._may_use(request)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and getattr(obj, "is_erased", False):
            return False  # an erased row is read-only
        return self._may_use(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_use(request)

    # -- damaged values --------------------------------------------------------
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is None:
            return fields
        # Not in the form, so no submitted text can replace the stored value.
        damaged = [m.field for m in unopenable_values(obj) if m.field not in fields]
        return [*fields, *damaged] if damaged else fields

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            rows = [obj]
            for inline in context.get("inline_admin_formsets", ()):
                rows += [form.instance for form in inline.formset.initial_forms]
            for row in rows:
                for line in unopenable_warnings(row):
                    messages.warning(request, line)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_delete_form(self, request, context):
        obj = context.get("object")
        if obj is not None:
            for line in unopenable_warnings(obj, deleting=True):
                messages.warning(request, line)
        return super().render_delete_form(request, context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # A service refused the change after the form passed (a rule that needs
            # the database, or a race): the transaction rolled back; say why.
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    # -- audit -----------------------------------------------------------------
    # Paths from a row to the related rows its pages name (a trajectory's client):
    # recorded with the row. None: the list's select_related paths, which are
    # there because the list shows them.
    audit_related: tuple[str, ...] | None = None

    def get_audit_related(self, request) -> tuple[str, ...]:
        if self.audit_related is not None:
            return self.audit_related
        related = self.list_select_related
        return tuple(related) if isinstance(related, (list, tuple)) else ()

    def audit_shown(self, request, action: str, objs, *, plain=()) -> None:
        """Record objs, the related rows their pages name, and plain, as seen."""
        shown = rows_shown(
            objs, admin_site=self.admin_site, request=request, plain=plain
        )
        audit_record_many(request=request, action=action, objs=shown)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if self.audit_lists and changelist is not None:
            self.audit_shown(request, AuditEvent.Action.LIST, changelist.result_list)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        original = context.get("original")
        if original is not None:
            # Rendered (a GET, or a POST the form refused): the page shows the
            # row, the rows it names and every inline row.
            inline_rows = [
                form.instance
                for inline in context.get("inline_admin_formsets", ())
                for form in inline.formset.initial_forms
            ]
            self.audit_shown(
                request,
                AuditEvent.Action.VIEW,
                [original],
                plain=[*self._audit_many_rows(request, original), *inline_rows],
            )
        return response

    def _audit_many_rows(self, request, obj) -> list:
        """Return the rows a change form's many-to-many fields name (participants)."""
        on_form = set(flatten_fieldsets(self.get_fieldsets(request, obj)))
        rows = []
        for field in obj._meta.many_to_many:
            if field.name in on_form and hasattr(field.related_model, "holder_id"):
                rows += getattr(obj, field.name).all()
        return rows

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        obj = getattr(response, "context_data", {}).get("object")
        if obj is not None:
            self.audit_shown(request, AuditEvent.Action.VIEW, [obj])
        return response

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class PracticeInline(admin.TabularInline):
    """Inline over client data: the parent's access check already passed."""

    extra = 0
    show_change_link = True
    formset = KeepUnopenableInlineFormSet

    def _may_use(self, request) -> bool:
        return getattr(request.user, "works_in_practice", False)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may_use(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._may_use(request) and not getattr(obj, "is_closed", False)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_use(request) and not getattr(obj, "is_closed", False)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_use(request) and not getattr(obj, "is_closed", False)
