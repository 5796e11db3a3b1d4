"""The intervision case: choose entries, preview them scrubbed, download the PDF.

Policy: "De casus zal in dit geval altijd anoniem worden behandeld, waarbij
persoonlijke gegevens niet worden mee genomen in het overleg."
"""

from __future__ import annotations

import re
import subprocess
import uuid

import pytest
from django.urls import reverse

from clients.models import Client
from consent.models import Disclosure
from dossiers.intervision import case_scrubber
from dossiers.models import DossierEntry, Trajectory
from refleact.audit.models import AuditEvent
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    OrganisationFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

# Every form of the client's identifiers a note may carry (invented people).
CLIENT_FORMS = [
    "Anouk",
    "de Vries",
    "De Vries",
    "Vries",
    "Anouks",
    "anouk.devries@voorbeeld.nl",
    "06-12345678",
    "0612345678",
    "+31612345678",
    "Hoogland",
    "Hoogland Installatietechniek",
    "Jansen",
    "Veldkamp",
]
NOTE = (
    "Anouk de Vries (anouk.devries@voorbeeld.nl, 06-12345678) werkt bij Hoogland "
    "Installatietechniek. Op 14-02-2026 sprak Anouk met haar leidinggevende Erik "
    "Jansen. Anouks energie is laag; A. de Vries wil vaker nee zeggen.\n"
    "Ze denkt aan een overstap naar Veldkamp. We bespraken het Johari-venster."
)


@pytest.fixture
def anouk(coach):
    organisation = OrganisationFactory(name="Hoogland Installatietechniek")
    return ClientFactory(
        first_name="Anouk",
        last_name="de Vries",
        email="anouk.devries@voorbeeld.nl",
        phone="+31612345678",
        kind=Client.Kind.CONTACT,
        organisation=organisation,
        coaches=[coach],
    )


@pytest.fixture
def trajectory(anouk, coach):
    # Another client of the same coach, with an organisation of her own: known.
    ClientFactory(
        first_name="Erik",
        last_name="Jansen",
        organisation=OrganisationFactory(name="Veldkamp B.V."),
        coaches=[coach],
    )
    return TrajectoryFactory(client=anouk, coach=coach)


@pytest.fixture
def entries(trajectory):
    return [
        DossierEntryFactory(trajectory=trajectory, title="Sessie met Anouk", body=NOTE),
        DossierEntryFactory(
            trajectory=trajectory,
            title="Verslag",
            body="Anouk de Vries belde: 0612345678.",
        ),
    ]


def choose_url(trajectory) -> str:
    return reverse("admin:dossiers_trajectory_intervision", args=[trajectory.pk])


def pdf_url(trajectory) -> str:
    return reverse("admin:dossiers_trajectory_intervision_pdf", args=[trajectory.pk])


def case_data(entries, *, texts=None, question="Hoe begrens ik mijn eigen rol?"):
    data = {
        "form-TOTAL_FORMS": str(len(entries)),
        "form-INITIAL_FORMS": str(len(entries)),
        "form-MIN_NUM_FORMS": "1",
        "form-MAX_NUM_FORMS": "50",
        "question": question,
    }
    for n, entry in enumerate(entries):
        data[f"form-{n}-entry"] = str(entry.pk)
        data[f"form-{n}-title"] = "Sessie"
        data[f"form-{n}-text"] = (texts or {}).get(n, NOTE)
    return data


def assert_no_identifier(text: str) -> None:
    for form in CLIENT_FORMS:
        assert not re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text), form


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "case.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


# -- the scrubber with what the system knows ----------------------------------------


def test_case_text_loses_every_identifier_and_the_exact_date(trajectory):
    case = case_scrubber(trajectory=trajectory)(NOTE)
    assert_no_identifier(case.text)
    assert "14-02-2026" not in case.text
    assert "[februari 2026]" in case.text
    assert "Johari-venster" in case.text
    assert {p.replaced for p in case.pieces} >= {"client", "email", "phone", "date"}
    assert "".join(p.text for p in case.pieces) == case.text


def test_possessive_before_a_compound_of_a_head_word_goes(trajectory):
    # "huiswerk" ends in the theory head "werk"; "Covey's cirkel" stays.
    scrub = case_scrubber(trajectory=trajectory)
    assert_no_identifier(scrub("Anouk's huiswerk: nee zeggen.").text)
    assert "Covey's cirkel van invloed" in scrub("Covey's cirkel van invloed").text


def test_the_client_is_named_in_no_form_the_scrubber_keeps(coach):
    roos = ClientFactory(first_name="Roos", last_name="Bakker", coaches=[coach])
    scrub = case_scrubber(trajectory=TrajectoryFactory(client=roos, coach=coach))
    case = scrub("We keken naar de Roos van Leary; een roos in de vaas.")
    assert "Roos" not in case.text
    assert "een roos in de vaas" in case.text


# -- the trajectory page and choosing ---------------------------------------------


def test_trajectory_page_links_to_the_case(coach_http, trajectory):
    url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
    assert choose_url(trajectory).encode() in coach_http.get(url).content


def test_training_has_no_case(owner_http, coach):
    organisation = OrganisationFactory()
    training = TrajectoryFactory(
        kind=Trajectory.Kind.TRAINING,
        client=None,
        organisation=organisation,
        holder_id=organisation.holder_id,
        coach=coach,
    )
    assert owner_http.get(choose_url(training)).status_code == 404


def test_choice_lists_the_entries_and_logs_them(coach_http, entries):
    response = coach_http.get(choose_url(entries[0].trajectory))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for entry in entries:
        assert str(entry.pk).encode() in response.content
        assert AuditEvent.objects.filter(
            action="list", object_id=str(entry.pk)
        ).exists()


