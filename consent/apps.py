from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What consent adds to the apps below it and to the dashboard: they
        # import nothing from here (dependencies run one way).
        from clients import extensions as client_extensions
        from consent import client_page, dashboard, intervision, services
        from dossiers import extensions as dossier_extensions
        from refleact import dashboard as practice_dashboard

        dossier_extensions.register_status_change_hook(
            services.contact_question_on_status_change
        )
        dossier_extensions.register_intervision_export_hook(
            intervision.disclosure_on_intervision
        )
        client_extensions.register_client_section(
            client_extensions.ClientSection(
                key="consent",
                title=_("consent"),
                render=client_page.consent_section,
            )
        )
        practice_dashboard.register_section(dashboard.SECTION)
