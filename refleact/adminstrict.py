"""What a hand-made admin URL may reach: only what the page offers.

The admin site mixes ``StrictQueryMixin`` into every ModelAdmin it registers,
Django's and third-party ones (axes) included, so no page is left out.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.filters import FieldListFilter, SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _


class StrictQueryMixin:
    """Let only what the page offers reach the database from a hand-made URL.

    - Filters: Django allows any lookup on a model's own fields in the query
      string (``?number__regex=(`` ran as SQL, and a bad pattern was a 500); here
      only the parameters of the page's own filters and date hierarchy pass, the
      rest are refused as a 400 (DisallowedModelAdminLookup).
    - Actions: selected ids that are not valid keys give a message, not a 500.
    """

    def offered_lookups(self, request) -> set[str]:
        """Return the query-string parameters the list's filters understand."""
        offered = set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                offered.add(item.parameter_name)
                continue
            path, filter_class = item if isinstance(item, tuple) else (item, None)
            field = get_fields_from_path(self.model, path)[-1]
            create = (
                filter_class if filter_class is not None else FieldListFilter.create
            )
            spec = create(field, request, {}, self.model, self, field_path=path)
            offered.update(spec.expected_parameters())
        if self.date_hierarchy:
            offered.update(
                f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")
            )
        return offered

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        return lookup in self.offered_lookups(request) and super().lookup_allowed(
            lookup, value, request
        )

    def response_action(self, request, queryset):
        pk_field = self.model._meta.pk
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                pk_field.to_python(value)
            except ValidationError:
                self.message_user(
                    request,
                    _("The selection could not be read; select the rows again."),
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)
