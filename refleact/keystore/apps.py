from django.apps import AppConfig


class KeystoreConfig(AppConfig):
    name = "refleact.keystore"
    label = "keystore"
    verbose_name = "Key store"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from refleact.keystore import checks  # noqa: F401  (registers the checks)
