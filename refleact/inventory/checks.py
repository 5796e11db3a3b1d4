"""System check: undeclared personal data is a bug."""

from __future__ import annotations

from django.apps import apps
from django.core import checks

from refleact.inventory.declarations import (
    Basis,
    Category,
    End,
    Subjects,
    declarations,
    is_personal,
)


def undeclared_fields(models_to_check) -> list[str]:
    from refleact.inventory.declarations import declaration_for

    missing = []
    for model in models_to_check:
        if model._meta.proxy or model._meta.abstract:
            continue
        for field in model._meta.concrete_fields:
            if is_personal(field) and declaration_for(model, field.name) is None:
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


@checks.register()
def check_inventory(app_configs=None, **kwargs):
    models_to_check = (
        [m for config in app_configs for m in config.get_models()]
        if app_configs
        else apps.get_models()
    )
    errors = [
        checks.Error(
            f"{place} holds personal data but has no declaration in its app's "
            "inventory.py (purpose, legal basis, category, retention, end).",
            id="inventory.E001",
        )
        for place in undeclared_fields(models_to_check)
    ]
    for declaration in declarations():
        try:
            model = apps.get_model(declaration.model)
            model._meta.get_field(declaration.field)
        except (LookupError, Exception):  # noqa: BLE001
            errors.append(
                checks.Error(
                    f"inventory declares {declaration.model}.{declaration.field}, "
                    "which does not exist.",
                    id="inventory.E002",
                )
            )
            continue
        if (
            declaration.basis not in Basis.values
            or declaration.category not in Category.values
            or declaration.end not in End.values
            or not declaration.subjects
            or any(s not in Subjects.values for s in declaration.subjects)
        ):
            errors.append(
                checks.Error(
                    f"inventory entry {declaration.model}.{declaration.field} uses an "
                    "unknown basis, category, end or data subjects.",
                    id="inventory.E003",
                )
            )
    return errors
