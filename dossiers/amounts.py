"""Amounts typed the way people type them: "24,95", "1.234,50", "€ 95".

A browser's number input reads "24,95" by the browser's own language (an English
Chromium made it 2495), so prices are text inputs parsed here, on the server.
Which mark is the decimal one follows from the text wherever it can:

- both "," and "." present: the last one is the decimal mark, the other groups
  thousands ("1.234,50" and "1,234.50" are both 1234.50);
- one mark, not followed by exactly three digits: the decimal mark ("24,95" and
  "24.95" are both 24.95, in any language);
- one mark used more than once: thousands ("1.234.567");
- one mark once, followed by exactly three digits ("1.234", "1,234"): thousands
  in one language, decimals in the other. That is ambiguous and refused, never
  guessed: a price a thousand times off is worse than a question.

static/dossiers/invoice_totals.js applies the same rules in the browser for the
running totals; keep the two in step.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

_SHAPE = re.compile(r"^[+-]?\d[\d.,]*$")
_GROUPED = re.compile(r"^\d{1,3}(?:X\d{3})+$")


class AmountError(ValueError):
    """The text is not an amount, or not an unambiguous one."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _ungroup(integer: str, mark: str) -> str:
    if mark not in integer:
        return integer
    if not _GROUPED.match(integer.replace(mark, "X")):
        raise AmountError("malformed")
    return integer.replace(mark, "")


def parse_amount(text: str) -> Decimal:
    """Return the Decimal that text states; raise AmountError when it does not say one."""
    value = text.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    if not _SHAPE.match(value) or value[-1] in ",.":
        raise AmountError("malformed")
    sign = ""
    if value[0] in "+-":
        sign, value = value[0].replace("+", ""), value[1:]
    commas, dots = value.count(","), value.count(".")
    if commas and dots:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        integer, _mark, fraction = value.rpartition(decimal_mark)
        if decimal_mark in integer:
            raise AmountError("malformed")
        integer = _ungroup(integer, group_mark)
    elif commas + dots == 0:
        integer, fraction = value, ""
    else:
        mark = "," if commas else "."
        if commas + dots > 1:
            integer, fraction = _ungroup(value, mark), ""
        else:
            integer, _mark, fraction = value.partition(mark)
            if len(fraction) == 3 and 1 <= len(integer) <= 3 and integer != "0":
                raise AmountError("ambiguous")
    try:
        return Decimal(f"{sign}{integer}.{fraction or '0'}")
    except InvalidOperation as exc:  # pragma: no cover  (the shape rules it out)
        raise AmountError("malformed") from exc


class AmountInput(forms.TextInput):
    """A text input for amounts: no browser-side number parsing, a numeric keypad."""

    def __init__(self, attrs=None) -> None:
        super().__init__(
            {"inputmode": "decimal", "autocomplete": "off", **(attrs or {})}
        )


class AmountField(forms.DecimalField):
    """A DecimalField that reads "24,95", "1.234,50" and "24.95" alike.

    The value is shown in the active language's format (localize); what is typed
    is read by the rules of parse_amount, whatever the browser's language.
    """

    widget = AmountInput
    default_error_messages = {
        "invalid": _("Enter an amount such as 24,95 or 1.234,50."),
        "ambiguous": _(
            "“%(value)s” is ambiguous: write the amount without a thousands "
            "separator (e.g. 1234) or with its cents (e.g. %(example)s)."
        ),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        # localize=True would also swap in a plain TextInput: keep the amount input.
        if not isinstance(self.widget, AmountInput):
            self.widget = AmountInput(self.widget.attrs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value)
        try:
            return parse_amount(text)
        except AmountError as exc:
            if exc.code == "ambiguous":
                digits = re.sub(r"[^\d-]", "", text)
                example = number_format(Decimal(digits), 2)
                raise ValidationError(
                    self.error_messages["ambiguous"],
                    code="ambiguous",
                    params={"value": text.strip(), "example": example},
                ) from exc
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from exc
