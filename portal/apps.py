from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Client portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What the portal adds to the admin and the dashboard: nothing below it
        # imports the portal (dependencies run one way).
        from dossiers import extensions
        from portal import admin_actions, dashboard, notices
        from refleact import dashboard as practice_dashboard

        practice_dashboard.register_deadlines(dashboard.request_deadlines)
        extensions.register_client_notice_hook(notices.client_notice_hook)
        admin_actions.install()
