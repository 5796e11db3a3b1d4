"""One damaged value spoils only itself (issue 8, point 2), through the admin.

A value is damaged by raw SQL on its stored column (a ciphertext swapped in from
another row, one byte flipped) or by deleting its holder's data key from the key
store database. Lists, the dashboard and the row's own pages then answer 200 with
the marker ("kan niet worden geopend (id <pk>)") in its place and every other
value and row as usual; the change and delete pages warn which fields cannot be
opened and why; an unchanged save writes the stored bytes back as they were; the
owner deletes the row after the warning, through the audited services.
"""

from __future__ import annotations

from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from clients.models import Client
from dossiers.models import DossierEntry, Trajectory
from refleact.audit.models import AuditEvent
from refleact.crypto import keyring
from refleact.crypto.files import seal_chunks
from refleact.crypto.tests.conftest import flip, stored, write_stored
from refleact.keystore.models import DataKey
from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

DAMAGES = ("swapped", "flipped", "key_missing")
# Dutch, the default language: fragments of the warnings per cause.
KEY_MISSING_WARNING = "ontbreekt in de sleutelopslag"
ALTERED_WARNING = "buiten de applicatie gewijzigd"


def marker_text(pk) -> str:
    with translation.override("nl"):
        return gettext("cannot be opened (id %(id)s)") % {"id": pk}


