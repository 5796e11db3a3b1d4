"""System check: a model holding a holder's rows that nothing erases is a bug."""

from __future__ import annotations

from django.apps import apps
from django.core import checks

from refleact.erasure.registry import HOLDER_MODELS, covered_models, handlers

HOLDER_LABELS = {label.lower() for label in HOLDER_MODELS}


def _label(related) -> str:
    # A lazy reference not resolved yet ("clients.Client") is still a string.
    if related is None:
        return ""
    return related.lower() if isinstance(related, str) else related._meta.label_lower


def needs_erasure(model) -> bool:
    """Whether rows of ``model`` belong to a key holder (client or organisation)."""
    from refleact.crypto.models import HolderIdField

    for model_field in model._meta.get_fields():
        if isinstance(model_field, HolderIdField):
            return True
        if (
            model_field.is_relation
            and not model_field.auto_created
            and (model_field.concrete or model_field.many_to_many)
            and _label(model_field.related_model) in HOLDER_LABELS
        ):
            return True
    return False


def uncovered_models(models_to_check) -> list[str]:
    """Return the labels of models that need an erasure handler and have none."""
    covered = covered_models()
    return [
        model._meta.label
        for model in models_to_check
        if not (model._meta.proxy or model._meta.abstract or model._meta.auto_created)
        # The encryption layer's test models are no processing of the practice.
        and not getattr(model._meta.app_config, "test_only", False)
        and model._meta.label_lower not in covered
        and needs_erasure(model)
    ]


@checks.register()
def check_erasure(app_configs=None, **kwargs):
    models_to_check = (
        [m for config in app_configs for m in config.get_models()]
        if app_configs
        else apps.get_models()
    )
    errors = [
        checks.Error(
            f"{label} holds rows of a client or an organisation (a HolderIdField "
            "or a foreign key to one) but no erasure handler covers it: register "
            "one in its app's erasure.py (refleact.erasure.register_erasure).",
            id="erasure.E001",
        )
        for label in uncovered_models(models_to_check)
    ]
    for handler in handlers():
        for label in handler.models:
            try:
                apps.get_model(label)
            except (LookupError, ValueError):
                errors.append(
                    checks.Error(
                        f"erasure handler {handler.name} covers {label}, which "
                        "does not exist.",
                        id="erasure.E002",
                    )
                )
    return errors
