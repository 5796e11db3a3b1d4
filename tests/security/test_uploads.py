"""Uploads are limited in size while they stream in, and every stored file goes
back out as a download, never rendered in the site's origin (issue 15, 5).

The portal lets a client share a document with their coach (portal:dossier);
the coach opens it in the admin. Any type is accepted: what the uploader calls
it is not trusted (refleact/crypto/files.py serves every file with
`Content-Disposition: attachment` and `X-Content-Type-Options: nosniff`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from dossiers.models import DossierEntry
from portal import services as portal_services
from portal.tests.conftest import activate
from portal.tests.conftest import logged_in as portal_login
from refleact.crypto.files import CHUNK
from refleact.testing.factories import ClientFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__")

LIMIT = 3 * CHUNK
HTML = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def sharing(coach, settings, django_capture_on_commit_callbacks):
    """A client with an activated portal login and an open coaching trajectory."""
    settings.SEALED_UPLOAD_MAX_BYTES = LIMIT
    client = ClientFactory(email="uploader@example.invalid", coaches=[coach])
    trajectory = TrajectoryFactory(client=client, coach=coach)
    with django_capture_on_commit_callbacks(execute=True):
        account = portal_services.account_invite(actor=coach, client=client)
    return portal_login(activate(account)), trajectory


def _share(http: HttpClient, trajectory, upload):
    return http.post(
        reverse("portal:dossier"),
        {"trajectory": str(trajectory.pk), "title": "Stuk", "attachment": upload},
    )


def _stored_files() -> list[Path]:
    root = Path(settings.SEALED_FILES_DIR)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_upload_over_the_limit_is_dropped_and_nothing_is_stored(sharing):
    http, trajectory = sharing
    response = _share(
        http, trajectory, SimpleUploadedFile("groot.pdf", b"x" * (LIMIT + 1))
    )
    assert response.status_code == 200  # the form again, with its error
    assert not DossierEntry.objects.filter(trajectory=trajectory).exists()
    assert _stored_files() == []


def test_an_upload_at_the_limit_is_kept(sharing):
    http, trajectory = sharing
    response = _share(http, trajectory, SimpleUploadedFile("net.pdf", b"x" * LIMIT))
    assert response.status_code == 302
    entry = DossierEntry.objects.get(trajectory=trajectory)
    assert entry.attachment.size == LIMIT
    assert len(_stored_files()) == 1


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        # Types a browser could show inline go out as downloads, whatever they hold.
        ("verslag.pdf", "application/pdf"),
        ("notitie.txt", "text/plain"),
        ("foto.png", "image/png"),
    ],
)
def test_a_shared_file_is_served_only_as_a_download(
    sharing, coach, logged_in, name, content_type
):
    http, trajectory = sharing
    upload = SimpleUploadedFile(name, HTML, content_type=content_type)
    assert _share(http, trajectory, upload).status_code == 302
    entry = DossierEntry.objects.get(trajectory=trajectory)
    responses = [
        http.get(reverse("portal:attachment", args=[entry.pk])),
        logged_in(coach).get(
            reverse("admin:dossiers_dossierentry_attachment", args=[entry.pk])
        ),
    ]
    for response in responses:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == HTML


@pytest.mark.parametrize(
    "name", ["pagina.html", "plaatje.svg", "script.js", "programma.exe", "zonder"]
)
def test_a_type_off_the_allow_list_is_refused_with_a_form_error(sharing, name):
    http, trajectory = sharing
    upload = SimpleUploadedFile(name, HTML, content_type="text/html")
    response = _share(http, trajectory, upload)
    assert response.status_code == 200  # the form again, with its error
    assert not DossierEntry.objects.filter(trajectory=trajectory).exists()


def test_the_coachs_attachment_is_held_to_the_same_allow_list(coach, logged_in):
    from dossiers.models import Trajectory
    from refleact.testing.factories import ClientFactory, TrajectoryFactory

    trajectory = TrajectoryFactory(
        client=ClientFactory(coaches=[coach]),
        coach=coach,
        kind=Trajectory.Kind.COACHING,
    )
    http = logged_in(coach)
    response = http.post(
        reverse("admin:dossiers_dossierentry_add"),
        {
            "trajectory": str(trajectory.pk),
            "kind": "progress",
            "title": "Bijlage",
            "body": "",
            "attachment": SimpleUploadedFile("x.html", HTML, content_type="text/html"),
        },
    )
    assert response.status_code == 200
    assert "attachment" in response.context["adminform"].form.errors
    assert not DossierEntry.objects.filter(trajectory=trajectory).exists()
