"""The trajectory page's evaluations asked of a training's participants.

A saved evaluation's participant is fixed (it is sealed under their key): the
row shows it read-only, so removing that participant from the training, or a
coach who may not see them, does not stop the page from being saved again; and
a coach sees the answers only of participants they may see.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import Evaluation, Trajectory
from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    ClientFactory,
    OrganisationFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def _value(value):
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def page_as_posted(response) -> dict:
    """What a browser posts back for the change page as it was shown."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    data = {}
    for form in forms:
        for bound in form:
            if bound.field.disabled:
                continue  # a disabled control is not sent
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                # A select renders only the chosen options it offers.
                offered = {
                    str(pk) for pk in bound.field.queryset.values_list("pk", flat=True)
                }
                data[bound.html_name] = [
                    _value(v) for v in value if _value(v) in offered
                ]
            else:
                data[bound.html_name] = _value(value)
    return data


def _ask(training, coach, participant, answers) -> Evaluation:
    return services.evaluation_save(
        actor=coach,
        evaluation=Evaluation(
            trajectory=training,
            participant=participant,
            moment="end",
            questions="Wat nam u mee?",
            answers=answers,
        ),
    )


@pytest.fixture
def course(coach):
    anna = ClientFactory(coaches=[coach])
    bert = ClientFactory(coaches=[coach])
    organisation = OrganisationFactory()
    training = TrajectoryFactory(
        kind=Trajectory.Kind.TRAINING,
        client=None,
        organisation=organisation,
        holder_id=organisation.holder_id,
        coach=coach,
    )
    training.participants.add(anna, bert)
    evaluation = _ask(training, coach, anna, "Antwoord van Anna")
    return {"training": training, "anna": anna, "bert": bert, "evaluation": evaluation}


def _url(training):
    return reverse("admin:dossiers_trajectory_change", args=[training.pk])


def test_a_removed_participants_evaluation_does_not_block_saving(coach_http, course):
    training, anna, bert = course["training"], course["anna"], course["bert"]
    url = _url(training)
    data = page_as_posted(coach_http.get(url))
    data["participants"] = [str(bert.pk)]  # Anna leaves the training
    response = coach_http.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert list(training.participants.all()) == [bert]

    page = coach_http.get(url)
    response = coach_http.post(url, page_as_posted(page))  # unchanged
    assert response.status_code == 302, response.context["errors"]
    assert "(voormalig deelnemer)" in page.content.decode()
    # Kept: still Anna's, under her key, with her answers.
    evaluation = Evaluation.objects.get(pk=course["evaluation"].pk)
    assert evaluation.participant_id == anna.pk
    assert evaluation.holder_id == anna.holder_id
    assert evaluation.answers == "Antwoord van Anna"


def test_a_saved_evaluations_participant_cannot_be_changed(coach_http, course):
    training, bert = course["training"], course["bert"]
    url = _url(training)
    data = page_as_posted(coach_http.get(url))
    data["evaluations-0-participant"] = str(bert.pk)  # forged: the field is disabled
    response = coach_http.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    evaluation = Evaluation.objects.get(pk=course["evaluation"].pk)
    assert evaluation.participant_id == course["anna"].pk


def test_a_new_row_offers_the_visible_participants_only(coach, coach_http, course):
    training = course["training"]
    hidden = ClientFactory()  # added by the owner; not one of this coach's clients
    training.participants.add(hidden)
    response = coach_http.get(_url(training))
    formset = next(
        i.formset
        for i in response.context["inline_admin_formsets"]
        if i.formset.prefix == "evaluations"
    )
    offered = set(formset.empty_form.fields["participant"].queryset)
    assert offered == {course["anna"], course["bert"]}


def test_a_coach_sees_no_answers_of_a_participant_they_may_not_see(
    owner_http, coach, coach_http, course
):
    training = course["training"]
    hidden = ClientFactory()
    training.participants.add(hidden)
    theirs = _ask(training, coach, hidden, "Antwoord van de verborgen deelnemer")
    url = _url(training)
    page = coach_http.get(url)
    assert "Antwoord van Anna" in page.content.decode()
    assert "Antwoord van de verborgen deelnemer" not in page.content.decode()
    evaluation_url = reverse("admin:dossiers_evaluation_change", args=[theirs.pk])
    assert coach_http.get(evaluation_url).status_code in (302, 404)
    # Saving the page leaves the row it did not show as it was.
    response = coach_http.post(url, page_as_posted(page))
    assert response.status_code == 302, response.context["errors"]
    assert Evaluation.objects.get(pk=theirs.pk).answers == (
        "Antwoord van de verborgen deelnemer"
    )
    # The owner sees it, and the read is logged.
    assert "Antwoord van de verborgen deelnemer" in owner_http.get(url).content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()
