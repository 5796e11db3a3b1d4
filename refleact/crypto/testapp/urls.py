"""Test-only URLs (use with @pytest.mark.urls("refleact.crypto.testapp.urls"))."""

from django.urls import path

from refleact.crypto.testapp import views

urlpatterns = [
    path("persons/<uuid:person_pk>/notes/", views.note_upload, name="note_upload"),
    path("notes/<uuid:note_pk>/attachment/", views.note_download, name="note_download"),
]
