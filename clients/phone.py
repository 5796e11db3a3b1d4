"""Phone numbers: parsed and stored normalised (E.164)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def phone_normalise(value: str, *, region: str = "NL") -> str:
    """Return the number in E.164 (+31612345678), or raise ValidationError.

    Numbers without a country code are read as Dutch. The error message never
    repeats the number (it may end up in a log).
    """
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _(
                "This is not a phone number. Use for example 06 12345678 or +31 6 12345678."
            ),
            code="invalid_phone",
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "This phone number does not exist. Check the digits and the country code."
            ),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
