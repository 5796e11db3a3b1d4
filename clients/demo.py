"""Demo organisations and clients: invented Dutch names (Faker nl_NL, seeded).

Idempotent: every client is found again by its e-mail (through the blind
index), every organisation by its name, so a second run changes nothing.
"""

from __future__ import annotations

import random
import unicodedata
from typing import TextIO

from django.db import transaction
from django.utils.translation import gettext as _
from faker import Faker

from clients import services
from clients.models import Client, Organisation
from refleact.accounts.demo import COACH_USERNAMES
from refleact.accounts.models import User
from refleact.crypto import blind

SEED = 2026
CLIENT_COUNT = 20
ORGANISATIONS = (
    "Bakkerij De Gouden Korrel",
    "Zorggroep Het Lindehof",
    "Installatiebedrijf Veldhuis",
    "Gemeente Voorbeeldlaan",
)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if c.isalnum() and c.isascii()).lower()


def demo_people() -> list[dict]:
    """Return the demo clients' data: the same list on every run."""
    fake = Faker("nl_NL")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)  # noqa: S311  (seeded on purpose: the same demo each run)
    people = []
    for index in range(CLIENT_COUNT):
        first, last = fake.first_name(), fake.last_name()
        organisation = (
            ORGANISATIONS[index % len(ORGANISATIONS)] if index % 3 == 0 else None
        )
        people.append(
            {
                "first_name": first,
                "last_name": last,
                # example.* domains are reserved: no demo mail can reach a real person.
                "email": f"{_ascii(first)}.{_ascii(last)}{index}@voorbeeld.example",
                "phone": f"06{rng.randrange(12_000_000, 39_999_999)}",
                "kind": Client.Kind.CONTACT if organisation else Client.Kind.PRIVATE,
                "organisation": organisation,
                "language": "en" if index % 7 == 3 else "nl",
                "coach": COACH_USERNAMES[index % 2],
            }
        )
    return people


def organisation_get_or_create(*, actor, name: str) -> Organisation:
    found = [
        o
        for o in blind.search(Organisation.objects.all(), "name_index", name)
        if o.name == name
    ]
    if found:
        return found[0]
    return services.organisation_save(
        actor=actor,
        organisation=Organisation(
            name=name,
            billing_name=f"{name}, t.a.v. de crediteurenadministratie",
            billing_address="Postbus 100\n8440 AC Heerenveen",
            billing_email="facturen@voorbeeld.example",
        ),
    )


def build(*, stdout: TextIO) -> None:
    owner = User.objects.filter(is_superuser=True).order_by("date_joined").first()
    coaches = {u.username: u for u in User.objects.filter(username__in=COACH_USERNAMES)}
    created = 0
    with transaction.atomic():
        for person in demo_people():
            if blind.search(
                Client.objects.all(), "email_index", person["email"]
            ).exists():
                continue
            organisation = (
                organisation_get_or_create(actor=owner, name=person["organisation"])
                if person["organisation"]
                else None
            )
            services.client_create(
                actor=owner,
                coaches=[coaches[person["coach"]]]
                if person["coach"] in coaches
                else [],
                first_name=person["first_name"],
                last_name=person["last_name"],
                email=person["email"],
                phone=person["phone"],
                kind=person["kind"],
                organisation=organisation,
                language=person["language"],
            )
            created += 1
    stdout.write(
        _("Demo clients: %(created)d created, %(existing)d already there.\n")
        % {"created": created, "existing": CLIENT_COUNT - created}
    )
