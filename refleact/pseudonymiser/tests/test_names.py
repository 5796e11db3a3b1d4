"""People: the client in every form, other people by cue and list; look-alikes stay."""

import pytest

from refleact.pseudonymiser import Person, Subject, scrub_text

from .helpers import ANOUK, scrub

BOERSMA = Subject(first_name="Hanneke", last_name="Boersma-de Groot")
VAN_DEN_BERG = Subject(first_name="Pieter-Jan", last_name="van den Berg")


@pytest.mark.parametrize(
    "text, gone",
    [
        ("Anouk de Vries kwam binnen.", "Anouk de Vries"),
        ("Vandaag was Anouk moe.", "Anouk"),
        ("De Vries gaf aan dat het zwaar was.", "De Vries"),
        ("Ik sprak met de Vries over werk.", "de Vries"),
        ("Volgens A. de Vries gaat het goed.", "A. de Vries"),
        ("Getekend: A.M. de Vries", "A.M. de Vries"),
        ("Anouk's energie was hoger.", "Anouk's"),
        ("Anouks energie was hoger.", "Anouks"),
        ("Thuis heet ze Anoukje.", "Anoukje"),
        ("ik ben anouk en ik vond het fijn", "anouk"),
        ("Mevrouw De Vries belde.", "De Vries"),
    ],
)
def test_the_clients_name_goes_in_every_form(text, gone):
    assert gone not in scrub(text)


@pytest.mark.parametrize(
    "text, gone",
    [
        ("Mevrouw H. Boersma-de Groot belde.", "Boersma"),
        ("Op het werk heet ze Boersma.", "Boersma"),
        ("Op papier staat De Groot.", "De Groot"),
        ("Hanneke Boersma kwam te laat.", "Hanneke Boersma"),
    ],
)
def test_either_part_of_a_double_surname_goes(text, gone):
    assert gone not in scrub(text, BOERSMA)


@pytest.mark.parametrize(
    "text, gone",
    [
        ("Van den Berg kwam binnen.", "Van den Berg"),
        ("Pieter-Jan van den Berg, docent.", "Pieter-Jan"),
        ("Dat vond Pieter-Jan's vrouw ook.", "Pieter-Jan"),
        ("Mail van P.J. van den Berg.", "P.J."),
    ],
)
def test_particles_and_hyphenated_given_names(text, gone):
    assert gone not in scrub(text, VAN_DEN_BERG)


def test_the_client_becomes_the_pseudonym_and_a_possessive_stays_grammatical():
    subject = Subject(first_name="Anouk", last_name="de Vries", pseudonym="Cliënt 7F3A")
    assert (
        scrub("Anouk's energie was hoger.", subject)
        == "Cliënt 7F3A's energie was hoger."
    )
    assert scrub("Anouk's energie was hoger.") == "De energie van de cliënt was hoger."
    assert scrub("Daarna kwam Anouk.") == "Daarna kwam de cliënt."


def test_nicknames_the_note_gives_go_too():
    subject = Subject(first_name="Mohamed", last_name="Bouzid")
    out = scrub(
        "Mohamed (hij noemt zichzelf Mo) belde. Volgens Mo's eigen woorden ging het goed.",
        subject,
    )
    assert "Mo" not in out.replace("Mohamed", "")


@pytest.mark.parametrize(
    "text",
    [
        "Mijn leidinggevende Erik Jansen was er niet.",
        "Haar partner Youssef merkt het.",
        "Zijn zoon Jildert neemt het over.",
        "Ze sprak met Henk de Koning.",
        "Regiomanager mevrouw De Graaf was kritisch.",
        "Deelnemers: Sterre Mulder, Bo Visser en Tjitske Rijpma.",
        "Beste Geeske, dank voor alles.",
        "Haar dochters Fenna en Isa spelen buiten.",
        "Hij belde met dhr. van der Meer over het contract.",
        "De voorzitter, mevrouw E.M. Rispens, opende.",
    ],
)
def test_other_people_go_by_name_position_and_name_lists(text):
    out = scrub(text)
    assert "[persoon 1]" in out
    for word in (
        "Erik",
        "Jansen",
        "Youssef",
        "Jildert",
        "Koning",
        "Graaf",
        "Mulder",
        "Geeske",
        "Fenna",
        "Isa",
        "Meer",
        "Rispens",
    ):
        if word in text:
            assert word not in out, word


