"""Every admin page that shows a client's data leaves its rows in the access log.

The walk takes the admin's registered ModelAdmins and their URL patterns, so a
page added later is walked without listing it here. Each page is rendered for the
owner over a practice of a realistic shape; wherever its HTML names a client, an
organisation, or shows a dossier entry, an appointment's note or an evaluation's
answers, the request must have recorded that very row (model, id and holder).
"""

from __future__ import annotations

import html
import itertools
import json
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import NoReverseMatch, URLPattern, reverse

from clients.models import Client
from dossiers.models import Trajectory
from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    EvaluationFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    OrganisationFactory,
    TrajectoryFactory,
)
from refleact.testing.personas import make_user

pytestmark = pytest.mark.django_db(databases="__all__")


@dataclass(frozen=True)
class Shown:
    """A text on a page that only this row's data puts there."""

    text: str
    row: models.Model


@pytest.fixture
def practice(owner, coach):
    """An organisation with two clients, a client with two coaches and two
    trajectories, a training for another organisation, and in each trajectory an
    entry, an appointment, an evaluation and an invoice."""
    second = make_user("second", role="coach")
    care = OrganisationFactory(name="Zuiderzee Zorggroep")
    builders = OrganisationFactory(name="Friese Bouwcombinatie")
    anna = ClientFactory(
        first_name="Annelies",
        last_name="Wijnberg",
        kind=Client.Kind.CONTACT,
        organisation=care,
        coaches=[coach, second],
    )
    bart = ClientFactory(
        first_name="Bartholomeus",
        last_name="Kloosterman",
        kind=Client.Kind.CONTACT,
        organisation=care,
        coaches=[coach, second],
    )
    cees = ClientFactory(first_name="Ceesje", last_name="Overdiep", coaches=[second])
    training = TrajectoryFactory(
        kind=Trajectory.Kind.TRAINING,
        client=None,
        organisation=builders,
        holder_id=builders.holder_id,
        coach=coach,
    )
    training.participants.add(bart, cees)
    coaching = [
        TrajectoryFactory(client=anna, coach=coach),
        TrajectoryFactory(client=anna, coach=second),
        TrajectoryFactory(client=bart, coach=coach),
        TrajectoryFactory(client=cees, coach=second),
    ]
    shown = [Shown(str(c), c) for c in (anna, bart, cees)]
    shown += [Shown(o.name, o) for o in (care, builders)]
    number = itertools.count(1)
    for trajectory in [*coaching, training]:
        n = next(number)
        if trajectory.kind == Trajectory.Kind.COACHING:
            entry = DossierEntryFactory(
                trajectory=trajectory,
                title=f"Werkdruknotitie {n}",
                body=f"Gespreksverslag nummer {n} over grenzen stellen",
                attachment=SimpleUploadedFile(f"verslag-{n}.txt", b"geheim")
                if n == 1
                else None,
            )
            shown += [Shown(entry.title, entry), Shown(entry.body, entry)]
        appointment = AppointmentFactory(
            trajectory=trajectory, note=f"Afspraaknotitie {n}: rooster meenemen"
        )
        evaluation = EvaluationFactory(
            trajectory=trajectory, answers=f"Evaluatieantwoord {n}: helder en nuttig"
        )
        shown += [Shown(appointment.note, appointment)]
        shown += [Shown(evaluation.answers, evaluation)]
        billed = trajectory.client or trajectory.organisation
        InvoiceLineFactory(
            invoice=InvoiceFactory(trajectory=trajectory, billing_name=str(billed))
        )
    return shown


def model_urls(model, model_admin):
    """Yield (url, method, data) for each page of one ModelAdmin, every row's."""
    rows = list(model._default_manager.all())
    for pattern in model_admin.urls:
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        name = f"admin:{pattern.name}"
        if "object_id" in pattern.pattern.converters:
            for row in rows:
                yield reverse(name, kwargs={"object_id": row.pk}), "get", None
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        yield url, "get", None
        if pattern.name.endswith("_changelist"):
            # A list's actions first ask for confirmation on a page of their own.
            selected = [str(row.pk) for row in rows]
            for action in ("delete_selected", *(model_admin.actions or ())):
                if isinstance(action, str):
                    yield (
                        url,
                        "post",
                        {"action": action, ACTION_CHECKBOX_NAME: selected},
                    )


def autocomplete_urls(owner):
    """Yield an autocomplete request for each autocomplete field of every admin."""
    request = type("Request", (), {"user": owner})()
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.get_autocomplete_fields(request):
            query = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
                "term": "",
            }
            yield reverse("admin:autocomplete"), "get", query


def every_page(owner):
    yield reverse("admin:index"), "get", None
    yield reverse("admin:dashboard"), "get", None
    yield from autocomplete_urls(owner)
    for model, model_admin in admin.site._registry.items():
        yield from model_urls(model, model_admin)


def page_text(response) -> str:
    content = response.content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return html.unescape(content)


def logged_rows(since: int) -> set[tuple[str, str, str]]:
    return {
        (e.model, e.object_id, str(e.holder_id))
        for e in AuditEvent.objects.filter(pk__gt=since)
    }


def key(row) -> tuple[str, str, str]:
    return (row._meta.label_lower, str(row.pk), str(row.holder_id))


def test_every_page_that_shows_client_data_logs_each_row_it_shows(
    owner, owner_http, practice
):
    missing, walked, showing = [], 0, 0
    for url, method, data in every_page(owner):
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)
        since = before.first() or 0
        response = getattr(owner_http, method)(url, data or {})
        walked += 1
        if response.status_code != 200:
            continue
        text = "" if response.streaming else page_text(response)
        found = {key(s.row) for s in practice if s.text in text}
        if found:
            showing += 1
        for row in found - logged_rows(since):
            missing.append(f"{method.upper()} {url} {data or ''}: {row}")
    assert walked > 100 and showing > 30  # the walk reached the pages
    assert "\n".join(missing) == ""


def test_downloads_and_the_invoice_pdf_log_their_row(owner, owner_http, practice):
    entry = next(s.row for s in practice if getattr(s.row, "attachment", None))
    response = owner_http.get(
        reverse("admin:dossiers_dossierentry_attachment", args=[entry.pk])
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="download", **_row(entry)).exists()
    invoice = practice[0].row.trajectories.get(coach__username="coach").invoices.get()
    assert owner_http.get(reverse("admin:dossiers_invoice_pdf", args=[invoice.pk]))
    assert AuditEvent.objects.filter(action="export", **_row(invoice)).exists()
    # The PDF names the client it bills.
    assert AuditEvent.objects.filter(action="export", **_row(practice[0].row)).exists()


def _row(row) -> dict:
    return {
        "model": row._meta.label_lower,
        "object_id": str(row.pk),
        "holder_id": row.holder_id,
    }
