from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeystoreConfig(AppConfig):
    name = "refleact.keystore"
    label = "keystore"
    verbose_name = _("Key store")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from refleact.keystore import checks  # noqa: F401  (registers the checks)
