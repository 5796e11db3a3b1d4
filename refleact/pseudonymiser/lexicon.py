"""Word lists: Faker's name and place lists, and the Dutch words that give context.

Names and places come from Faker (MIT licence), which ships them inside the package:
first names from the Latin-script person providers of the languages clients of a
Dutch practice commonly have, surnames from nl_NL and nl_BE, cities and countries
from nl_NL's address provider. Nothing is downloaded. The Dutch context words below
are general vocabulary (particles, titles, roles, kinship, theory words), not words
taken from any set of notes.
"""

from __future__ import annotations

import importlib
from functools import cache

# Latin-script locales whose first names clients of a Dutch practice often carry.
_FIRST_NAME_LOCALES = (
    "nl_NL nl_BE en_US en_GB en_IE en_IN de_DE fr_FR tr_TR pl_PL es_ES pt_PT pt_BR "
    "it_IT id_ID da_DK sv_SE no_NO fi_FI cs_CZ sk_SK hu_HU ro_RO hr_HR sl_SI lt_LT "
    "lv_LV et_EE sw en_NG en_KE az_AZ uk_UA"
).split()
_LAST_NAME_LOCALES = ("nl_NL", "nl_BE")

# Surname particles, longest first so "van der" wins over "van".
PARTICLES = (
    "van de",
    "van der",
    "van den",
    "van het",
    "van 't",
    "in 't",
    "in de",
    "op de",
    "op den",
    "uit de",
    "uit den",
    "van",
    "de",
    "der",
    "den",
    "ter",
    "ten",
    "te",
    "het",
    "'t",
    "la",
    "le",
    "du",
    "da",
    "di",
    "dos",
    "el",
    "al",
    "bin",
    "ben",
    "von",
)
PARTICLE_WORDS = frozenset(w for p in PARTICLES for w in p.split())
# Prefixes written before a surname that people also drop: "El Amrani" -> "Amrani".
DROPPABLE_PREFIXES = frozenset({"el", "al", "ben", "bin", "abu", "ibn"})

TITLES = frozenset(
    """mevrouw mevr mevr. mw mw. meneer mr. dhr dhr. heer dr. dr drs. drs ir. ing.
    prof. dokter juf juffrouw meester mej. mej""".split()
)

# Words after which a capitalised word is a person: kinship, roles, greetings.
PERSON_CUES = frozenset(
    """man vrouw echtgenoot echtgenote partner vriend vriendin vriendje vriendinnetje
    zoon zoontje zonen dochter dochtertje dochters kind kinderen broer broertje zus
    zusje zuster moeder vader ouders opa oma neef nicht oom tante schoonmoeder
    schoonvader schoonzus zwager stiefvader stiefmoeder ex ex-partner ex-man ex-vrouw
    collega collega's leidinggevende manager baas chef compagnon coach
    teamleider directeur coördinator consulent wethouder voorzitter penningmeester
    secretaris huisarts bedrijfsarts arbeidsdeskundige praktijkmanager medewerker
    medewerkster assistent assistente opdrachtgever trainer trainster docent mentor
    begeleider begeleidster therapeut psycholoog contactpersoon klant deelnemer
    stagiair stagiaire buurman buurvrouw teamgenoot cliënt cliënte bestuurder
    eigenaar eigenaresse mediator notaris advocaat advocate jurist casemanager
    beste hoi hallo hey hé dag lieve groet groeten groetjes namens dank bedankt
    met""".split()
)
# Suffixes of role words: "projectleider", "HR-medewerker", "regiomanager".
PERSON_CUE_SUFFIXES = (
    "leider",
    "leidster",
    "manager",
    "medewerker",
    "medewerkster",
    "adviseur",
    "coördinator",
    "directeur",
    "bestuurder",
    "arts",
    "consulent",
    "assistent",
    "assistente",
    "meester",
    "voorzitter",
    "deskundige",
    "begeleider",
    "trainer",
    "coach",
    "docent",
    "eigenaar",
    "partner",
    "genoot",
    "chauffeur",
)
# Words after which a list of people follows: "Aanwezig: A, B en C".
LIST_CUES = frozenset(
    """aanwezig afwezig deelnemers deelnemer presentielijst anderen cc aan van naam
    noodcontact contactpersonen contact ouders kinderen verwijzer getuigen""".split()
)
# Labels after which an organisation or a place follows: "Werkgever: Philips".
ORG_LABELS = frozenset("werkgever bedrijf organisatie opdrachtgever school".split())
PLACE_LABELS = frozenset("woonplaats plaats geboorteplaats standplaats".split())

