"""Organisations: known ones in any form, unknown ones by legal form or sector word."""

import pytest

from refleact.pseudonymiser import Organisation, Subject, scrub_text

from .helpers import scrub

KOOPMANS = Subject(
    first_name="Daan", last_name="Vos", organisation="Installatiebedrijf Koopmans"
)


@pytest.mark.parametrize(
    "text, gone",
    [
        ("Hij werkt bij Installatiebedrijf Koopmans.", "Koopmans"),
        ("Daan Vos, monteur bij Koopmans", "Koopmans"),
        ("Hij werkt bij installatiebedrijf koopmans.", "koopmans"),
    ],
)
def test_the_clients_organisation_goes_in_any_form(text, gone):
    assert gone not in scrub(text, KOOPMANS)


def test_known_organisations_go():
    out = scrub_text(
        "Ze werkt bij Sportschool FitFabriek.",
        subject=Subject(),
        known=[Organisation("Sportschool FitFabriek")],
    ).text
    assert "FitFabriek" not in out and "[organisatie 1]" in out


@pytest.mark.parametrize(
    "name",
    [
        "Veldkamp Logistiek B.V.",
        "Havenservice Maasmond BV",
        "Garage Janssens NV",
        "Brink Advies VOF",
        "Aannemersbedrijf Hylkema & Zn.",
        "Stichting Wijkkracht Oost",
        "Gemeente Opsterland",
        "Zorggroep Wadden & Wolden",
        "Kinderopvang It Lytse Hûs",
        "Tiemersma Accountants",
    ],
)
def test_unknown_organisations_go_by_legal_form_or_sector_word(name):
    out = scrub(f"Ze werkt sinds maart bij {name} als planner.")
    assert "[organisatie 1]" in out
    for word in name.split():
        if word[0].isupper() and word not in ("B.V.", "BV", "NV", "VOF"):
            assert word not in out, word


def test_the_same_organisation_keeps_one_number():
    out = scrub(
        "Gemeente Opsterland belde. Offerte gaat naar Opsterland, en ook naar Stichting Welzijn Noord."
    )
    assert out.count("[organisatie 1]") == 2 and "[organisatie 2]" in out


def test_an_employer_after_bij_de_goes_but_an_agency_in_capitals_stays():
    out = scrub("Ze werkt bij de Hema en is doorverwezen door het UWV.")
    assert "Hema" not in out and "UWV" in out


def test_labels_say_what_follows():
    out = scrub("Werkgever: Philips. Woonplaats: Sneek.")
    assert out == "Werkgever: [organisatie 1]. Woonplaats: [plaats]."
