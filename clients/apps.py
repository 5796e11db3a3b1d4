from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Clients")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clients import extensions
        from clients.models import Client, Organisation
        from refleact.audit import subjects

        # A coach sees the organisations of the clients they work with.
        extensions.register_organisation_use(
            extensions.OrganisationUse(model=Client, coach_lookup="coaches")
        )
        # The owner's access log filters by client (or organisation).
        subjects.register_holder_model(Client)
        subjects.register_holder_model(Organisation)
