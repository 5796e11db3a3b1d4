from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeystoreConfig(AppConfig):
    name = "refleact.keystore"
    label = "keystore"
    verbose_name = _("Key store")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from refleact.keystore import (
            blindbuild,
            checks,  # noqa: F401  (registers the checks)
        )

        post_migrate.connect(
            blindbuild.rebuild_after_migrate,
            sender=self,
            dispatch_uid="refleact.keystore.blindbuild.rebuild_after_migrate",
        )
