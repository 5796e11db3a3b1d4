"""Error pages speak Dutch (English on request) and say what to do, never how."""

from __future__ import annotations

import uuid

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db(databases="__all__")


def test_not_found_is_a_dutch_page(coach_http):
    url = reverse("admin:clients_client_change", args=[uuid.uuid4()])
    response = coach_http.get(url, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Deze pagina is niet gevonden" in page
    assert "Not Found" not in page and "requested resource" not in page


def test_a_refused_lookup_is_a_dutch_bad_request(coach_http):
    url = reverse("admin:dossiers_invoice_changelist") + "?number__regex=("
    response = coach_http.get(url, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400
    assert "Dit verzoek kon niet worden verwerkt" in response.content.decode()


def test_no_access_is_a_dutch_page(coach_http):
    response = coach_http.get(
        reverse("admin:clients_client_hand_over"), HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 403
    assert "U hebt geen toegang tot deze pagina" in response.content.decode()


def test_server_error_page_in_both_languages():
    request = RequestFactory().get("/")
    with translation.override("nl"):
        dutch = server_error(request).content.decode()
    with translation.override("en"):
        english = server_error(request).content.decode()
    assert "Er ging bij ons iets mis" in dutch and 'lang="nl"' in dutch
    assert "Something went wrong on our side" in english
    assert "Traceback" not in dutch + english
