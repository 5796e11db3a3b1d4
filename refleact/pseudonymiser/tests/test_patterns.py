"""Identifiers with a shape: each format goes, look-alikes stay."""

import pytest

from refleact.pseudonymiser.patterns import bsn_valid, iban_valid

from .helpers import scrub


@pytest.mark.parametrize(
    "phone",
    [
        "06-12345678",
        "06 12 34 56 78",
        "0612345678",
        "06-1234 5678",
        "+31 6 12345678",
        "+31 6 1234 5678",
        "+31612345678",
        "+31 (0)6 12 34 56 78",
        "0031 6 12 34 56 78",
        "0031612345678",
        "0513-612345",
        "0513 61 23 45",
        "(0513) 61 23 45",
        "020-6159034",
        "020 615 90 34",
        "+49 171 5582903",
        "+32 478 12 34 56",
    ],
)
def test_phone_numbers_go_in_every_format(phone):
    out = scrub(f"Bel haar op {phone} na vijf uur.")
    assert phone not in out
    assert "[telefoonnummer]" in out


@pytest.mark.parametrize(
    "number", ["factuur 501558511", "ordernummer 379028269", "ticket 290905974"]
)
def test_order_and_ticket_numbers_stay(number):
    assert number in scrub(f"Zie {number} van vorige maand.")


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "NL65 BUNQ 3192284609",
        "DE89 3704 0044 0532 0130 00",
    ],
)
def test_ibans_go_with_and_without_spaces(iban):
    out = scrub(f"Betaling vanaf {iban} graag.")
    assert iban not in out and "[rekeningnummer]" in out


def test_an_iban_with_a_wrong_check_stays():
    assert not iban_valid("NL92ABNA0417164300")
    assert "NL92ABNA0417164300" in scrub("Code NL92ABNA0417164300 in het systeem.")


@pytest.mark.parametrize(
    "bsn", ["111222333", "123456782", "1234.56.782", "123 456 782", "123.456.782"]
)
def test_bsns_go_with_dots_spaces_or_none(bsn):
    assert bsn_valid(bsn)
    out = scrub(f"Haar nummer is {bsn} volgens het formulier.")
    assert bsn not in out and "[BSN]" in out


def test_a_labelled_bsn_goes_even_if_mistyped():
    assert "123456789" not in scrub("BSN 123456789, graag controleren.")


def test_a_nine_digit_number_failing_the_eleven_proof_stays():
    assert not bsn_valid("123456789")
    assert "123456789" in scrub("Kenmerk 123456789 staat op de brief.")


@pytest.mark.parametrize(
    "address",
    [
        "Lijsterbeslaan 27, 8443 CM Heerenveen",
        "Vondelstraat 88-2, 3514 BG Utrecht",
        "Kerkstraat 5a, 5038 AB Tilburg",
        "Burgemeester de Withof 14, 3067 HK Rotterdam",
        "Dracht 71, 8442 BP Heerenveen",
        "Tjaskerwei 8 8455 JN Katlijk",
    ],
)
def test_addresses_with_postcodes_go_whole(address):
    out = scrub(f"Adres: {address}. Graag per post.")
    assert "[adres]" in out
    for part in address.replace(",", "").split():
        if part[0].isdigit() or part[0].isupper():
            assert part not in out.replace("[adres]", ""), part


def test_a_street_and_number_go_without_a_postcode():
    out = scrub("Ze woont aan de Dorpsstraat 12 in Ede.")
    assert "Dorpsstraat" not in out and "Ede" not in out


def test_kvk_numbers_go():
    out = scrub("Studio Nova | KvK 87345120 | btw volgt")
    assert "87345120" not in out and "[KvK-nummer]" in out


@pytest.mark.parametrize(
    "plate", ["87-GZB-4", "S-429-FV", "12-ABC-3", "XX-99-XX", "99-XX-99"]
)
def test_licence_plates_go(plate):
    assert plate not in scrub(f"Haar auto ({plate}) staat voor de deur.")


