from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from refleact import health

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("privacy/", include("consent.urls")),
    path("portal/", include("portal.urls")),
    # Answered by refleact.health.ProbeMiddleware; named here for the resolver.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