def lose_key(holder_id) -> None:
    """Delete a holder's data key from the key store database, past every check."""
    connection = connections["keystore"]
    table = connection.ops.quote_name(DataKey._meta.db_table)
    holder = DataKey._meta.get_field("holder_id").get_db_prep_value(
        holder_id, connection
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE holder_id = %s", [holder])  # noqa: S608
    keyring.clear_cache()


def damage(kind: str, obj, field: str, *, donor=None) -> None:
    """Damage obj's value of field: swap in donor's, flip a byte, or lose the key."""
    model = type(obj)
    if kind == "swapped":
        write_stored(model, obj.pk, field, stored(model, donor.pk, field))
    elif kind == "flipped":
        write_stored(model, obj.pk, field, flip(stored(model, obj.pk, field), 40))
    else:
        lose_key(obj.holder_id)
    keyring.clear_cache()


@pytest.fixture
def practice(coach):
    """A client whose name and dossier entry are about to be damaged, and one whole."""
    healthy = ClientFactory(first_name="Hanna", last_name="Heelhuids", coaches=[coach])
    damaged = ClientFactory(first_name="Dora", last_name="Defect", coaches=[coach])
    healthy_trajectory = TrajectoryFactory(client=healthy, coach=coach)
    trajectory = TrajectoryFactory(client=damaged, coach=coach)
    healthy_entry = DossierEntryFactory(trajectory=healthy_trajectory, title="Gaaf")
    entry = DossierEntryFactory(trajectory=trajectory, title="Beschadigd verslag")
    AppointmentFactory(trajectory=trajectory)
    return {
        "healthy": healthy,
        "damaged": damaged,
        "trajectory": trajectory,
        "entry": entry,
        "healthy_entry": healthy_entry,
    }


def damage_practice(kind: str, practice) -> None:
    # The client's first name (swapped) or last name (flipped), and the entry's
    # title; a lost key takes every value of the client, trajectory and entry.
    field = "first_name" if kind == "swapped" else "last_name"
    damage(kind, practice["damaged"], field, donor=practice["healthy"])
    if kind != "key_missing":
        damage(kind, practice["entry"], "title", donor=practice["healthy_entry"])


def page(http, name: str, *args) -> str:
    response = http.get(reverse(name, args=args))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


# -- lists and the dashboard ---------------------------------------------------------


@pytest.mark.parametrize("kind", DAMAGES)
def test_lists_and_the_dashboard_show_the_marker_and_every_other_row(
    kind, practice, owner_http
):
    damage_practice(kind, practice)
    client_marker = marker_text(practice["damaged"].pk)
    entry_marker = marker_text(practice["entry"].pk)

    clients = page(owner_http, "admin:clients_client_changelist")
    trajectories = page(owner_http, "admin:dossiers_trajectory_changelist")
    entries = page(owner_http, "admin:dossiers_dossierentry_changelist")
    dashboard = page(owner_http, "admin:dashboard")

    for content in (clients, trajectories, dashboard):
        assert client_marker in content
        assert "Hanna Heelhuids" in content
    assert entry_marker in entries and "Gaaf" in entries
    if kind != "key_missing":
        assert ("Defect" if kind == "swapped" else "Dora") in clients
    for content in (clients, trajectories, entries, dashboard):
        assert "Beschadigd" not in content


@pytest.mark.parametrize("kind", DAMAGES)
def test_autocomplete_and_the_bulk_delete_page_name_the_damaged_row(
    kind, practice, owner_http
):
    damage_practice(kind, practice)
    client_marker = marker_text(practice["damaged"].pk)

    found = owner_http.get(
        reverse("admin:autocomplete"),
        {"app_label": "dossiers", "model_name": "trajectory", "field_name": "client"},
    )
    confirmation = owner_http.post(
        reverse("admin:clients_client_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [practice["damaged"].pk, practice["healthy"].pk],
        },
    )

    assert found.status_code == 200
    texts = [row["text"] for row in found.json()["results"]]
    assert any(client_marker in text for text in texts)
    assert "Hanna Heelhuids" in texts
    assert confirmation.status_code == 200
    content = confirmation.content.decode()
    assert client_marker in content and "Hanna Heelhuids" in content


def test_a_coach_sees_the_marker_and_an_outsider_still_gets_404(
    practice, coach_http, outsider_http
):
    damage_practice("flipped", practice)

    assert marker_text(practice["damaged"].pk) in page(
        coach_http, "admin:clients_client_changelist"
    )
    assert outsider_http.get(change_url(practice["damaged"])).status_code == 404


# -- the damaged row's own pages -----------------------------------------------------


@pytest.mark.parametrize("kind", DAMAGES)
def test_the_damaged_rows_own_pages_show_the_marker_and_warn(
    kind, practice, owner_http
):
    damage_practice(kind, practice)
    warning = KEY_MISSING_WARNING if kind == "key_missing" else ALTERED_WARNING
    other = ALTERED_WARNING if kind == "key_missing" else KEY_MISSING_WARNING

    for obj in (practice["damaged"], practice["entry"]):
        meta = obj._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        change = page(owner_http, f"{prefix}_change", obj.pk)
        history = page(owner_http, f"{prefix}_history", obj.pk)
        delete = page(owner_http, f"{prefix}_delete", obj.pk)
        for content in (change, history, delete):
            assert marker_text(obj.pk) in content
        for content in (change, delete):
            assert warning in content and other not in content
    trajectory = page(
        owner_http, "admin:dossiers_trajectory_change", practice["trajectory"].pk
    )
    # The inline entry shows the marker as text, not as an input's value.
    assert marker_text(practice["entry"].pk) in trajectory
    assert f'value="{marker_text(practice["entry"].pk)}"' not in trajectory
    assert warning in trajectory


def test_the_damaged_field_is_read_only_and_the_others_stay_editable(
    practice, owner_http
):
    damage_practice("flipped", practice)

    response = owner_http.get(change_url(practice["damaged"]))

    form = response.context["adminform"].form
    assert "last_name" not in form.fields
    assert {"first_name", "email", "phone"} <= set(form.fields)
    assert marker_text(practice["damaged"].pk) in response.content.decode()


# -- saving unchanged ----------------------------------------------------------------


class _FormFields(HTMLParser):
    """What a browser submits for a form left as it was shown (no JavaScript)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def _add(self, name, value) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            values = self.data[self._textarea]
            # A browser drops the newline right after <textarea>.
            values[-1] += data[1:] if not values[-1] and data[:1] == "\n" else data


def submit_unchanged(http, url: str, form_id: str):
    response = http.get(url)
    assert response.status_code == 200
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    return http.post(url, {**parser.data, "_save": "Save"})


def _stored_values(obj) -> dict[str, bytes]:
    """The row's stored (sealed) values, by field; NULL columns left out."""
    model = type(obj)
    names = [f.name for f in model.encrypted_fields()]
    row = model.objects.values_list(*names).get(pk=obj.pk)
    return {n: bytes(v) for n, v in zip(names, row, strict=True) if v is not None}


@pytest.mark.parametrize("kind", DAMAGES)
def test_an_unchanged_save_keeps_the_stored_bytes(kind, practice, owner_http):
    damage_practice(kind, practice)
    client, entry = practice["damaged"], practice["entry"]
    damaged_client = Client.objects.get(pk=client.pk)
    damaged_fields = {
        "swapped": ["first_name"],
        "flipped": ["last_name"],
        "key_missing": list(_stored_values(damaged_client)),
    }[kind]
    before = {
        "client": _stored_values(damaged_client),
        "entry": _stored_values(entry),
        "trajectory": _stored_values(practice["trajectory"]),
    }

    saved = submit_unchanged(owner_http, change_url(client), "client_form")
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    saved = submit_unchanged(
        owner_http, change_url(practice["trajectory"]), "trajectory_form"
    )
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    saved = submit_unchanged(owner_http, change_url(entry), "dossierentry_form")
    assert saved.status_code == 302, saved.context["adminform"].form.errors

    after = _stored_values(Client.objects.get(pk=client.pk))
    for field in damaged_fields:
        assert after[field] == before["client"][field], field
    assert _stored_values(entry)["title"] == before["entry"]["title"]
    if kind == "key_missing":
        assert _stored_values(entry) == before["entry"]
        assert _stored_values(practice["trajectory"]) == before["trajectory"]
        # Nothing sealed anew: the holder got no new key behind a damaged store.
        assert not DataKey.objects.using("keystore").filter(holder_id=client.holder_id)
    healthy = Client.objects.get(pk=practice["healthy"].pk)
    assert (healthy.first_name, healthy.last_name) == ("Hanna", "Heelhuids")


# -- deleting after the warning --------------------------------------------------------


@pytest.mark.parametrize("kind", DAMAGES)
def test_the_owner_deletes_a_damaged_client_after_the_warning(
    kind, owner, owner_http, coach
):
    donor = ClientFactory(coaches=[coach])
    lonely = ClientFactory(first_name="Los", last_name="Zand", coaches=[coach])
    damage(kind, lonely, "email", donor=donor)
    url = reverse("admin:clients_client_delete", args=[lonely.pk])

    confirmation = owner_http.get(url)
    content = confirmation.content.decode()
    assert confirmation.status_code == 200
    if kind == "key_missing":
        assert marker_text(lonely.pk) in content  # its name cannot be opened either
    assert (KEY_MISSING_WARNING if kind == "key_missing" else ALTERED_WARNING) in (
        content
    )
    deleted = owner_http.post(url, {"post": "yes"})

    assert deleted.status_code == 302
    assert not Client.objects.filter(pk=lonely.pk).exists()
    assert Client.objects.filter(pk=donor.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE, object_id=str(lonely.pk), actor=owner
    ).exists()


def test_the_owner_deletes_an_entry_whose_attachment_cannot_be_opened(
    owner, owner_http, practice, django_capture_on_commit_callbacks
):
    entry = DossierEntryFactory(
        trajectory=practice["trajectory"],
        attachment=seal_chunks([b"%PDF-1.4"], filename="a.pdf", content_type="x/y"),
    )
    damage("flipped", entry, "attachment")
    url = reverse("admin:dossiers_dossierentry_delete", args=[entry.pk])
    assert ALTERED_WARNING in page(
        owner_http, "admin:dossiers_dossierentry_delete", entry.pk
    )

    with django_capture_on_commit_callbacks(execute=True):
        deleted = owner_http.post(url, {"post": "yes"})

    assert deleted.status_code == 302
    assert not DossierEntry.objects.filter(pk=entry.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE, object_id=str(entry.pk), actor=owner
    ).exists()
    assert Trajectory.objects.filter(pk=practice["trajectory"].pk).exists()


# -- encryption_status -------------------------------------------------------------


def test_encryption_status_names_each_damaged_value_and_its_cause(practice):
    damage_practice("flipped", practice)
    lost = ClientFactory()
    lose_key(lost.holder_id)
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("encryption_status", stdout=out)

    output = out.getvalue()
    damaged, entry = practice["damaged"], practice["entry"]
    assert f"clients.Client.last_name (pk={damaged.pk}): altered" in output
    assert f"dossiers.DossierEntry.title (pk={entry.pk}): altered" in output
    assert f"clients.Client.email (pk={lost.pk}): key missing" in output
    assert "Defect" not in output and "Beschadigd" not in output
