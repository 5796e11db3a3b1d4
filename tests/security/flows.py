"""The main flows a log-capture test drives: admin pages, search, errors, every
scheduled sweep (retention, notices) and every e-mail they send."""

from __future__ import annotations

from django.test import Client as HttpClient
from django.urls import reverse

from refleact.celery import app as celery_app


def drive_admin(http: HttpClient, practice) -> None:
    victim = practice.victim
    trajectory = practice.objects[2]
    invoice = practice.objects[6]
    for url in (
        reverse("admin:index"),
        reverse("admin:dashboard"),
        reverse("admin:clients_client_changelist"),
        reverse("admin:clients_client_change", args=[victim.pk]),
        reverse("admin:clients_client_history", args=[victim.pk]),
        reverse("admin:clients_client_delete", args=[victim.pk]),
        reverse("admin:dossiers_trajectory_changelist"),
        reverse("admin:dossiers_trajectory_change", args=[trajectory.pk]),
        reverse("admin:dossiers_invoice_change", args=[invoice.pk]),
        reverse("admin:audit_auditevent_changelist"),
        reverse("admin:dossiers_invoice_changelist") + "?number__regex=(",
        "/no-such-page/",
    ):
        http.get(url)
    # A search for the victim's name and e-mail: the term must stay out of logs.
    for term in (practice.victim.last_name, practice.victim.email):
        http.post(reverse("admin:clients_client_changelist"), {"q": term})
        http.get(
            reverse("admin:autocomplete"),
            {
                "term": term,
                "app_label": "dossiers",
                "model_name": "trajectory",
                "field_name": "client",
            },
        )


def drive_refusals(practice) -> None:
    # A login typed with the client's e-mail address, and a CSRF failure.
    anonymous = HttpClient(enforce_csrf_checks=True)
    anonymous.post(
        reverse("admin:login"),
        {"username": practice.victim.email, "password": "wrong"},  # noqa: S106
    )
    HttpClient().post(
        reverse("admin:login"),
        {"username": practice.victim.email, "password": "wrong"},  # noqa: S106
    )


def drive_sweeps() -> None:
    """Run every scheduled task once, in-process (retention, notices, purges)."""
    # Import the apps' tasks modules directly: loader.import_default_modules()
    # makes Celery's Django fixup call django.setup() again, which reapplies
    # LOGGING and drops a capture handler attached to the root logger.
    celery_app.autodiscover_tasks(force=True)
    for entry in celery_app.conf.beat_schedule.values():
        celery_app.tasks[entry["task"]].apply(throw=False)
