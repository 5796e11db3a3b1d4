from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreachesConfig(AppConfig):
    name = "breaches"
    verbose_name = _("Data breaches")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What breaches adds to the dashboard: the admin site imports nothing here.
        from breaches import dashboard
        from refleact import dashboard as practice_dashboard

        practice_dashboard.register_section(dashboard.SECTION)
        practice_dashboard.register_deadlines(dashboard.breach_deadlines)
