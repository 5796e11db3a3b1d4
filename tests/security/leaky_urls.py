"""The project's URLconf plus one deliberately leaky view, for
test_planted_leaks.py only (it switches ROOT_URLCONF to this module)."""

from django.http import HttpResponse
from django.urls import path

from clients.models import Client
from refleact.urls import urlpatterns as project_urlpatterns


def leaky_client_view(request, object_id):
    # The bug the suite must catch: no login, no access rule, a name on screen.
    client = Client.objects.get(pk=object_id)
    return HttpResponse(f"{client.first_name} {client.last_name}")


urlpatterns = [
    *project_urlpatterns,
    path("leaky/<uuid:object_id>/", leaky_client_view, name="leaky"),
]
