"""Forms over rows with values that cannot be opened: show the marker, keep the value.

A form over a row whose value cannot be opened must not offer the marker's text
as if it were the value: submitted unchanged, it would be sealed as the new
value. ``keep_unopenable(form)`` puts an ``UnopenableField`` in place of each
such field of a bound model form: it shows the marker, takes no input, and gives
the marker back, so the row saves with the stored bytes unchanged. (The admin's
change page makes these fields read-only instead; inline forms, one per row,
cannot have per-row read-only fields, so they use this.)
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html

from refleact.crypto.unopenable import Unopenable, unopenable_values


class UnopenableWidget(forms.Widget):
    """Show a value that cannot be opened: its marker's text, no input."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<span class="unopenable">{}</span>', value)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # nothing is ever submitted for it, and nothing is missing


class UnopenableField(forms.Field):
    """A form field in place of a value that cannot be opened; gives it back."""

    widget = UnopenableWidget

    def __init__(self, marker: Unopenable, **kwargs) -> None:
        kwargs.update(required=False, disabled=True, initial=marker)
        super().__init__(**kwargs)
        self.marker = marker

    def clean(self, value):
        return self.marker

    def has_changed(self, initial, data) -> bool:
        return False


def keep_unopenable(form) -> list[Unopenable]:
    """Put an UnopenableField in place of each field of form.instance that cannot
    be opened; return their markers. Call it before the form's fields are used."""
    markers = unopenable_values(form.instance)
    for marker in markers:
        current = form.fields.get(marker.field)
        if current is not None:
            form.fields[marker.field] = UnopenableField(
                marker, label=current.label, help_text=current.help_text
            )
    return markers
