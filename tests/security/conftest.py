"""The proof suite's practice: a victim client of one coach, with values to hunt.

- owner: sees everything;
- coach: works with the victim;
- outsider: another coach, must never see the victim's data;
- the victim's and another client's own logins (the portal's users).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client as HttpClient

from refleact.accounts.models import User
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

VICTIM = {
    "first_name": "Quirina",
    "last_name": "Zwanenburg-Oosterveld",
    "email": "quirina.zwanenburg@voorbeeld.nl",
    "phone": "+31687654321",
}
OTHER = {
    "first_name": "Wiebren",
    "last_name": "Heerkens-Fokkema",
    "email": "wiebren.heerkens@voorbeeld.nl",
    "phone": "+31698765432",
}
SECRET_NOTE = "Vertrouwelijk: de burn-out van Quirina in maart"


def personal_values(person: dict) -> list[str]:
    """The strings that must never show where they do not belong."""
    return [
        f"{person['first_name']} {person['last_name']}",
        person["last_name"],
        person["email"],
        person["phone"],
        person["phone"].replace("+31", "0"),
    ]


@dataclass
class Practice:
    victim: object
    other: object
    objects: list = field(default_factory=list)  # every row of the victim's
    victim_login: User | None = None
    other_login: User | None = None

    @property
    def victim_values(self) -> list[str]:
        return [*personal_values(VICTIM), SECRET_NOTE]

    @property
    def other_values(self) -> list[str]:
        return personal_values(OTHER)


def build_client(person: dict, *, coach, note: str | None = None) -> list:
    organisation = OrganisationFactory()
    client = ClientFactory(organisation=organisation, coaches=[coach], **person)
    trajectory = TrajectoryFactory(client=client, coach=coach)
    entry = DossierEntryFactory(trajectory=trajectory, body=note or "Een sessie.")
    invoice = InvoiceFactory(trajectory=trajectory)
    return [
        client,
        organisation,
        trajectory,
        entry,
        AppointmentFactory(trajectory=trajectory),
        EvaluationFactory(trajectory=trajectory),
        invoice,
        InvoiceLineFactory(invoice=invoice),
    ]


@pytest.fixture
def practice(coach, outsider, owner) -> Practice:
    victim_rows = build_client(VICTIM, coach=coach, note=SECRET_NOTE)
    other_rows = build_client(OTHER, coach=outsider)
    victim, other = victim_rows[0], other_rows[0]
    return Practice(
        victim=victim,
        other=other,
        objects=victim_rows,
        victim_login=User.objects.create_user(
            username="client.victim", holder_id=victim.holder_id
        ),
        other_login=User.objects.create_user(
            username="client.other", holder_id=other.holder_id
        ),
    )


@pytest.fixture
def logged_in():
    def login(user) -> HttpClient:
        http = HttpClient(raise_request_exception=False)
        if user is not None:
            http.force_login(user)
        return http

    return login
