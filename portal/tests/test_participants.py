"""A training participant sees their own part of an organisation's training.

Two organisations, each with a training; Anna takes part in both, Bert only in
the first. Each sees that they take part and the evaluations asked of them;
neither sees the other participant, the organisations' learning questions, the
trainings' appointments, or an evaluation asked of someone else.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import services as dossier_services
from dossiers.models import Evaluation, Trajectory
from portal import services as portal_services
from refleact.testing.factories import (
    AppointmentFactory,
    OrganisationFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def training(organisation, coach, *people, tag: str):
    course = TrajectoryFactory(
        kind="training",
        client=None,
        organisation=organisation,
        holder_id=organisation.holder_id,
        coach=coach,
        learning_question=f"Leervraag {tag}",
    )
    course.participants.add(*people)
    AppointmentFactory(
        trajectory=course, holder_id=course.holder_id, place=f"Zaal {tag}"
    )
    # The training's own evaluation (the organisation's), asked of nobody.
    dossier_services.evaluation_save(
        actor=coach,
        evaluation=Evaluation(
            trajectory=course, moment="end", questions="Q", answers=f"Groep {tag}"
        ),
    )
    return course


def asked(course, coach, participant, answers: str = "") -> Evaluation:
    return dossier_services.evaluation_save(
        actor=coach,
        evaluation=Evaluation(
            trajectory=course,
            participant=participant,
            moment="end",
            questions="Wat nam u mee?",
            answers=answers,
        ),
    )


@pytest.fixture
def trainings(client_a, client_b, coach):
    first = training(OrganisationFactory(), coach, client_a, client_b, tag="één")
    second = training(OrganisationFactory(), coach, client_a, tag="twee")
    return {
        "first": first,
        "second": second,
        "anna_first": asked(first, coach, client_a, "Antwoord Anna één"),
        "anna_second": asked(second, coach, client_a),
        "bert_first": asked(first, coach, client_b, "Antwoord Bert één"),
    }


def _json(http) -> dict:
    response = http.get(reverse("portal:export", args=["json"]))
    return json.loads(b"".join(response.streaming_content))


def _section(data: dict, key: str) -> list[dict]:
    return next(s for s in data["sections"] if s["key"] == key)["rows"]


def test_a_participants_evaluation_is_sealed_under_their_own_key(trainings, client_a):
    assert trainings["anna_first"].holder_id == client_a.holder_id
    assert trainings["first"].holder_id != client_a.holder_id


def test_each_participant_sees_their_own_part_only(
    http_a, http_b, client_a, client_b, trainings
):
    anna, bert = _json(http_a), _json(http_b)
    assert {r["id"] for r in _section(anna, "participations")} == {
        str(trainings["first"].pk),
        str(trainings["second"].pk),
    }
    assert {r["id"] for r in _section(bert, "participations")} == {
        str(trainings["first"].pk)
    }
    assert {r["id"] for r in _section(anna, "evaluations")} == {
        str(trainings["anna_first"].pk),
        str(trainings["anna_second"].pk),
    }
    assert {r["id"] for r in _section(bert, "evaluations")} == {
        str(trainings["bert_first"].pk)
    }
    anna_text = json.dumps(anna, ensure_ascii=False)
    bert_text = json.dumps(bert, ensure_ascii=False)
    assert "Antwoord Anna één" in anna_text and "Antwoord Bert één" in bert_text
    for text, other in ((anna_text, client_b), (bert_text, client_a)):
        # Nothing of the other participant, and nothing that is the
        # organisation's: its learning question, its sessions, its own evaluation.
        for value in (other.first_name, other.last_name, other.email):
            assert value not in text
        for value in ("Antwoord", "Leervraag", "Zaal", "Groep"):
            own = "Antwoord Anna" if other is client_b else "Antwoord Bert"
            assert value not in text.replace(own, "")
    page = http_b.get(reverse("portal:data")).content.decode()
    assert "Antwoord Bert één" in page
    assert "Antwoord Anna" not in page and client_a.last_name not in page
    assert "Leervraag" not in page


def test_the_pdf_shows_the_participation_and_the_answers(
    http_a, client_a, trainings, tmp_path
):
    response = http_a.get(reverse("portal:export", args=["pdf"]))
    path = tmp_path / "export.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Trainingen waaraan u deelneemt" in text
    assert "Antwoord Anna één" in text
    assert "Antwoord Bert" not in text and "Leervraag" not in text


def test_a_participant_fills_in_the_evaluation_asked_of_them(http_a, http_b, trainings):
    evaluation = trainings["anna_second"]
    path = reverse("portal:evaluation", args=[evaluation.pk])
    assert http_b.get(path).status_code == 404
    response = http_a.post(path, {"answer_0": "Veel geleerd"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.answers and evaluation.submitted_at is not None


def test_an_evaluation_is_asked_only_of_the_trainings_participants(
    client_b, coach, trainings
):
    with pytest.raises(ValidationError):
        asked(trainings["second"], coach, client_b)


def test_participants_are_not_shown_someone_elses_ids(http_b, trainings):
    # The URL walk's rule for the trainings' rows: Bert's session, Anna's ids.
    for pk in (trainings["anna_first"].pk, trainings["anna_second"].pk):
        assert http_b.get(reverse("portal:evaluation", args=[pk])).status_code == 404


# -- a participant's deletion request ------------------------------------------


def _dossier_tables_text() -> str:
    """Every row of every dossiers table, as the database holds it (sealed
    values stay sealed; ids and holder ids are plain)."""
    from django.apps import apps
    from django.db import connections

    models = list(apps.get_app_config("dossiers").get_models())
    models.append(Trajectory.participants.through)
    out = []
    with connections["default"].cursor() as cursor:
        for model in models:
            table = connections["default"].ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - a model's table
            out.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(out)


def test_an_approved_deletion_takes_the_participant_out_of_the_trainings(
    owner_http,
    coach,
    account_a,
    client_a,
    client_b,
    trainings,
    django_capture_on_commit_callbacks,
):
    first, second = trainings["first"], trainings["second"]
    name = f"{client_a.first_name} {client_a.last_name}"
    first.learning_question = f"Hoe werkt {name} samen met {client_b.first_name}?"
    first.save()
    appointment = AppointmentFactory(
        trajectory=first, holder_id=first.holder_id, note=f"Bel {client_a.email}"
    )
    group = first.evaluations.get(participant=None)
    group.answers = f"{client_a.last_name} was enthousiast"
    group.save()
    holder, pk = client_a.holder_id, client_a.pk
    row = portal_services.request_submit(
        account=account_a, kind="deletion", text="Weg ermee"
    )
    url = reverse("admin:portal_portalrequest_approve_deletion", args=[row.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_http.post(url).status_code == 302

    assert list(first.participants.all()) == [client_b]
    assert not second.participants.exists()
    assert not Evaluation.objects.filter(
        pk__in=[trainings["anna_first"].pk, trainings["anna_second"].pk]
    ).exists()
    first.refresh_from_db()
    assert first.learning_question == (
        f"Hoe werkt [deelnemer] samen met {client_b.first_name}?"
    )
    appointment.refresh_from_db()
    assert appointment.note == ""  # declared End.DELETE: dropped, not scrubbed
    group.refresh_from_db()
    assert group.answers == "[deelnemer] was enthousiast"
    # Bert's part is untouched.
    bert = Evaluation.objects.get(pk=trainings["bert_first"].pk)
    assert bert.answers == "Antwoord Bert één"
    # Opened with every key: no row of the trainings names her.
    opened = [first, second, *first.evaluations.all(), *first.appointments.all()]
    for obj in opened:
        text = repr([getattr(obj, f.attname) for f in obj._meta.concrete_fields])
        for value in (client_a.first_name, client_a.last_name, client_a.email):
            assert value not in text
    # As the database holds them: no row of the dossiers tables has her ids.
    raw = _dossier_tables_text()
    for value in (holder.hex, str(holder), pk.hex, str(pk)):
        assert value not in raw


def test_an_evaluation_asked_of_a_participant_mails_them_only(
    account_a,
    account_b,
    coach,
    client_a,
    client_b,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    course = training(OrganisationFactory(), coach, client_a, client_b, tag="drie")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        row = asked(course, coach, client_b)
    (message,) = mailoutbox
    assert message.to == [client_b.email]
    assert f"/portal/evaluaties/{row.pk}/" in message.body
