from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Trajectories and dossiers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What the dossiers app adds to clients and to the dashboard: clients and
        # the admin site import nothing from here (dependencies run one way).
        from clients import extensions
        from dossiers import client_page, dashboard, retention_page, services
        from dossiers.models import Trajectory
        from refleact import dashboard as practice_dashboard

        # A coach sees the organisation of a trajectory they coach.
        extensions.register_organisation_use(
            extensions.OrganisationUse(model=Trajectory, coach_lookup="coach")
        )
        extensions.register_hand_over_step(services.trajectories_hand_over)
        extensions.register_client_section(
            extensions.ClientSection(
                key="trajectories",
                title=_("trajectories"),
                render=client_page.trajectories_section,
            )
        )
        extensions.register_client_section(
            extensions.ClientSection(
                key="timeline",
                title=_("timeline"),
                render=client_page.timeline_section,
            )
        )
        extensions.register_client_section(
            extensions.ClientSection(
                key="retention",
                title=_("retention"),
                render=retention_page.retention_section,
            )
        )
        for section in dashboard.SECTIONS:
            practice_dashboard.register_section(section)
        # The retention sweep's coming actions and its last run (issue 12).
        practice_dashboard.register_deadlines(retention_page.retention_deadlines)
        practice_dashboard.register_section(retention_page.SECTION)
