"""The admin app with the coach's admin site as its default site.

Apart from ``adminsite`` because INSTALLED_APPS imports this module before the
models are ready, while the site itself imports models.
"""

from django.contrib.admin.apps import AdminConfig


class RefleactAdminConfig(AdminConfig):
    default_site = "refleact.adminsite.RefleactAdminSite"
