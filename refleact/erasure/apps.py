from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ErasureConfig(AppConfig):
    """Erasure at the end of a trajectory: the handlers' registry and its check."""

    name = "refleact.erasure"
    label = "erasure"
    verbose_name = _("Erasure")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from refleact.erasure import checks  # noqa: F401  (registers the check)

        # Each app declares the erasure of its own rows in <app>/erasure.py.
        autodiscover_modules("erasure")
