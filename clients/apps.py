from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Clients")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clients import extensions
        from clients.models import Client

        # A coach sees the organisations of the clients they work with.
        extensions.register_organisation_use(
            extensions.OrganisationUse(model=Client, coach_lookup="coaches")
        )