# The head words of theories, models and methods; a word ending in one of them
# ("dramadriehoek", "kernkwadranten", "SCARF-model") names a theory.
THEORY_HEADS = (
    "model",
    "modellen",
    "methode",
    "methodiek",
    "theorie",
    "piramide",
    "matrix",
    "curve",
    "venster",
    "cirkel",
    "kwadrant",
    "kwadranten",
    "driehoek",
    "ladder",
    "fasen",
    "fases",
    "stijlen",
    "rollen",
    "dimensies",
    "niveaus",
    "hoeden",
    "denken",
    "analyse",
    "principe",
    "principes",
    "gewoonte",
    "gewoonten",
    "gewoontes",
    "wet",
    "wetten",
    "schaal",
    "typologie",
    "ankers",
    "sterkten",
    "frustraties",
    "disfuncties",
    "communicatie",
    "boek",
    "boeken",
    "benadering",
    "cyclus",
    "spiraal",
    "leiderschap",
    "leidinggeven",
    "vragenlijst",
    "inventarisatie",
    "profielen",
    "kernkwaliteiten",
    "werkvormen",
    "landkaart",
    "taxonomie",
    "stappenplan",
    "boodschap",
    "therapie",
    "therapy",
    "approach",
    "framework",
    "werk",
    "eigenschappen",
    "inzichten",
    "lessen",
    "kompas",
)

# Organisation words: a legal form after a name, a sector word before or after it.
LEGAL_FORMS = (
    "B.V.",
    "BV",
    "N.V.",
    "NV",
    "V.O.F.",
    "VOF",
    "C.V.",
    "& Zn.",
    "& Zn",
    "& Zonen",
    "& Partners",
    "& Co.",
    "& Co",
    "Holding",
    "U.A.",
)
ORG_PREFIX_WORDS = frozenset(
    """stichting gemeente vereniging coöperatie hotel studio camping restaurant café
    hotel-restaurant laboratorium uitgeverij drukkerij bakkerij brouwerij kwekerij
    slagerij drogisterij apotheek garage kliniek ziekenhuis provincie waterschap
    obs cbs rkbs pcbs csg osg sg rsg kbs ikc bs""".split()
)
# Endings of sector words: "Installatiebedrijf", "Tandartsenpraktijk", "Thuiszorg".
ORG_WORD_SUFFIXES = (
    "bedrijf",
    "bedrijven",
    "kantoor",
    "praktijk",
    "bureau",
    "stichting",
    "winkel",
    "fabriek",
    "groep",
    "centrum",
    "school",
    "college",
    "opvang",
    "verblijf",
    "handel",
    "groothandel",
    "erij",
    "coöperatie",
    "vereniging",
    "bouwmarkt",
    "supermarkt",
    "service",
    "services",
    "zorg",
    "huis",
    "techniek",
    "logistiek",
    "transport",
    "installaties",
    "accountants",
    "advocaten",
    "notarissen",
    "makelaars",
    "makelaardij",
    "tweewielers",
    "consultancy",
    "optics",
    "media",
    "solutions",
    "vervoer",
    "bouw",
    "verwerking",
    "catering",
    "academie",
    "instituut",
    "atelier",
    "salon",
    "kwekerij",
    "lab",
    "labs",
    "group",
    "company",
)

LANGUAGES_AND_PEOPLES = frozenset(
    """nederlands engels duits frans fries spaans italiaans portugees pools turks
    arabisch berbers marokkaans tigrinya amhaars somalisch oekraïens russisch
    chinees japans koreaans hindi urdu papiaments sranantongo indonesisch
    nederlandse engelse duitse franse friese spaanse italiaanse portugese poolse
    turkse arabische marokkaanse surinaamse antilliaanse indonesische chinese
    oekraïense russische syrische eritrese afghaanse braziliaanse europese
    nederlander engelsman duitser fransman pool turk marokkaan surinamer syriër
    eritreeër braziliaan europeaan amerikaan amerikaanse belg belgische
    ier iers ierse schot schots schotse brit brits britse noors noorse
    zweed zweeds zweedse deen deens deense fins finse grieks griekse
    française fransman duitse engelse italiaanse spaanse
    vlaams vlaamse limburgs limburgse brabants brabantse groningse twents""".split()
)
HOLIDAYS = frozenset(
    """pasen pinksteren kerst kerstmis koningsdag bevrijdingsdag sinterklaas
    hemelvaart hemelvaartsdag ramadan suikerfeest offerfeest nieuwjaar
    oudejaarsavond oud en nieuw carnaval moederdag vaderdag prinsjesdag""".split()
)
# Software and services that notes mention as tools, not as organisations.
TOOLS = frozenset(
    """excel word outlook teams zoom whatsapp linkedin instagram facebook google
    youtube netflix iphone android windows powerpoint slack spotify marktplaats
    tiktok twitter skype signal telegram gmail hotmail onedrive sharepoint
    chatgpt mail post-it""".split()
)
# Fixed expressions with a given name in them (idioms, not people).
IDIOMS = (
    "Jan Modaal",
    "Jan Publiek",
    "Jan en alleman",
    "Jan met de pet",
    "Jan Klaassen",
    "Klaas Vaak",
    "Piet Snot",
    "Jantje Beton",
    "Zwarte Piet",
    "Sinterklaas",
    "Hollandse Nieuwe",
)

MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november "
    "december"
).split()
MONTH_ABBREVIATIONS = "jan feb mrt mar apr jun jul aug sep sept okt oct nov dec".split()
WEEKDAYS = frozenset(
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag".split()
)

# Dutch function words and common sentence openers: never a name on their own.
FUNCTION_WORDS = frozenset(
    """de het een en of maar want dus dan als toen omdat dat die dit deze wat wie
    waar hoe ik jij je u hij zij ze wij we jullie hun hem haar mijn zijn jouw uw
    ons onze me mij zich men er hier daar niet geen wel ook nog al nu zo heel
    veel weinig meer minder erg echt even toch pas net in op aan bij met van
    voor na naar uit over onder tussen door tot om per sinds zonder tegen
    binnen buiten boven achter naast rond via volgens vanaf tijdens is ben was
    waren wordt werd worden heeft heb hebben had kan kon kunnen moet moest
    zal zou wil wilde mag mocht gaat ging komt kwam zegt zei wij bij elke
    iedere alle beide welke zulke sommige ieder elk vooral eerst daarna
    verder tot slot groet dank ja nee oké ok hoi hallo beste lieve goed
    nieuwe oude eigen andere ander mee samen weer vaak soms altijd nooit
    gisteren vandaag morgen volgende vorige laatste eerste tweede derde
    sessie afspraak doel huiswerk cijfer intake zoals daarom misschien helaas
    gelukkig vervolgens tenslotte echter bovendien inmiddels nou ondanks
    hoewel terwijl zodra nadat voordat sindsdien daardoor waardoor""".split()
)


def _provider(kind: str, locale: str):
    try:
        return importlib.import_module(f"faker.providers.{kind}.{locale}").Provider
    except ImportError:
        return None


def _names(values) -> set[str]:
    if isinstance(values, dict):  # Faker weights some lists: {name: weight}
        values = values.keys()
    return {
        v
        for v in values
        if v
        and v.replace("-", "").replace("'", "").isalpha()
        and all(ord(c) < 0x250 for c in v)  # Latin script only
    }


@cache
def first_names() -> frozenset[str]:
    """Return given names (as written, capitalised) from Faker's providers."""
    names: set[str] = set()
    for locale in _FIRST_NAME_LOCALES:
        provider = _provider("person", locale)
        if provider is None:
            continue
        for attr in ("first_names", "first_names_male", "first_names_female"):
            names |= _names(getattr(provider, attr, ()))
    return frozenset(n for n in names if n.lower() not in FUNCTION_WORDS and len(n) > 1)


@cache
def last_names() -> frozenset[str]:
    """Return the cores of Dutch surnames ("Jansen", "Linden" for "van der Linden")."""
    names: set[str] = set()
    for locale in _LAST_NAME_LOCALES:
        provider = _provider("person", locale)
        if provider is None:
            continue
        for name in _names(getattr(provider, "last_names", ())):
            core = name.split()[-1]
            if core[:1].isupper() and core.lower() not in FUNCTION_WORDS:
                names.add(core)
    return frozenset(names)


@cache
def cities() -> frozenset[str]:
    """Return Dutch place names from Faker's nl_NL address provider."""
    provider = _provider("address", "nl_NL")
    return frozenset(getattr(provider, "cities", ()))


@cache
def countries() -> frozenset[str]:
    """Return country, region and province names (Dutch): too broad to identify.

    A province named after its city ("Utrecht", "Groningen") is also in
    ``cities()``; callers treat those as the city.
    """
    provider = _provider("address", "nl_NL")
    found = set(getattr(provider, "countries", ())) | set(
        getattr(provider, "provinces", ())
    )
    return (
        frozenset(found | {"Holland", "Friesland", "Fryslân", "Randstad"})
        | country_names()
    )


@cache
def country_names() -> frozenset[str]:
    """Return country names only (Dutch): these stay even where a village shares one."""
    provider = _provider("address", "nl_NL")
    return frozenset(getattr(provider, "countries", ())) | {"Nederland", "Europa"}