def test_anonymous_goes_to_login(client, entries):
    response = client.get(choose_url(entries[0].trajectory))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    response = client.post(pdf_url(entries[0].trajectory), case_data(entries))
    assert response.status_code == 302


def test_outsider_gets_404(outsider_http, entries):
    trajectory = entries[0].trajectory
    assert outsider_http.get(choose_url(trajectory)).status_code == 404
    response = outsider_http.post(
        choose_url(trajectory), {"entries": [str(e.pk) for e in entries]}
    )
    assert response.status_code == 404
    assert outsider_http.post(pdf_url(trajectory), case_data(entries)).status_code == (
        404
    )


def test_wrong_methods_are_405(coach_http, trajectory):
    assert coach_http.put(choose_url(trajectory)).status_code == 405
    assert coach_http.get(pdf_url(trajectory)).status_code == 405


@pytest.mark.parametrize("bad", ["not-a-uuid", "0", str(uuid.uuid4()), "%00"])
def test_malformed_or_unknown_entry_ids_are_400(coach_http, trajectory, bad):
    response = coach_http.post(choose_url(trajectory), {"entries": [bad]})
    assert response.status_code == 400
    data = case_data([DossierEntry(pk=uuid.uuid4())])
    data["form-0-entry"] = bad
    assert coach_http.post(pdf_url(trajectory), data).status_code == 400
    assert coach_http.post(choose_url(trajectory), data).status_code == 400


def test_entry_of_another_trajectory_is_refused(coach_http, entries, anouk, coach):
    other = DossierEntryFactory(trajectory=TrajectoryFactory(client=anouk, coach=coach))
    trajectory = entries[0].trajectory
    response = coach_http.post(choose_url(trajectory), {"entries": [str(other.pk)]})
    assert response.status_code == 400
    response = coach_http.post(pdf_url(trajectory), case_data([other]))
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="export").exists()


def test_nothing_chosen_says_so(coach_http, entries):
    response = coach_http.post(choose_url(entries[0].trajectory), {})
    assert response.status_code == 400
    assert "Kies minstens één onderdeel.".encode() in response.content


def test_broken_management_form_is_400(coach_http, entries):
    data = case_data(entries)
    data["form-TOTAL_FORMS"] = "abc"
    assert coach_http.post(pdf_url(entries[0].trajectory), data).status_code == 400


# -- the preview ----------------------------------------------------------------


def test_preview_shows_the_scrubbed_text_highlighted(coach_http, entries):
    trajectory = entries[0].trajectory
    response = coach_http.post(
        choose_url(trajectory), {"entries": [str(e.pk) for e in entries]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    body = page.split('id="content-main"')[1]
    assert_no_identifier(body)
    assert '<mark class="refleact-replaced">[e-mailadres]</mark>' in body
    assert '<mark class="refleact-replaced">[februari 2026]</mark>' in body
    assert "Johari-venster" in body
    assert re.search(r"Casus \d{4}-\d{2} · coaching", body)
    assert not AuditEvent.objects.filter(action="export").exists()
    for entry in entries:
        assert AuditEvent.objects.filter(
            action="view", object_id=str(entry.pk)
        ).exists()


def test_a_hand_edit_that_adds_the_name_back_is_scrubbed_again(coach_http, entries):
    trajectory = entries[0].trajectory
    data = case_data(entries, texts={0: "Toch: Anouk de Vries, anouks broer belde."})
    response = coach_http.post(choose_url(trajectory), data)
    assert response.status_code == 200
    body = response.content.decode().split('id="content-main"')[1]
    assert_no_identifier(body)
    # What an earlier pass replaced is still marked.
    assert '<mark class="refleact-replaced">[e-mailadres]</mark>' in body


def test_the_question_is_required_before_export(coach_http, entries):
    data = case_data(entries, question="")
    response = coach_http.post(pdf_url(entries[0].trajectory), data)
    assert response.status_code == 400
    assert b"errornote" in response.content
    assert not AuditEvent.objects.filter(action="export").exists()


# -- the PDF ----------------------------------------------------------------------


def test_pdf_holds_no_identifier_and_is_logged(coach_http, coach, entries, tmp_path):
    trajectory = entries[0].trajectory
    texts = {1: "Anouk de Vries belde: 0612345678. Anouk's zoon Daan was ziek."}
    data = case_data(
        entries, texts=texts, question="Hoe help ik Anouk van Hoogland verder?"
    )
    response = coach_http.post(pdf_url(trajectory), data)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="intervisie-casus-'
    )
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content, tmp_path)
    assert_no_identifier(text)
    assert "Daan" not in text
    assert "14-02-2026" not in text
    assert "Johari-venster" in text
    assert "Leervraag" in text and "Hoe help ik" in text
    assert re.search(r"Casus \d{4}-\d{2} · coaching", text)
    exported = AuditEvent.objects.filter(action="export")
    assert {e.object_id for e in exported} == {
        str(trajectory.pk),
        *(str(e.pk) for e in entries),
    }
    assert all(e.actor_id == coach.pk for e in exported)


def test_export_is_recorded_as_an_anonymous_disclosure(coach_http, coach, entries):
    trajectory = entries[0].trajectory
    assert coach_http.post(pdf_url(trajectory), case_data(entries)).status_code == 200
    disclosure = Disclosure.objects.get()
    assert disclosure.client_id == trajectory.client_id
    assert disclosure.kind == Disclosure.Kind.INTERVISION
    assert disclosure.basis == Disclosure.Basis.ANONYMOUS
    assert disclosure.categories == ["content"]
    assert disclosure.recorded_by == coach


def test_owner_may_export_any_coaching_case(owner_http, entries):
    response = owner_http.post(pdf_url(entries[0].trajectory), case_data(entries))
    assert response.status_code == 200