def test_a_dashed_word_is_no_plate():
    assert "ouder-volwassene-kind" in scrub("Het schema ouder-volwassene-kind hielp.")


@pytest.mark.parametrize(
    "text, gone",
    [
        ("Mail hem op jan.jansen@example.com vandaag.", "jan.jansen@example.com"),
        ("Zie https://www.linkedin.com/in/someone-123 voor zijn cv.", "linkedin.com"),
        (
            "Haar blog hoopjellema.wordpress.com leest fijn.",
            "hoopjellema.wordpress.com",
        ),
        ("Kijk op www.example.nl.", "www.example.nl"),
    ],
)
def test_email_addresses_and_urls_go(text, gone):
    assert gone not in scrub(text)


@pytest.mark.parametrize(
    "text, date",
    [
        ("Intake (geb. 14-02-1986).", "14-02-1986"),
        ("Ze is geboren op 7 juli 1991 in Zwolle.", "7 juli 1991"),
        ("Geboortedatum volgens het formulier: 03-03-1985.", "03-03-1985"),
        ("Geb. 21.06.1984, werkt als assistente.", "21.06.1984"),
        ("geboren 1990-04-17 in Bremen", "1990-04-17"),
        ("Geboortedatum 14 okt. 1968, dus nu oud genoeg.", "14 okt. 1968"),
        ("geboren in '87 in Asmara", "'87"),
    ],
)
def test_birth_dates_go(text, date):
    out = scrub(text)
    assert date not in out and "[geboortedatum]" in out


@pytest.mark.parametrize(
    "kept",
    ["maandag", "vorige week", "09-10-2024", "12 maart", "volgende maand", "in mei"],
)
def test_weekdays_relative_time_and_session_dates_stay(kept):
    assert kept in scrub(f"Sessie 5 van 10 op {kept}, daarna evalueren.")


@pytest.mark.parametrize(
    "text, age",
    [
        ("Gerrit is 59 jaar en melkveehouder.", "59 jaar"),
        ("Dus nu 56 jaar.", "56 jaar"),
        ("Een 42-jarige docente.", "42-jarige"),
        ("'Ik ben pas 23, wie luistert er naar mij?'", "23"),
        ("Burak Öztürk (35), magazijnmedewerker", "(35)"),
        ("Lopes is 31 en wil solliciteren.", "31"),
    ],
)
def test_ages_go(text, age):
    assert age not in scrub(text)


@pytest.mark.parametrize(
    "kept",
    ["al 25 jaar bakker", "30 jaar in dienst", "over tien jaar", "36 uur", "4 jaar"],
)
def test_durations_stay(kept):
    assert kept in scrub(f"Hij is {kept} en dat merk je.") or kept in scrub(
        f"Dat duurt {kept}."
    )


def test_an_iban_typed_in_lower_case_goes():
    out = scrub("IBAN nl91 abna 0417 1643 00 graag.")
    assert "0417" not in out and "[rekeningnummer]" in out


@pytest.mark.parametrize(
    "text, gone",
    [
        ("Een vrouw van 34 met twee kinderen.", "34"),
        ("Hij is geboren in 1985 in Sneek.", "1985"),
        ("Geboortejaar: 1979.", "1979"),
    ],
)
def test_ages_and_birth_years_in_other_words(text, gone):
    assert gone not in scrub(text)


def test_the_year_a_trajectory_started_stays():
    assert "sinds 2016" in scrub("Hij werkt sinds 2016 in dezelfde functie.")


@pytest.mark.parametrize(
    "text, gone",
    [
        ("IBAN NL 91 ABNA 0417 1643 00 graag.", "0417"),
        ("BSN-nummer: 123 45 67 82.", "67 82"),
        ("Hij woont in de Dorpsstraat, vlak bij de kerk.", "Dorpsstraat"),
        ("Ze is eind 1987 geboren.", "1987"),
        ("Bel 06 - 123 456 78 vandaag.", "456"),
        ("Bel +316-12345678 vandaag.", "12345678"),
    ],
)
def test_odd_groupings_and_words_around_identifiers(text, gone):
    assert gone not in scrub(text)
