"""factory_boy factories for client data, built through the services' rules."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from clients.models import Client, Organisation
from dossiers.models import (
    Appointment,
    DossierEntry,
    Evaluation,
    Invoice,
    InvoiceLine,
    Quote,
    QuoteLine,
    Trajectory,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Faker("company", locale="nl_NL")
    billing_address = "Postbus 12\n8440 AA Heerenveen"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"client{n}@voorbeeld.nl")
    phone = "+31612345678"

    @factory.post_generation
    def coaches(self, create, extracted, **kwargs):
        if create and extracted:
            self.coaches.add(*extracted)


class TrajectoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trajectory

    kind = Trajectory.Kind.COACHING
    client = factory.SubFactory(ClientFactory)
    holder_id = factory.LazyAttribute(lambda t: t.client.holder_id)
    learning_question = "Hoe houd ik overzicht in drukke weken?"
    status = Trajectory.Status.ACTIVE
    start_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=30)
    )


class DossierEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DossierEntry

    trajectory = factory.SubFactory(TrajectoryFactory)
    holder_id = factory.LazyAttribute(lambda e: e.trajectory.holder_id)
    kind = DossierEntry.Kind.PROGRESS
    title = "Sessie 2"
    body = "We bespraken het Johari-venster."


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    trajectory = factory.SubFactory(TrajectoryFactory)
    holder_id = factory.LazyAttribute(lambda a: a.trajectory.holder_id)
    starts_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=2)
    )
    place = "Praktijk Heerenveen"


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    trajectory = factory.SubFactory(TrajectoryFactory)
    holder_id = factory.LazyAttribute(lambda e: e.trajectory.holder_id)
    moment = Evaluation.Moment.DURING
    questions = "Wat leverde de sessie op?\nCijfer?"


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    trajectory = factory.SubFactory(TrajectoryFactory)
    billing_name = "Hoogland Installatietechniek"
    billing_address = "Industrieweg 4\n8444 AB Heerenveen"
    service_from = factory.LazyFunction(timezone.localdate)


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    description = "Coachingsessie"
    quantity = 1
    unit_price = "95.00"


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    trajectory = factory.SubFactory(TrajectoryFactory, status=Trajectory.Status.QUOTE)
    holder_id = factory.LazyAttribute(lambda q: q.trajectory.holder_id)
    billing_name = "Hoogland Installatietechniek"
    billing_address = "Industrieweg 4\n8444 AB Heerenveen"
    valid_until = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=30)
    )


class QuoteLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuoteLine

    quote = factory.SubFactory(QuoteFactory)
    holder_id = factory.LazyAttribute(lambda line: line.quote.holder_id)
    description = "Coachingtraject, 6 sessies"
    quantity = 6
    unit_price = "95.00"
