"""Demo trajectories in every kind and status, with dossiers, appointments,
evaluations and invoices. All texts are invented.

Idempotent: a client who already has a trajectory is left alone, so a second
run changes nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.demo import SEED, demo_people
from clients.models import Client
from dossiers import services
from dossiers.models import (
    Appointment,
    DossierEntry,
    Evaluation,
    Invoice,
    InvoiceLine,
    PracticeDetails,
    Trajectory,
)
from refleact.crypto import blind

LEARNING_QUESTIONS = (
    "Hoe houd ik overzicht en rust in drukke weken?",
    "Hoe geef ik feedback zonder de relatie te schaden?",
    "Welke stap past bij mij na de reorganisatie?",
    "Hoe kan ik als nieuwe leidinggevende mijn team meenemen?",
    "Hoe ga ik om met spanning voor presentaties?",
)
THEORY = (
    (
        "Johari-venster",
        "Het Johari-venster onderscheidt open, blinde, verborgen en onbekende kwadranten.",
    ),
    (
        "Roos van Leary",
        "De Roos van Leary beschrijft gedrag op de assen boven-onder en samen-tegen.",
    ),
    (
        "Kernkwadrant",
        "Een kernkwadrant verbindt kernkwaliteit, valkuil, uitdaging en allergie.",
    ),
)
PROGRESS = (
    "Sessie {n}: we bespraken situaties waarin de cliënt zich gehoord voelde. Huiswerk: drie voorbeelden noteren.",
    "Sessie {n}: oefening met grenzen aangeven. Energie duidelijk hoger dan vorige keer.",
    "Sessie {n}: terugblik op de doelen; de cliënt ervaart meer regie in de agenda.",
)
SHARED = (
    "Wat ik wil bereiken: beter kunnen prioriteren en vaker nee zeggen.",
    "Mijn werk bestaat uit plannen en afstemmen met drie teams.",
)
PLAN = [
    (Trajectory.Kind.COACHING, Trajectory.Status.ACTIVE),
    (Trajectory.Kind.COACHING, Trajectory.Status.PLANNED),
    (Trajectory.Kind.ADVICE, Trajectory.Status.QUOTE),
    (Trajectory.Kind.COACHING, Trajectory.Status.INTAKE),
    (Trajectory.Kind.COACHING, Trajectory.Status.CLOSED),
    (Trajectory.Kind.TRAINING, Trajectory.Status.ACTIVE),
    (Trajectory.Kind.ADVICE, Trajectory.Status.CLOSED),
]


def _practice_details() -> None:
    details = PracticeDetails.load()
    if not details.kvk_number:
        PracticeDetails.objects.filter(pk=details.pk).update(
            name="Refleact",
            address="Voorbeeldlaan 1",
            postcode_city="8440 AA Heerenveen",
            email="info@refleact.example",
            phone="0513 000 000",
            kvk_number="00000000",
            vat_id="NL000000000B01",
            iban="NL00BANK0123456789",
        )


def build(*, stdout: TextIO) -> None:
    rng = random.Random(SEED + 1)  # noqa: S311  (seeded on purpose: the same demo each run)
    now = timezone.now()
    _practice_details()
    made = 0
    for index, person in enumerate(demo_people()):
        client = blind.search(
            Client.objects.all(), "email_index", person["email"]
        ).first()
        if client is None or client.trajectories.exists():
            continue
        coach = client.coaches.first()
        if coach is None:
            continue
        kind, status = PLAN[index % len(PLAN)]
        with transaction.atomic():
            _trajectory_build(
                client=client, coach=coach, kind=kind, status=status, rng=rng, now=now
            )
        made += 1
    stdout.write(_("Demo trajectories: %(made)d created.\n") % {"made": made})


def _trajectory_build(*, client, coach, kind, status, rng, now) -> None:
    start = timezone.localdate(now) - datetime.timedelta(days=rng.randrange(10, 120))
    trajectory = Trajectory(
        kind=kind,
        client=client,
        organisation=client.organisation if kind == Trajectory.Kind.TRAINING else None,
        coach=coach,
        learning_question=rng.choice(LEARNING_QUESTIONS),
        status=Trajectory.Status.INTAKE,
        start_date=start,
    )
    services.trajectory_save(actor=coach, trajectory=trajectory)
    # Walk the statuses in order, so the status history is complete.
    order = [s for s in Trajectory.Status.values if s != Trajectory.Status.CLOSED]
    target = status if status != Trajectory.Status.CLOSED else Trajectory.Status.ACTIVE
    for step in order[1 : order.index(target) + 1]:
        trajectory.status = step
        services.trajectory_save(actor=coach, trajectory=trajectory)

    if kind == Trajectory.Kind.COACHING and status != Trajectory.Status.INTAKE:
        services.dossier_entry_save(
            actor=coach,
            entry=DossierEntry(
                trajectory=trajectory,
                kind=DossierEntry.Kind.CLIENT_INFORMATION,
                title="Intakevragenlijst",
                body=rng.choice(SHARED),
            ),
        )
        title, body = rng.choice(THEORY)
        services.dossier_entry_save(
            actor=coach,
            entry=DossierEntry(
                trajectory=trajectory,
                kind=DossierEntry.Kind.THEORY,
                title=title,
                body=body,
                attachment=SimpleUploadedFile(
                    f"{title.lower().replace(' ', '-')}.txt",
                    (body + "\n").encode() * 20,
                    content_type="text/plain",
                ),
            ),
        )
        for n in range(1, rng.randrange(2, 4) + 1):
            services.dossier_entry_save(
                actor=coach,
                entry=DossierEntry(
                    trajectory=trajectory,
                    kind=DossierEntry.Kind.PROGRESS,
                    title=f"Voortgang sessie {n}",
                    body=rng.choice(PROGRESS).format(n=n),
                ),
            )
    if status in (Trajectory.Status.PLANNED, Trajectory.Status.ACTIVE):
        for days in (1, 4, 12):
            starts = (now + datetime.timedelta(days=days)).replace(
                hour=9 + rng.randrange(0, 7), minute=0, second=0, microsecond=0
            )
            services.appointment_save(
                actor=coach,
                appointment=Appointment(
                    trajectory=trajectory,
                    starts_at=starts,
                    duration_minutes=rng.choice((45, 60, 90)),
                    video_link=services.jitsi_room_url() if days == 4 else "",
                    place="" if days == 4 else "Praktijkruimte Heerenveen",
                ),
            )
    if status in (Trajectory.Status.ACTIVE, Trajectory.Status.CLOSED):
        services.evaluation_save(
            actor=coach,
            evaluation=Evaluation(
                trajectory=trajectory,
                moment=Evaluation.Moment.DURING,
                questions="Wat heeft de begeleiding je tot nu toe opgeleverd?\nWelk cijfer geef je?",
                answers="Meer overzicht en rust.\n8",
            ),
        )
        billing = services.invoice_billing_defaults(user=coach, trajectory=trajectory)
        billing["billing_address"] = (
            billing.get("billing_address") or "Voorbeeldstraat 12\n8441 AB Heerenveen"
        )
        invoice = services.invoice_save(
            actor=coach,
            invoice=Invoice(
                trajectory=trajectory,
                service_from=trajectory.start_date or timezone.localdate(),
                **billing,
            ),
        )
        vat = (
            InvoiceLine.VatRate.EXEMPT
            if kind == Trajectory.Kind.TRAINING
            else InvoiceLine.VatRate.HIGH
        )
        services.invoice_line_save(
            line=InvoiceLine(
                invoice=invoice,
                description=f"{trajectory.get_kind_display().capitalize()}, sessies",
                quantity=Decimal(rng.randrange(2, 6)),
                unit_price=Decimal("95.00"),
                vat_rate=vat,
                position=1,
            )
        )
        if status == Trajectory.Status.CLOSED:
            services.invoice_issue(actor=coach, invoice=invoice)
    if status == Trajectory.Status.CLOSED:
        services.trajectory_close(
            actor=coach,
            trajectory=trajectory,
            retention=rng.choice(Trajectory.Retention.values),
        )
