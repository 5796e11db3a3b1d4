"""The register of processing (GDPR art. 30) and the transparency page's content.

Both are generated from the data inventory (``refleact.inventory``): one row
per field group (the fields of one model declared with the same attributes), so
a newly declared field appears in both with no other change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers.models import PracticeDetails
from refleact.inventory.declarations import (
    Basis,
    Category,
    Declaration,
    End,
    Subjects,
    declarations_published,
    text,
)

# GDPR art. 30(1)(g): a general description of the security measures.
SECURITY_MEASURES = (
    gettext_lazy(
        "Field-level encryption: every personal field is sealed with AES-256-GCM "
        "before it reaches the database."
    ),
    gettext_lazy(
        "A data key per client and per organisation, kept in a separate key "
        "store; destroying it erases that client's data everywhere, backups "
        "included."
    ),
    gettext_lazy("An access log of who saw or changed which client's data, and when."),
    gettext_lazy(
        "Coaches see only the clients they work with; logins are protected "
        "against password guessing; e-mail never carries personal data."
    ),
)


@dataclass(frozen=True)
class FieldGroup:
    model: str
    kind: str  # the model's verbose name, plural
    fields: tuple[str, ...]  # the fields' verbose names
    purpose: str
    basis: str
    category: str
    subjects: tuple[str, ...]
    recipients: str
    transfers: str
    retention: str
    end: str


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001  (a declaration the system check flags)
        return name


def field_groups() -> list[FieldGroup]:
    """Return the inventory as field groups, in the active language."""
    grouped: dict[tuple, list[Declaration]] = {}
    for d in declarations_published():
        signature = (
            d.model,
            str(d.purpose),
            d.basis,
            d.category,
            str(d.retention),
            d.end,
            tuple(d.subjects),
            str(d.recipients),
            str(d.transfers),
        )
        grouped.setdefault(signature, []).append(d)
    rows = []
    for members in grouped.values():
        first = members[0]
        try:
            model = apps.get_model(first.model)
            kind = capfirst(str(model._meta.verbose_name_plural))
        except LookupError:
            model, kind = None, first.model
        rows.append(
            FieldGroup(
                model=first.model,
                kind=kind,
                fields=tuple(
                    _field_label(model, d.field) if model else d.field for d in members
                ),
                purpose=text(first.purpose),
                basis=str(Basis(first.basis).label),
                category=str(Category(first.category).label),
                subjects=tuple(str(Subjects(s).label) for s in first.subjects),
                recipients=text(first.recipients),
                transfers=text(first.transfers),
                retention=text(first.retention),
                end=str(End(first.end).label),
            )
        )
    return rows


def controller() -> dict:
    """Return the controller's details (GDPR art. 30(1)(a)) from the practice details."""
    practice = PracticeDetails.load()
    return {
        "name": practice.name,
        "address": practice.address,
        "postcode_city": practice.postcode_city,
        "email": practice.email,
        "phone": practice.phone,
        "kvk_number": practice.kvk_number,
    }


def register_context() -> dict:
    return {
        "groups": field_groups(),
        "controller": controller(),
        "security": [str(m) for m in SECURITY_MEASURES],
        "title": _("Register of processing activities"),
    }


def register_pdf() -> bytes:
    """Return the register as a PDF, in the active language."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string("consent/register_pdf.html", register_context())
    return HTML(string=html).write_pdf()
