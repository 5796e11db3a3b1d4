"""The vocabulary of the data inventory and its registry.

Each app declares its personal fields in one obvious place, ``<app>/inventory.py``,
with ``declare(...)``. The register of processing (GDPR art. 30), the public
transparency page and the retention sweep are generated from this one source,
and a system check fails when an encrypted field, or a field marked with
``personal(...)``, has no declaration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Basis(models.TextChoices):
    # GDPR art. 6(1); the policy names agreement and consent, and the legal duty
    # of the financial administration.
    AGREEMENT = "agreement", _("agreement (GDPR art. 6(1)(b))")
    CONSENT = "consent", _("consent (GDPR art. 6(1)(a))")
    LEGAL_OBLIGATION = "legal_obligation", _("legal obligation (GDPR art. 6(1)(c))")
    LEGITIMATE_INTEREST = (
        "legitimate_interest",
        _("legitimate interest (GDPR art. 6(1)(f))"),
    )


class Category(models.TextChoices):
    IDENTIFICATION = "identification", _("identification")
    CONTACT = "contact", _("contact")
    CONTENT = "content", _("content")
    EVALUATION = "evaluation", _("evaluation")
    FINANCIAL = "financial", _("financial")
    SECURITY = "security", _("security")


class End(models.TextChoices):
    DELETE = "delete", _("delete")
    PSEUDONYMISE = "pseudonymise", _("delete, or pseudonymise for knowledge building")
    KEEP_YEARS = "keep_years", _("keep for a fixed number of years, then delete")
    # The retention sweep (refleact/erasure/README.md) reads these too.
    KEEP_WITH_CONSENT = (
        "keep_with_consent",
        _("delete, unless the client consented to keeping it"),
    )
    KEEP_IF_MARKED = (
        "keep_if_marked",
        _(
            "delete, unless marked as theory material (then kept for knowledge building)"
        ),
    )


class Subjects(models.TextChoices):
    # GDPR art. 30(1)(c): the categories of data subjects.
    CLIENTS = "clients", _("clients (private persons, contact persons, participants)")
    ORGANISATIONS = "organisations", _("client organisations and their contacts")
    STAFF = "staff", _("the practice's owner and coaches")
    VISITORS = "visitors", _("anyone who tries to log in")


# GDPR art. 30(1)(d) and (e): who receives the data, and transfers abroad. The
# defaults hold for most fields; a declaration names others where they differ.
RECIPIENTS_DEFAULT = _("the practice's owner and the client's own coaches")
TRANSFERS_DEFAULT = _("none: stored in the Netherlands, no transfer outside the EEA")


@dataclass(frozen=True)
class Declaration:
    """One personal field: what art. 30 and the transparency page say about it.

    Human-readable attributes are ``gettext_lazy`` strings (or plain strings
    translated when shown, through ``text()``).
    """

    model: str  # app_label.ModelName
    field: str
    purpose: str
    basis: str
    category: str
    retention: str
    end: str
    keep_years: int | None = None
    # KEEP_YEARS: from when the years count ("end_of_financial_year").
    keep_from: str = ""
    # KEEP_WITH_CONSENT: the consent purpose's code that keeps it.
    consent_purpose: str = ""
    # KEEP_IF_MARKED: (plain field, value) that marks the row, e.g. ("kind", "theory").
    kept_when: tuple[str, str] | None = None
    subjects: tuple[str, ...] = (Subjects.CLIENTS,)
    recipients: str = RECIPIENTS_DEFAULT
    transfers: str = TRANSFERS_DEFAULT

    @property
    def key(self) -> tuple[str, str]:
        return (self.model.lower(), self.field)


_REGISTRY: dict[tuple[str, str], Declaration] = {}


def declare(model: str, fields: str | list[str], **attributes) -> None:
    """Declare one or more personal fields of a model with the same attributes."""
    names = [fields] if isinstance(fields, str) else fields
    if isinstance(attributes.get("subjects"), str):
        attributes["subjects"] = (attributes["subjects"],)
    for name in names:
        declaration = Declaration(model=model, field=name, **attributes)
        _REGISTRY[declaration.key] = declaration


def declarations() -> list[Declaration]:
    """Return every declaration, by model and field."""
    return sorted(_REGISTRY.values(), key=lambda d: d.key)


def declarations_published() -> list[Declaration]:
    """Return the declarations the register and the transparency page show.

    Leaves out apps whose AppConfig says ``test_only`` (the encryption layer's
    test models, installed by the test settings): they are checked like every
    other declaration but are no processing of the practice.
    """
    from django.apps import apps

    return [
        d
        for d in declarations()
        if not getattr(apps.get_app_config(d.model.split(".")[0]), "test_only", False)
    ]


def declaration_for(model: type[models.Model], field: str) -> Declaration | None:
    return _REGISTRY.get((model._meta.label_lower, field))


def personal(field: models.Field) -> models.Field:
    """Mark a plain (unencrypted) field as personal data that must be declared."""
    field.personal = True
    return field


def is_personal(field: models.Field) -> bool:
    from refleact.crypto.fields import EncryptedFieldMixin

    return isinstance(field, EncryptedFieldMixin) or getattr(field, "personal", False)


def text(value) -> str:
    """Return a declaration's attribute in the active language.

    Lazy strings translate themselves; a plain string is looked up in the
    catalogue, so a declaration written without ``gettext_lazy`` still reads in
    Dutch where a translation exists.
    """
    from django.utils.translation import gettext

    return gettext(value) if isinstance(value, str) else str(value)