def test_the_same_person_keeps_one_number_within_a_note():
    out = scrub(
        "Collega Erik Jansen belde. Later mailde Jansen nog. Erik was boos. Zijn vrouw Marieke ook."
    )
    assert out.count("[persoon 1]") == 3 and "[persoon 2]" in out


def test_known_people_go_in_any_form():
    known = [Person(first_name="Wessel", last_name="Terpstra")]
    out = scrub_text(
        "Ik sprak W. Terpstra en later Wessel.", subject=ANOUK, known=known
    ).text
    assert "Terpstra" not in out and "Wessel" not in out


@pytest.mark.parametrize(
    "subject, text, kept",
    [
        (
            Subject(first_name="Roos", last_name="Visser"),
            "Ik, roos, kreeg een roos van mijn opa, die visser was.",
            "een roos",
        ),
        (
            Subject(first_name="Roos", last_name="Visser"),
            "Mijn opa was visser.",
            "visser",
        ),
        (
            Subject(first_name="Roos", last_name="Visser"),
            "We bespraken de Roos van Leary.",
            "Roos van Leary",
        ),
        (
            Subject(first_name="Bas", last_name="Koning"),
            "Hij is 'de koning van de afdeling' met Excel.",
            "de koning van de afdeling",
        ),
        (
            Subject(first_name="Sander", last_name="Bakker"),
            "Ik ben al 25 jaar bakker, de eerste bakker hier.",
            "de eerste bakker",
        ),
        (
            Subject(first_name="Fleur", last_name="Bosma"),
            "Ze heeft haar fleur terug.",
            "haar fleur terug",
        ),
        (
            Subject(first_name="Hoop", last_name="Jellema"),
            "Hoop heeft goede hoop.",
            "goede hoop",
        ),
        (
            Subject(first_name="Daan", last_name="Vos"),
            "Hij is een slimme vos.",
            "een slimme vos",
        ),
        (
            Subject(first_name="Jan", last_name="Hoek"),
            "Jan verdient als Jan Modaal, in een hoek gedreven.",
            "Jan Modaal",
        ),
    ],
)
def test_words_that_only_look_like_the_clients_name_stay(subject, text, kept):
    assert kept in scrub(text, subject)


def test_lower_case_roos_the_client_goes_but_a_rose_stays():
    subject = Subject(first_name="Roos", last_name="Visser")
    out = scrub("Ik, roos, kreeg een roos.", subject)
    assert out == "Ik, de cliënt, kreeg een roos."


@pytest.mark.parametrize(
    "kept",
    [
        "de Roos van Leary",
        "volgens Covey",
        "het model van Kübler-Ross",
        "Johari-venster",
        "Kübler-Ross curve",
        "kernkwadranten van Ofman",
        "de piramide van Maslow",
        "de zes denkhoeden van De Bono",
        "het SCARF-model van David Rock",
        "de fasen van gedragsverandering van Prochaska en DiClemente",
        "Covey's cirkel van invloed",
        "maandag",
        "vorige week",
        "Koningsdag",
        "in het Engels",
        "Poolse collega's",
        "de Grote Markt",
        "WhatsApp",
        "UWV",
    ],
)
def test_theory_authors_months_and_common_capitals_stay(kept):
    text = f"We werkten met {kept} en dat hielp, zei ze vorige week."
    assert kept in scrub(text)


@pytest.mark.parametrize(
    "text", ["Mei is altijd een drukke maand.", "Half Mei begint het seizoen."]
)
def test_mei_the_month_stays(text):
    assert "Mei" in scrub(text)


