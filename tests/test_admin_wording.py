"""The admin's sentences in Dutch: the article per model, titles with a capital."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from refleact.adminwording import dutch_article
from refleact.testing.factories import ClientFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize(
    ("name", "article"),
    [
        ("traject", "het"),
        ("dossieritem", "het"),  # a compound takes its last part's article
        ("inhoudstype", "het"),
        ("verloop van inlogpoging", "het"),  # the noun before the preposition
        ("cliënt", "de"),
        ("factuurregel", "de"),
        ("regel in toegangslog", "de"),
        ("mislukte aanmelding", "de"),
        ("organisatie", "de"),
    ],
)
def test_dutch_article_follows_the_head_noun(name, article):
    assert dutch_article(name) == article


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_changed_trajectory_is_het_traject(coach, coach_http):
    trajectory = TrajectoryFactory(client=ClientFactory(coaches=[coach]), coach=coach)
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    data = {
        "kind": "coaching",
        "coach": str(coach.pk),
        "learning_question": "Meer rust",
        "status": "active",
        "start_date": trajectory.start_date.strftime("%d-%m-%Y"),
    }
    page = coach_http.get(url)
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        management = formset.formset.management_form
        data.update(
            {f"{prefix}-{k}": v for k, v in management.initial.items()}
            | {f"{prefix}-TOTAL_FORMS": str(management.initial["INITIAL_FORMS"])}
        )
        for form in formset.formset.initial_forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if value is not None:
                    data[f"{form.prefix}-{name}"] = str(getattr(value, "pk", value))
    response = coach_http.post(url, data)
    assert response.status_code == 302, getattr(response, "context", {}) and (
        response.context["adminform"].form.errors
    )
    [message] = _messages(response)
    assert message.startswith("Het traject ")
    assert message.endswith(" is gewijzigd.")


def test_a_changed_client_is_de_client(coach, coach_http):
    client = ClientFactory(coaches=[coach])
    response = coach_http.post(
        reverse("admin:clients_client_change", args=[client.pk]),
        {
            "kind": "private",
            "first_name": "Anna",
            "last_name": client.last_name,
            "email": client.email,
            "phone": client.phone,
            "language": "nl",
            "coaches": [str(coach.pk)],
        },
    )
    assert response.status_code == 302
    [message] = _messages(response)
    assert message.startswith("De cliënt ") and message.endswith(" is gewijzigd.")


def test_titles_start_with_a_capital(coach, coach_http):
    client = ClientFactory(coaches=[coach])
    change = coach_http.get(reverse("admin:clients_client_change", args=[client.pk]))
    add = coach_http.get(reverse("admin:dossiers_trajectory_add"))
    assert change.context["title"] == "Cliënt wijzigen"
    assert add.context["title"] == "Traject toevoegen"
    assert "<h1>Cliënt wijzigen</h1>" in change.content.decode()
