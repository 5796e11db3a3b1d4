"""An erased contact person is taken out of their organisation's work.

The organisation's trajectories (the trainings it holds, the trajectories it
ordered for others) are sealed under keys that live on. Whichever path erases
the contact person (their deletion request approved in the admin, or the
retention sweep once their own trajectory is done), their full name and e-mail
address go from every text of that work and from the organisation's billing
details; what is about others stays, a bare first name or surname included
(another Jan, a company called De Vries Advies). Only a contact person's
organisation's work is searched; a participant is taken out of the trainings
they take part in.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from clients.models import Client, Organisation
from dossiers import retention
from dossiers.models import Trajectory
from dossiers.services import trajectory_close
from portal import services as portal_services
from portal.models import PortalRequest
from refleact.crypto import keyring
from refleact.erasure.journal import journal_path
from refleact.erasure.models import ErasureJournalEntry
from refleact.keystore.models import DataKey
from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    EvaluationFactory,
    OrganisationFactory,
    QuoteFactory,
    QuoteLineFactory,
    TrajectoryFactory,
)
from refleact.testing.personas import portal_activate
from refleact.testing.retention import CLOCK_AND_JOURNAL, DUE, NOW

pytestmark = [pytest.mark.django_db(databases="__all__"), CLOCK_AND_JOURNAL]

NAME = ("Jorinde", "Zwartkruis")
EMAIL = "jorinde@qwerty.example"
# In the work of her organisation she is not in herself, only the forms that
# name her alone are hers: her full name (initial and all) and e-mail address.
ERASED = ("Jorinde Zwartkruis", "J. Zwartkruis", EMAIL)


@pytest.fixture
def work(coach):
    """An organisation, its contact person Jorinde and its work naming her."""
    organisation = OrganisationFactory(
        name="Zorggroep Qwerty",
        billing_name="t.a.v. Jorinde Zwartkruis",
        billing_email=EMAIL,
        billing_address="Postbus 12\n8440 AA Heerenveen",
    )
    contact = ClientFactory(
        first_name=NAME[0],
        last_name=NAME[1],
        email=EMAIL,
        kind=Client.Kind.CONTACT,
        organisation=organisation,
        coaches=[coach],
    )
    colleague = ClientFactory(
        first_name="Bertolf",
        last_name="Boekhorst",
        kind=Client.Kind.CONTACT,
        organisation=organisation,
        coaches=[coach],
    )
    course = TrajectoryFactory(
        kind=Trajectory.Kind.TRAINING,
        client=None,
        organisation=organisation,
        holder_id=organisation.holder_id,
        coach=coach,
        learning_question="Jorinde Zwartkruis (HR) wil dat het team beter overlegt.",
    )
    DossierEntryFactory(
        trajectory=course,
        title="Intake met Jorinde",
        body=f"Intake met Jorinde Zwartkruis ({EMAIL}) en Bertolf Boekhorst.",
    )
    AppointmentFactory(
        trajectory=course, place="Zaal 2", note=f"Vooraf bellen met {EMAIL}"
    )
    EvaluationFactory(
        trajectory=course,
        answers="Jorinde Zwartkruis vond het nuttig; Bertolf ook.",
    )
    quote = QuoteFactory(trajectory=course, billing_name="t.a.v. J. Zwartkruis")
    QuoteLineFactory(
        quote=quote, description="Training op verzoek van Jorinde Zwartkruis"
    )
    # A trajectory the organisation ordered for someone else, under their key.
    employee = ClientFactory(
        first_name="Sietske", last_name="Veenstra", coaches=[coach]
    )
    ordered = TrajectoryFactory(
        client=employee,
        organisation=organisation,
        coach=coach,
        learning_question="Sietske wil, op verzoek van Jorinde Zwartkruis, minder uren.",
    )
    DossierEntryFactory(
        trajectory=ordered, body="Jorinde Zwartkruis belde over Sietske."
    )
    return {
        "organisation": organisation,
        "contact": contact,
        "colleague": colleague,
        "trajectories": [course, ordered],
    }


def _opened(work) -> list[str]:
    """Every field of the organisation and of its work, opened with its key."""
    keyring.clear_cache()
    organisation = Organisation.objects.get(pk=work["organisation"].pk)
    rows = [organisation]
    for trajectory in Trajectory.objects.filter(
        pk__in=[t.pk for t in work["trajectories"]]
    ):
        rows.append(trajectory)
        rows += list(trajectory.entries.all())
        rows += list(trajectory.appointments.all())
        rows += list(trajectory.evaluations.all())
        for quote in trajectory.quotes.all():
            rows += [quote, *quote.lines.all()]
    assert len(rows) == 9
    return [
        repr(getattr(row, field.attname)) for row in rows for field in row._meta.fields
    ]


def _assert_taken_out(work) -> None:
    opened = _opened(work)
    text = "\n".join(opened)
    for value in ERASED:
        assert value not in text
    # What is about the others stays readable.
    assert "Bertolf Boekhorst" in text and "Bertolf ook" in text
    assert "Sietske wil, op verzoek van [deelnemer], minder uren." in text
    assert "[deelnemer] belde over Sietske." in text
    assert "Zaal 2" in text
    organisation = Organisation.objects.get(pk=work["organisation"].pk)
    assert organisation.name == "Zorggroep Qwerty"
    assert organisation.billing_name == "" and organisation.billing_email == ""
    assert organisation.billing_address == "Postbus 12\n8440 AA Heerenveen"
    assert Client.objects.filter(pk=work["colleague"].pk).exists()


def _approve_deletion(owner_http, coach, contact, capture) -> None:
    with capture(execute=True):
        account = portal_services.account_invite(actor=coach, client=contact)
    portal_activate(account)
    row = portal_services.request_submit(
        account=account, kind=PortalRequest.Kind.DELETION, text="Wis mij"
    )
    url = reverse("admin:portal_portalrequest_approve_deletion", args=[row.pk])
    with capture(execute=True):
        assert owner_http.post(url).status_code == 302


def _sweep_erase(coach, contact, capture) -> None:
    own = TrajectoryFactory(client=contact, coach=coach)
    trajectory_close(actor=coach, trajectory=own, retention="delete")
    with capture(execute=True):
        retention.retention_sweep(now=DUE)


def test_an_approved_deletion_takes_the_contact_person_out_of_the_organisations_work(
    owner_http, coach, work, django_capture_on_commit_callbacks
):
    contact = work["contact"]
    _approve_deletion(owner_http, coach, contact, django_capture_on_commit_callbacks)
    assert not Client.objects.filter(pk=contact.pk).exists()
    assert not DataKey.objects.filter(holder_id=contact.holder_id).exists()
    _assert_taken_out(work)


def test_the_sweep_takes_a_contact_person_out_of_the_organisations_open_work(
    coach, work, django_capture_on_commit_callbacks
):
    contact = work["contact"]
    own = TrajectoryFactory(client=contact, coach=coach)
    trajectory_close(actor=coach, trajectory=own, retention="delete")
    with django_capture_on_commit_callbacks(execute=True):
        retention.retention_sweep(now=DUE)
    assert not Client.objects.filter(pk=contact.pk).exists()
    # The organisation's training is still open: it stays, without her.
    assert Trajectory.objects.filter(pk=work["trajectories"][0].pk).exists()
    _assert_taken_out(work)


def test_a_shared_first_name_of_the_trajectorys_own_client_is_left(
    coach, work, django_capture_on_commit_callbacks
):
    contact = work["contact"]
    namesake = ClientFactory(first_name="Jorinde", last_name="Altena", coaches=[coach])
    theirs = TrajectoryFactory(
        client=namesake,
        organisation=work["organisation"],
        coach=coach,
        learning_question="Jorinde wil leren delegeren; Jorinde Zwartkruis verwees haar.",
    )
    own = TrajectoryFactory(client=contact, coach=coach)
    trajectory_close(actor=coach, trajectory=own, retention="delete")
    with django_capture_on_commit_callbacks(execute=True):
        retention.retention_sweep(now=DUE)
    keyring.clear_cache()
    assert Trajectory.objects.get(pk=theirs.pk).learning_question == (
        "Jorinde wil leren delegeren; [deelnemer] verwees haar."
    )


def _work_rows(work) -> list:
    """(model, pk) of the organisation and every row of its work."""
    organisation = work["organisation"]
    rows = [(Organisation, organisation.pk)]
    for trajectory in Trajectory.objects.filter(
        pk__in=[t.pk for t in work["trajectories"]]
    ):
        rows.append((Trajectory, trajectory.pk))
        for related in (trajectory.entries, trajectory.appointments):
            rows += [(type(r), r.pk) for r in related.all()]
        rows += [(type(r), r.pk) for r in trajectory.evaluations.all()]
        for quote in trajectory.quotes.all():
            rows += [(type(quote), quote.pk)]
            rows += [(type(line), line.pk) for line in quote.lines.all()]
    return rows


def _stored(rows) -> dict:
    """The columns of these rows as the database holds them (ciphertext)."""
    stored = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, pk in rows:
            columns = [f.column for f in model._meta.concrete_fields]
            table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
            selected = ", ".join(map(quote, columns))
            sql = f"SELECT {selected} FROM {table} WHERE {key} = %s"  # noqa: S608
            cursor.execute(sql, [model._meta.pk.get_db_prep_value(pk, connection)])
            values = [
                bytes(v) if isinstance(v, memoryview) else v for v in cursor.fetchone()
            ]
            stored[(model, pk)] = dict(zip(columns, values, strict=True))
    return stored


def _restore(stored) -> None:
    """Put the rows back as a data backup from before the erasure holds them."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for (model, pk), columns in stored.items():
            names = [c for c in columns if c != model._meta.pk.column]
            table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
            assigned = ", ".join(f"{quote(c)} = %s" for c in names)
            sql = f"UPDATE {table} SET {assigned} WHERE {key} = %s"  # noqa: S608
            key_value = model._meta.pk.get_db_prep_value(pk, connection)
            cursor.execute(sql, [*(columns[c] for c in names), key_value])


