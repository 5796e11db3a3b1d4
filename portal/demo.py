"""Demo portal: one client with a login and something in every section.

Idempotent: a client that already has a portal account is left as it is, so a
second run changes nothing and prints no password. Needs the data of
``clients.demo``, ``dossiers.demo`` and ``consent.demo``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.demo import demo_people
from clients.models import Client, Organisation
from consent.models import PolicyNotice
from dossiers import services as dossier_services
from dossiers.models import (
    Appointment,
    DossierEntry,
    Evaluation,
    Quote,
    QuoteLine,
    Trajectory,
)
from dossiers.quote_services import quote_line_save, quote_save
from portal import services
from portal.models import PortalAccount
from refleact.accounts.models import User
from refleact.crypto import blind

# The client consent.demo asks a PR question that is still open (clients[5]).
DEMO_CLIENT_INDEX = 5
QUESTIONS = "Wat heeft de coaching u tot nu toe opgeleverd?\nWat kan beter?"


def _client() -> Client | None:
    people = demo_people()
    if len(people) <= DEMO_CLIENT_INDEX:
        return None
    email = people[DEMO_CLIENT_INDEX]["email"]
    return blind.search(Client.objects.all(), "email_index", email).first()


def _coaching(client: Client, coach) -> Trajectory:
    found = client.trajectories.filter(
        kind=Trajectory.Kind.COACHING, status=Trajectory.Status.ACTIVE
    ).first()
    if found:
        return found
    trajectory = Trajectory(
        kind=Trajectory.Kind.COACHING,
        client=client,
        coach=coach,
        learning_question="Hoe houd ik regie over mijn agenda?",
        status=Trajectory.Status.ACTIVE,
        start_date=timezone.localdate() - timedelta(days=40),
    )
    return dossier_services.trajectory_save(actor=coach, trajectory=trajectory)


def _training(client: Client, coach) -> None:
    """An organisation's training the client takes part in, with an evaluation
    asked of them ("Trainings you take part in" in the portal)."""
    organisation = client.organisation or Organisation.objects.first()
    if organisation is None:
        return
    training = dossier_services.trajectory_save(
        actor=coach,
        trajectory=Trajectory(
            kind=Trajectory.Kind.TRAINING,
            organisation=organisation,
            coach=coach,
            learning_question="Samen beter feedback geven in het team.",
            status=Trajectory.Status.ACTIVE,
            start_date=timezone.localdate() - timedelta(days=20),
        ),
    )
    training.participants.add(client)
    dossier_services.evaluation_save(
        actor=coach,
        evaluation=Evaluation(
            trajectory=training,
            participant=client,
            moment=Evaluation.Moment.DURING,
            questions="Wat neemt u mee uit de training?",
        ),
    )


def _fill(client: Client, account: PortalAccount, coach) -> None:
    trajectory = _coaching(client, coach)
    for kind, title, body in (
        (DossierEntry.Kind.CLIENT_INFORMATION, "Mijn doelen", "Meer rust in de week."),
        (DossierEntry.Kind.PROGRESS, "Sessie 1", "Eerste verkenning van de agenda."),
        (DossierEntry.Kind.THEORY, "Het Eisenhower-principe", "Urgent en belangrijk."),
    ):
        dossier_services.dossier_entry_save(
            actor=coach,
            entry=DossierEntry(
                trajectory=trajectory, kind=kind, title=title, body=body
            ),
        )
    dossier_services.appointment_save(
        actor=coach,
        appointment=Appointment(
            trajectory=trajectory,
            starts_at=timezone.now() + timedelta(days=3),
            place="Praktijk Heerenveen",
            video_link=dossier_services.jitsi_room_url(),
        ),
    )
    dossier_services.evaluation_save(
        actor=coach,
        evaluation=Evaluation(
            trajectory=trajectory, moment=Evaluation.Moment.DURING, questions=QUESTIONS
        ),
    )
    offer = dossier_services.trajectory_save(
        actor=coach,
        trajectory=Trajectory(
            kind=Trajectory.Kind.COACHING,
            client=client,
            coach=coach,
            status=Trajectory.Status.QUOTE,
        ),
    )
    quote = quote_save(
        actor=coach,
        quote=Quote(
            trajectory=offer,
            billing_name=str(client),
            valid_until=timezone.localdate() + timedelta(days=30),
        ),
    )
    quote_line_save(
        line=QuoteLine(
            quote=quote,
            description="Vervolgtraject, 4 sessies",
            quantity=4,
            unit_price="95.00",
        )
    )
    _training(client, coach)
    services.request_submit(
        account=account,
        kind="question",
        text="Welke gegevens deelt u met mijn werkgever?",
    )
    PolicyNotice.objects.get_or_create(
        user=account.user, version=2, defaults={"emailed_at": timezone.now()}
    )


def build(*, stdout: TextIO) -> list[tuple[str, str]]:
    """Make the demo client's portal login; return [(e-mail, password)] if new."""
    client = _client()
    coach = client.coaches.first() if client else None
    if client is None or coach is None:
        stdout.write(_("Demo portal: skipped, the demo clients are missing.\n"))
        return []
    if PortalAccount.objects.filter(client=client).exists():
        stdout.write(_("Demo portal: the client login exists already.\n"))
        return []
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        account = services.account_invite(actor=coach, client=client, send_email=False)
        user = User.objects.get(pk=account.user_id)
        user.set_password(password)
        user.save(update_fields=["password"])
        account.activated_at = timezone.now()
        account.save(update_fields=["activated_at"])
        _fill(client, account, coach)
    stdout.write(_("Demo portal: one client login with something in every section.\n"))
    return [(client.email, password)]
