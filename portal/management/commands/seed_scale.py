"""`manage.py seed_scale --clients N [--coaches C] [--force]`: volumes for benchmarks.

Invented clients at platform scale, written in bulk through the project's own
models and key rules: every client its own data key (``EncryptedQuerySet.bulk_create``
makes all missing keys of a batch in one key-store transaction), every row's
``holder_id`` its client's (invoices the practice's), and the blind indexes
written to the key store by the same ``bulk_create``. Per client: three
trajectories (coaching, training, advice; the statuses go round so every status
is there), 30 dossier entries on the coaching one, two appointments, one
evaluation, one consent record, one invoice with one line, and two access-log
rows. One client in ten is an organisation's contact person.

It lives in the portal because the portal is the one app allowed to import all
the others (tests/test_app_dependencies.py). Coach accounts are ``scale-<run>-coach-<n>``,
the owner ``scale-owner``; they share one (random, unprinted) password hash and
log in by ``force_login`` in the benchmarks. It refuses a database holding rows
it did not seed (users not named ``scale-``, clients without a seeded coach)
unless ``--force``: it is for throwaway benchmark databases, never a practice's.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client, Organisation
from consent.models import ConsentRecord
from consent.models.ledger import CONTACT_AFTER
from consent.selectors import purpose_get
from dossiers.models import (
    Appointment,
    DossierEntry,
    Evaluation,
    Invoice,
    InvoiceLine,
    Trajectory,
)
from refleact.accounts.models import User
from refleact.audit.models import AuditEvent
from refleact.crypto import keyring

PREFIX = "scale-"
OWNER = "scale-owner"
BATCH = 250  # clients per transaction
ENTRIES = 30
CLIENTS_PER_COACH = 200

FIRST = (
    "Anouk Bram Chantal Daan Emile Fenna Gijs Hanna Ids Jasmijn Koen Lotte Maarten "
    "Noor Olaf Pien Quinten Roos Sem Tess Uriël Vera Wouter Yara Zeger Ilse Joris "
    "Marieke Niels Sanne Thijs Femke Ruben Eline Stijn Lieke Bas Floor Hidde Merel"
).split()
LAST = (
    "de Vries|Jansen|van den Berg|Bakker|Visser|Smit|Meijer|de Boer|Mulder|de Groot|"
    "Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|"
    "de Graaf|van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|"
    "van der Veen|van den Broek|de Bruijn|de Jong|Schouten|Hoekstra|Postma|Wijnja|"
    "Kuipers|Veenstra|Zijlstra|Terpstra|Hofstra|Bosma|Boersma|Sikkema|Haringsma"
).split("|")
WORDS = (
    "leervraag voortgang gesprek doel reflectie afspraak werk energie grens "
    "feedback rol team keuze inzicht stap oefening patroon waarde balans"
).split()
STATUSES = list(Trajectory.Status.values)
KINDS = (Trajectory.Kind.COACHING, Trajectory.Kind.TRAINING, Trajectory.Kind.ADVICE)


def foreign_rows() -> int:
    """Return how many users and clients this command did not seed."""
    users = User.objects.exclude(username__startswith=PREFIX).count()
    clients = (
        Client.objects.exclude(coaches__username__startswith=PREFIX).order_by().count()
    )
    return users + clients


class Command(BaseCommand):
    help = gettext_lazy(
        "Create invented clients with their trajectories, dossiers and keys in bulk, "
        "for benchmarks on a throwaway database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--clients", type=int, required=True)
        parser.add_argument(
            "--coaches",
            type=int,
            default=None,
            help=gettext_lazy("Coaches to spread the clients over (default N/200)."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_lazy("Also run on a database that holds other data."),
        )
        parser.add_argument("--seed", type=int, default=16, help="random seed")

    def handle(self, *args, clients: int, coaches, force: bool, seed: int, **options):
        if clients < 1:
            raise CommandError(_("--clients must be 1 or more."))
        coaches = (
            coaches if coaches is not None else max(1, clients // CLIENTS_PER_COACH)
        )
        if coaches < 1:
            raise CommandError(_("--coaches must be 1 or more."))
        if not force and foreign_rows():
            raise CommandError(
                _(
                    "This database holds users or clients that seed_scale did not "
                    "create. It only adds invented data to a throwaway database; "
                    "pass --force to add it anyway."
                )
            )
        started = time.perf_counter()
        rng = random.Random(seed)  # noqa: S311 - invented data, not secrets
        rows = Seeder(rng, coaches=coaches).run(clients)
        statistics_update()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            _(
                "Seeded %(clients)d clients over %(coaches)d coaches: %(rows)d rows "
                "in %(seconds).1f s (%(rate).0f rows per second)."
            )
            % {
                "clients": clients,
                "coaches": coaches,
                "rows": rows,
                "seconds": elapsed,
                "rate": rows / elapsed if elapsed else 0,
            }
        )


def statistics_update() -> None:
    """Give PostgreSQL's planner statistics of what was just bulk-inserted.

    PostgreSQL's advice after a bulk load: ANALYZE. Until autovacuum gets to it
    the planner guesses 150 trajectories a client and reads all 300,000 entries
    of a 10,000-client seed for one client page, which no running database
    (analysed by autovacuum) does. SQLite's planner needs no statistics here.
    """
    for alias in ("default", "keystore"):
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        # The tables of this database's models only: a bare ANALYZE also takes
        # the shared catalogs (pg_authid, ...), and inside a transaction (a test)
        # the first database's lock on them would block the second's for good.
        with connection.cursor() as cursor:
            present = set(connection.introspection.table_names(cursor))
        tables = sorted(
            {
                model._meta.db_table
                for model in apps.get_models(include_auto_created=True)
                if model._meta.managed
                and not model._meta.proxy
                and router.db_for_write(model) == alias
            }
            & present
        )
        if not tables:
            continue  # a bare ANALYZE would take the shared catalogs
        quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {quoted}")  # noqa: S608 - model table names


class Seeder:
    def __init__(self, rng: random.Random, *, coaches: int) -> None:
        self.rng = rng
        self.coach_count = coaches
        self.run_tag = secrets.token_hex(3)
        self.now = timezone.now()
        self.rows = 0

    def _users(self) -> tuple[User, list[User]]:
        # One hash for all: hashing per user would cost a second each.
        password = make_password(secrets.token_urlsafe(24))
        owner, created = User.objects.get_or_create(
            username=OWNER,
            defaults={"is_staff": True, "password": password, "first_name": "Owner"},
        )
        if created:
            owner.groups.add(Group.objects.get_or_create(name="owner")[0])
        coaches = User.objects.bulk_create(
            User(
                username=f"{PREFIX}{self.run_tag}-coach-{n}",
                first_name=f"Coach {n}",
                is_staff=True,
                password=password,
            )
            for n in range(self.coach_count)
        )
        group = Group.objects.get_or_create(name="coach")[0]
        group.user_set.add(*coaches)
        self.rows += len(coaches)
        return owner, coaches

    def run(self, clients: int) -> int:
        owner, coaches = self._users()
        # Created on first use, as everywhere: no dependence on migration rows.
        purpose = purpose_get(key=CONTACT_AFTER)
        for start in range(0, clients, BATCH):
            size = min(BATCH, clients - start)
            with transaction.atomic():
                self._batch(start, size, coaches, owner, purpose)
            # The key cache empties itself at 20,000 entries; keep it small here.
            keyring.clear_cache()
        return self.rows

    def _text(self, words: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    def _batch(self, start, size, coaches, owner, purpose) -> None:
        rng, now = self.rng, self.now
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"{rng.choice(LAST)} {rng.choice(['BV', 'Zorg', 'Groep'])}",
                billing_address="Postbus 12\n8440 AA Heerenveen",
                created_by=owner,
            )
            for _ in range(max(1, size // 25))
        )
        people = []
        for n in range(start, start + size):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            contact = n % 10 == 0
            people.append(
                Client(
                    first_name=first,
                    last_name=last,
                    email=f"{first}.{last.replace(' ', '')}.{self.run_tag}{n}@voorbeeld.example".lower(),
                    phone=f"+316{rng.randrange(10**7, 10**8)}",
                    kind=Client.Kind.CONTACT if contact else Client.Kind.PRIVATE,
                    organisation=rng.choice(organisations) if contact else None,
                    created_at=now - dt.timedelta(days=rng.randrange(30, 900)),
                    last_activity_at=now - dt.timedelta(minutes=rng.randrange(525_600)),
                )
            )
        people = Client.objects.bulk_create(people)
        links = Client.coaches.through
        links.objects.bulk_create(
            links(client_id=c.pk, user_id=coaches[(start + i) % len(coaches)].pk)
            for i, c in enumerate(people)
        )
        trajectories = []
        for i, client in enumerate(people):
            coach = coaches[(start + i) % len(coaches)]
            for k, kind in enumerate(KINDS):
                status = STATUSES[(start + i + k) % len(STATUSES)]
                closed = status == Trajectory.Status.CLOSED
                closed_at = now - dt.timedelta(days=rng.randrange(1, 20))
                trajectories.append(
                    Trajectory(
                        kind=kind,
                        client=client,
                        organisation=client.organisation,
                        holder_id=client.holder_id,
                        coach=coach,
                        learning_question=self._text(8),
                        status=status,
                        start_date=(
                            now - dt.timedelta(days=rng.randrange(30, 400))
                        ).date(),
                        closed_at=closed_at if closed else None,
                        retention=Trajectory.Retention.DELETE if closed else "",
                        retention_due_on=(
                            closed_at.date()
                            + dt.timedelta(days=settings.RETENTION_GRACE_DAYS)
                            if closed
                            else None
                        ),
                        last_activity_at=client.last_activity_at,
                    )
                )
        trajectories = Trajectory.objects.bulk_create(trajectories)
        coaching = [t for t in trajectories if t.kind == Trajectory.Kind.COACHING]
        entry_kinds = DossierEntry.Kind.values
        entries = DossierEntry.objects.bulk_create(
            (
                DossierEntry(
                    trajectory=t,
                    holder_id=t.holder_id,
                    kind=entry_kinds[e % len(entry_kinds)],
                    title=f"Sessie {e + 1}: {rng.choice(WORDS)}",
                    body=self._text(14),
                    author=t.coach,
                    created_at=now
                    - dt.timedelta(days=ENTRIES - e, minutes=rng.randrange(600)),
                )
                for t in coaching
                for e in range(ENTRIES)
            ),
            batch_size=2000,
        )
        appointments = Appointment.objects.bulk_create(
            Appointment(
                trajectory=t,
                holder_id=t.holder_id,
                starts_at=now + dt.timedelta(hours=rng.randrange(-2000, 2000)),
                place="Praktijk Heerenveen",
                note=self._text(6),
            )
            for t in coaching
            for _ in range(2)
        )
        evaluations = Evaluation.objects.bulk_create(
            Evaluation(
                trajectory=t,
                holder_id=t.holder_id,
                moment=Evaluation.Moment.DURING,
                questions="Wat leverde de sessie op?\nCijfer?",
                answers=self._text(10),
                submitted_at=now - dt.timedelta(days=rng.randrange(1, 60)),
            )
            for t in coaching
        )
        consents = ConsentRecord.objects.bulk_create(
            ConsentRecord(
                holder_id=c.holder_id,
                client=c,
                purpose=purpose,
                decision=ConsentRecord.Decision.GIVEN,
                decided_at=c.created_at,
                method=ConsentRecord.Method.COACH,
                recorded_by=coaches[(start + i) % len(coaches)],
                evidence_note="Mondeling akkoord in het intakegesprek.",
                language=c.language,
            )
            for i, c in enumerate(people)
        )
        invoices = Invoice.objects.bulk_create(
            Invoice(
                trajectory=t,
                billing_name=f"{t.client.first_name} {t.client.last_name}",
                billing_address="Industrieweg 4\n8444 AB Heerenveen",
                service_from=t.start_date,
            )
            for t in coaching
        )
        lines = InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=inv,
                description="Coachingsessie",
                quantity=1,
                unit_price="95.00",
            )
            for inv in invoices
        )
        events = AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=t.coach,
                action=action,
                model="dossiers.trajectory",
                object_id=str(t.pk),
                holder_id=t.holder_id,
                at=now - dt.timedelta(days=rng.randrange(1, 300)),
            )
            for t in coaching
            for action in (AuditEvent.Action.CREATE, AuditEvent.Action.VIEW)
        )
        self.rows += sum(
            map(
                len,
                (
                    organisations,
                    people,
                    people,  # the coach links
                    trajectories,
                    entries,
                    appointments,
                    evaluations,
                    consents,
                    invoices,
                    lines,
                    events,
                ),
            )
        )