def test_mei_the_friend_goes():
    assert "Mei" not in scrub("Mijn vriendin Mei zegt dat ik rustiger ben.")


def test_bakker_as_profession_stays_while_mr_bakker_goes():
    out = scrub("Mijn buurman Gert Bakker is bakker.")
    assert "Bakker" not in out and "bakker" in out


def test_places_go_when_they_say_where_someone_lives():
    out = scrub("Ze woont in Gorredijk en werkt in Drachten.")
    assert "Gorredijk" not in out and "Drachten" not in out and "[plaats]" in out


def test_countries_stay():
    assert "Brazilië en Nederland" in scrub(
        "Het verschil tussen Brazilië en Nederland."
    )


@pytest.mark.xfail(
    strict=True, reason="a known limit: no Dutch word list to tell names"
)
def test_unlisted_lower_case_names_without_a_cue_in_a_sloppy_note():
    # Frisian given names in no list, lower case, in a list with no role word:
    # nothing tells them from nouns ("o.a. planning en overleg") without a lexicon.
    subject = Subject(first_name="Tjeerd", last_name="Hoekstra")
    out = scrub(
        "tjeerd belde. hij geeft zijn personeel (oa jurjen en sietse) weinig lof.",
        subject,
    )
    assert "jurjen" not in out and "sietse" not in out


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Training 'Feedback geven en ontvangen' bij het team.", "Feedback geven"),
        ("Workshop 'Grip op werkdruk' voor docenten.", "Grip op werkdruk"),
        ("Jelmer Boonstra\nT 0513-628413 | E: j@example.nl", "T "),
    ],
)
def test_quoted_titles_and_single_letter_labels_stay(text, kept):
    assert kept in scrub(text)


def test_a_department_in_brackets_is_no_nickname():
    subject = Subject(first_name="Fleur", last_name="de Koning")
    assert "(HR, opdrachtgever)" in scrub(
        "Fleur de Koning (HR, opdrachtgever) opende.", subject
    )


@pytest.mark.parametrize(
    "name", ["Sietse", "Hylke", "Wopke", "Ytsje", "Tjeerd", "Geeske", "Aukje"]
)
def test_frisian_given_names_at_a_sentence_start_go_by_their_shape(name):
    assert name not in scrub(f"Het was druk. {name} belde om te verzetten.")


@pytest.mark.parametrize("word", ["Zulke", "Welke", "Hartelijke", "Meisje", "Duitse"])
def test_words_with_a_name_like_ending_stay(word):
    assert word in scrub(f"Het was druk. {word} dingen gebeuren.")


def test_a_client_called_ben_leaves_the_verb_alone():
    subject = Subject(first_name="Ben", last_name="Vos")
    assert scrub("Ben zei: ik ben moe.", subject) == "De cliënt zei: ik ben moe."


def test_a_possessive_never_swallows_the_next_name():
    subject = Subject(first_name="Jikke", last_name="Koster")
    out = scrub("snel: jikke's marco belde, via haar collega marco.", subject)
    assert "marco" not in out


@pytest.mark.parametrize(
    "kept",
    [
        "Motivational Interviewing",
        "Appreciative Inquiry",
        "Acceptance and Commitment Therapy",
        "de methode Gordon",
    ],
)
def test_english_method_names_and_a_method_with_its_author_stay(kept):
    assert kept in scrub(f"Deze week werkten we met {kept} aan haar doelen.")


@pytest.mark.parametrize("kept", ["de roos van Leary", "de cirkel van Deming"])
def test_a_thing_of_someone_with_no_dutch_name_is_a_model(kept):
    assert kept in scrub(f"We bespraken {kept} uitgebreid.")


@pytest.mark.parametrize(
    "text, gone",
    [
        ("Het huis van Pieter is groot.", "Pieter"),
        ("De auto van Bakker stond er.", "Bakker"),
        ("Hij was koster in de dorpskerk van Tijnje.", "Tijnje"),
    ],
)
def test_a_thing_of_a_dutch_name_or_a_place_still_goes(text, gone):
    assert gone not in scrub(text)