def _reapply(capture, **options) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("reapply_erasures", stdout=out, **options)
    return out.getvalue()


# The restored data backup's time (its MANIFEST taken_at): the day before.
BEFORE = (NOW - dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("path", ["approval", "sweep"])
def test_reapply_after_a_restore_blanks_the_mentions_the_erasure_rewrote(
    path, owner_http, coach, work, django_capture_on_commit_callbacks
):
    """A data backup from before the erasure brings the organisation's rows
    back naming the contact person, and a journal table without her entry:
    the journal file's line lists the fields the erasure rewrote, and
    reapply_erasures blanks exactly those, leaving every other column as
    restored; a second reapply changes nothing."""
    capture = django_capture_on_commit_callbacks
    contact = work["contact"]
    rows = _work_rows(work)
    before = _stored(rows)
    if path == "approval":
        _approve_deletion(owner_http, coach, contact, capture)
    else:
        _sweep_erase(coach, contact, capture)
    _assert_taken_out(work)
    rewritten = ErasureJournalEntry.objects.get(holder_id=contact.holder_id).rewritten
    lines = [json.loads(x) for x in journal_path().read_text().splitlines()]
    (line,) = [x for x in lines if x["holder_id"] == str(contact.holder_id)]
    assert sorted(line["rewritten"]) == sorted(rewritten)
    blanked = {(label, pk, name) for label, pk, name in rewritten}
    labels = {model: model._meta.label_lower for model, _ in rows}
    # Every row of the work named her and is listed; no value is.
    assert {(label, pk) for label, pk, _ in blanked} == {
        (labels[model], str(pk)) for model, pk in rows
    }
    assert "Zwartkruis" not in json.dumps(line) and EMAIL not in json.dumps(line)

    # The restore: her rows come back as they were, the table without her entry.
    _restore(before)
    ErasureJournalEntry.objects.filter(holder_id=contact.holder_id).delete()
    keyring.clear_cache()
    assert NAME[1] in "\n".join(_opened(work))

    _reapply(capture, data_taken_at=BEFORE)
    _assert_blanked(work, rows, before, blanked)
    assert sorted(
        ErasureJournalEntry.objects.get(holder_id=contact.holder_id).rewritten
    ) == sorted(rewritten)
    assert not DataKey.objects.filter(holder_id=contact.holder_id).exists()

    after = _stored(rows)
    _reapply(capture, data_taken_at=BEFORE)
    assert _stored(rows) == after


@pytest.mark.parametrize("taken_at", ["after", None])
def test_reapply_keeps_what_the_coach_wrote_after_the_erasure(
    taken_at, owner_http, coach, work, django_capture_on_commit_callbacks
):
    """A data backup taken after the erasure (or no time given): the fields
    the erasure rewrote hold the rewrite or the coach's later text, which
    stay; without a time, the fields are listed (no value) for review."""
    capture = django_capture_on_commit_callbacks
    contact = work["contact"]
    _approve_deletion(owner_http, coach, contact, capture)
    course = Trajectory.objects.get(pk=work["trajectories"][0].pk)
    later = "Het team overlegt nu wekelijks; Bertolf zit de overleggen voor."
    course.learning_question = later
    course.save()
    keyring.clear_cache()
    stored = _stored(_work_rows(work))
    options = {"data_taken_at": (NOW + dt.timedelta(hours=1)).isoformat()}

    out = _reapply(capture, **(options if taken_at else {}))

    assert _stored(_work_rows(work)) == stored
    keyring.clear_cache()
    assert Trajectory.objects.get(pk=course.pk).learning_question == later
    assert "Bertolf" not in out and NAME[1] not in out
    if taken_at:
        assert "learning_question" not in out
    else:
        assert str(contact.holder_id) in out
        assert f"dossiers.trajectory {course.pk} learning_question" in out
        assert "--data-taken-at" in out


def _assert_blanked(work, rows, before, blanked) -> None:
    keyring.clear_cache()
    text = "\n".join(_opened(work))
    for value in ERASED:
        assert value not in text
    assert "Zaal 2" in text
    organisation = Organisation.objects.get(pk=work["organisation"].pk)
    assert organisation.name == "Zorggroep Qwerty"
    assert organisation.billing_address == "Postbus 12\n8440 AA Heerenveen"
    now = _stored(rows)
    for model, pk in rows:
        label = model._meta.label_lower
        row = apps.get_model(label)._base_manager.get(pk=pk)
        for field in model._meta.concrete_fields:
            if (label, str(pk), field.name) in blanked:
                assert getattr(row, field.attname) == "", (label, field.name)
            else:  # untouched: the very bytes the restore put back
                assert (
                    now[(model, pk)][field.column] == before[(model, pk)][field.column]
                ), (label, field.name)


# -- Only the person's own forms, in the work they are not in themselves --------

SENTENCE = (
    "Manager Jan Pietersen belde over De Vries Advies. Jan komt ook. "
    "Jan de Vries (jan@devries.example, 06 12345678) tekende."
)


@pytest.fixture
def jan(coach):
    """Contact person Jan de Vries, and another client's trajectory his
    organisation ordered, naming him and another Jan."""
    organisation = OrganisationFactory(
        name="Bouwbedrijf Qwerty", billing_name="t.a.v. Jan Pietersen"
    )
    contact = ClientFactory(
        first_name="Jan",
        last_name="de Vries",
        email="jan@devries.example",
        phone="06 12345678",
        kind=Client.Kind.CONTACT,
        organisation=organisation,
        coaches=[coach],
    )
    employee = ClientFactory(
        first_name="Sietske", last_name="Veenstra", coaches=[coach]
    )
    ordered = TrajectoryFactory(
        client=employee,
        organisation=organisation,
        coach=coach,
        learning_question=SENTENCE,
    )
    kept = AppointmentFactory(trajectory=ordered, place="Bij Jan", note="Jan komt ook")
    named = AppointmentFactory(
        trajectory=ordered, place="Zaal 3", note="Vooraf Jan de Vries bellen"
    )
    return {
        "organisation": organisation,
        "contact": contact,
        "ordered": ordered,
        "kept": kept,
        "named": named,
    }


def test_a_contact_person_s_full_name_goes_and_other_jans_stay(
    owner_http, coach, jan, django_capture_on_commit_callbacks
):
    contact = jan["contact"]
    _approve_deletion(owner_http, coach, contact, django_capture_on_commit_callbacks)
    keyring.clear_cache()

    ordered = Trajectory.objects.get(pk=jan["ordered"].pk)
    assert ordered.learning_question == (
        "Manager Jan Pietersen belde over De Vries Advies. Jan komt ook. "
        "[deelnemer] ([deelnemer], [deelnemer]) tekende."
    )
    kept = type(jan["kept"]).objects.get(pk=jan["kept"].pk)
    assert (kept.place, kept.note) == ("Bij Jan", "Jan komt ook")
    named = type(jan["named"]).objects.get(pk=jan["named"].pk)
    assert (named.place, named.note) == ("Zaal 3", "")
    organisation = Organisation.objects.get(pk=jan["organisation"].pk)
    assert organisation.billing_name == "t.a.v. Jan Pietersen"
    # Only the fields that changed are listed for reapply_erasures.
    rewritten = ErasureJournalEntry.objects.get(holder_id=contact.holder_id).rewritten
    assert sorted(map(tuple, rewritten)) == sorted(
        [
            ("dossiers.trajectory", str(ordered.pk), "learning_question"),
            (named._meta.label_lower, str(named.pk), "note"),
        ]
    )


@pytest.mark.parametrize("kind", [Client.Kind.PARTICIPANT, Client.Kind.PRIVATE])
def test_only_a_contact_person_is_taken_out_of_the_organisations_work(
    kind, owner_http, coach, jan, django_capture_on_commit_callbacks
):
    """A participant (or a private client) linked to the organisation: the
    trainings they take part in lose every form of their name, a bare first
    name included; the organisation's other work is not theirs and stays."""
    contact = jan["contact"]
    contact.kind = kind
    contact.save()
    training = TrajectoryFactory(
        kind=Trajectory.Kind.TRAINING,
        client=None,
        organisation=jan["organisation"],
        holder_id=jan["organisation"].holder_id,
        coach=coach,
        learning_question="Jan wil beter plannen.",
    )
    training.participants.add(contact)
    _approve_deletion(owner_http, coach, contact, django_capture_on_commit_callbacks)
    keyring.clear_cache()

    training = Trajectory.objects.get(pk=training.pk)
    assert training.learning_question == "[deelnemer] wil beter plannen."
    assert not training.participants.exists()
    ordered = Trajectory.objects.get(pk=jan["ordered"].pk)
    assert ordered.learning_question == SENTENCE
    named = type(jan["named"]).objects.get(pk=jan["named"].pk)
    assert named.note == "Vooraf Jan de Vries bellen"
