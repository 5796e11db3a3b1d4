"""The client pages of the coach's admin: create, change, delete, search, access."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from clients.models import Client
from refleact.audit.models import AuditEvent
from refleact.testing.factories import ClientFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(databases="__all__")

ADD = reverse("admin:clients_client_add")
LIST = reverse("admin:clients_client_changelist")


def change_url(client):
    return reverse("admin:clients_client_change", args=[client.pk])


def form_data(**overrides):
    data = {
        "kind": "private",
        "first_name": "Anouk",
        "last_name": "de Vries",
        "email": "Anouk.deVries@Hoogland.nl",
        "phone": "06-31847259",
        "language": "nl",
    }
    data.update(overrides)
    return data


def test_coach_creates_client_and_works_with_them(coach, coach_http):
    response = coach_http.post(ADD, form_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    client = Client.objects.get()
    assert client.first_name == "Anouk"
    assert client.phone == "+31631847259"  # stored normalised (E.164)
    assert list(client.coaches.all()) == [coach]
    event = AuditEvent.objects.get(action="create")
    assert event.object_id == str(client.pk) and event.actor == coach
    entry = LogEntry.objects.get()
    assert "Anouk" not in entry.object_repr and str(client.pk) in entry.object_repr


def test_bad_email_is_a_form_error(coach_http):
    response = coach_http.post(ADD, form_data(email="anouk-at-example"))
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert not Client.objects.exists()


def test_bad_phone_is_a_form_error(coach_http):
    response = coach_http.post(ADD, form_data(phone="12"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "phone" in errors and "12" not in str(errors["phone"])
    assert not Client.objects.exists()


def test_duplicate_email_is_refused_whatever_its_case(coach, coach_http):
    ClientFactory(email="anouk.devries@hoogland.nl", coaches=[coach])
    response = coach_http.post(ADD, form_data(email=" ANOUK.devries@hoogland.nl "))
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert Client.objects.count() == 1


def test_coach_changes_their_client(coach, coach_http):
    client = ClientFactory(coaches=[coach])
    response = coach_http.post(
        change_url(client),
        form_data(first_name="Anna", email=client.email, coaches=[coach.pk]),
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.first_name == "Anna"
    assert AuditEvent.objects.filter(action="change", object_id=str(client.pk)).exists()


def test_coach_deletes_their_client(coach, coach_http):
    client = ClientFactory(coaches=[coach])
    response = coach_http.post(
        reverse("admin:clients_client_delete", args=[client.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Client.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(client.pk)).exists()
    # Django's admin log names the kind and the id, never the client's name.
    assert LogEntry.objects.get().object_repr == f"cliënt {client.pk}"


@pytest.mark.parametrize(
    "term", ["anouk", "DE VRIES", "vries anouk", "anouk.devries@hoogland.nl", "Éanouk"]
)
def test_search_finds_by_email_and_name_tokens(coach, coach_http, term):
    wanted = ClientFactory(
        first_name="Anouk",
        last_name="de Vries",
        email="anouk.devries@hoogland.nl",
        coaches=[coach],
    )
    ClientFactory(first_name="Bas", last_name="Koning", coaches=[coach])
    response = coach_http.get(LIST, {"q": term}, follow=True)
    shown = list(response.context["cl"].result_list)
    if term == "Éanouk":
        assert shown == []
    else:
        assert shown == [wanted]


def test_search_needs_all_tokens(coach, coach_http):
    ClientFactory(first_name="Anouk", last_name="de Vries", coaches=[coach])
    response = coach_http.get(LIST, {"q": "anouk koning"}, follow=True)
    assert list(response.context["cl"].result_list) == []


def test_list_shows_only_the_coachs_clients_and_audits_them(
    coach, outsider, coach_http
):
    mine = ClientFactory(coaches=[coach])
    ClientFactory(coaches=[outsider])
    response = coach_http.get(LIST)
    assert list(response.context["cl"].result_list) == [mine]
    listed = AuditEvent.objects.filter(action="list")
    assert [e.object_id for e in listed] == [str(mine.pk)]


def test_owner_sees_every_client(owner_http, coach, outsider):
    ClientFactory(coaches=[coach])
    ClientFactory(coaches=[outsider])
    response = owner_http.get(LIST)
    assert len(response.context["cl"].result_list) == 2


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_outsider_gets_404_on_every_client_url(coach, outsider_http, view):
    client = ClientFactory(coaches=[coach])
    url = reverse(f"admin:clients_client_{view}", args=[client.pk])
    assert outsider_http.get(url).status_code == 404
    assert outsider_http.post(url, {"post": "yes"}).status_code == 404
    assert Client.objects.filter(pk=client.pk).exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_view_is_audited_without_values(coach, coach_http):
    client = ClientFactory(first_name="Zoë", email="zoe@voorbeeld.nl", coaches=[coach])
    assert coach_http.get(change_url(client)).status_code == 200
    event = AuditEvent.objects.get(action="view")
    assert event.object_id == str(client.pk) and event.holder_id == client.holder_id
    dumped = " ".join(
        str(v)
        for v in AuditEvent.objects.values_list("model", "object_id", "ip_address")
    )
    assert "Zoë" not in dumped and "zoe@" not in dumped


def test_owner_hands_over_a_departing_coachs_clients(owner_http, coach, outsider):
    moved = ClientFactory.create_batch(3, coaches=[coach])
    created = OrganisationFactory(created_by=coach)
    used_elsewhere = OrganisationFactory(created_by=coach)
    ClientFactory(organisation=used_elsewhere, kind="contact")
    response = owner_http.post(
        reverse("admin:clients_client_hand_over"),
        {"from_coach": coach.pk, "to_coach": outsider.pk},
    )
    assert response.status_code == 302
    for client in moved:
        assert list(client.coaches.all()) == [outsider]
    created.refresh_from_db()
    used_elsewhere.refresh_from_db()
    assert created.created_by == outsider  # unused: the new coach finds it
    assert used_elsewhere.created_by == coach  # used: visibility follows the use


def test_coach_cannot_hand_over(coach_http, coach, outsider):
    response = coach_http.post(
        reverse("admin:clients_client_hand_over"),
        {"from_coach": coach.pk, "to_coach": outsider.pk},
    )
    assert response.status_code == 403


def test_flash_message_cookie_does_not_carry_the_name_readably(coach_http):
    import base64
    import zlib

    response = coach_http.post(ADD, form_data(first_name="Wilhelmina"))
    assert response.status_code == 302
    cookie = response.cookies["messages"].value
    readable = [cookie.encode()]
    for part in cookie.split(
        ":"
    ):  # Django's signed format is value:timestamp:signature
        raw = base64.urlsafe_b64decode(part.lstrip(".") + "=" * (-len(part) % 4))
        readable.append(raw)
        try:
            readable.append(zlib.decompress(raw))
        except zlib.error:
            pass
    assert not any(b"Wilhelmina" in chunk for chunk in readable)
    # The coach still sees the message on the next page.
    page = coach_http.get(LIST)
    assert any("Wilhelmina" in str(m) for m in page.context["messages"])


def test_duplicate_email_of_another_coachs_client_confirms_nothing(
    coach, outsider, coach_http
):
    # The address belongs to a client of another coach: the message must not tell
    # this coach that the person is a client of the practice.
    theirs = ClientFactory(
        first_name="Wilhelmina", email="w.hoekstra@voorbeeld.nl", coaches=[outsider]
    )
    response = coach_http.post(ADD, form_data(email="W.Hoekstra@voorbeeld.nl"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["email"]
    assert errors == [
        "Dit e-mailadres kan niet worden gebruikt. Vraag het de eigenaar van de praktijk."
    ]
    page = response.content.decode()
    assert "Wilhelmina" not in page and "klant" not in errors[0].lower()
    assert Client.objects.count() == 1 and theirs.coaches.get() == outsider


def test_duplicate_email_names_the_client_to_the_owner(owner_http, outsider):
    theirs = ClientFactory(
        first_name="Wilhelmina",
        last_name="Hoekstra",
        email="w.h@voorbeeld.nl",
        coaches=[outsider],
    )
    response = owner_http.post(ADD, form_data(email="w.h@voorbeeld.nl"))
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["email"]
    assert str(theirs) in error
    assert Client.objects.count() == 1


def test_duplicate_email_names_the_client_to_their_own_coach(coach, coach_http):
    mine = ClientFactory(email="eigen@voorbeeld.nl", coaches=[coach])
    response = coach_http.post(ADD, form_data(email="Eigen@voorbeeld.nl"))
    [error] = response.context["adminform"].form.errors["email"]
    assert str(mine) in error


def test_service_words_a_duplicate_for_the_actor(coach, outsider):
    from django.core.exceptions import ValidationError

    from clients import services

    ClientFactory(email="dubbel@voorbeeld.nl", coaches=[outsider])
    with pytest.raises(ValidationError) as raised:
        services.client_create(
            actor=coach, first_name="A", last_name="B", email="dubbel@voorbeeld.nl"
        )
    assert raised.value.message_dict["email"] == [
        "Dit e-mailadres kan niet worden gebruikt. Vraag het de eigenaar van de praktijk."
    ]
