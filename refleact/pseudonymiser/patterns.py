"""Identifiers with a shape: e-mail, URL, phone, IBAN, BSN, KvK, plates, addresses, dates.

Phone numbers are validated with ``phonenumbers`` (Apache-2.0, its metadata ships in
the package); IBANs pass the mod-97 check, BSNs the 11-proof.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from .entities import Span
from .lexicon import MONTH_ABBREVIATIONS, MONTHS

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
_TLD = r"(?:nl|com|org|net|eu|be|de|frl|io|info|nu|app|me|co|uk|fr|biz)"
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')\]]+"
    rf"|(?<![\w@./-])(?:[\w-]+\.)+{_TLD}(?:/[^\s<>\"')\]]*)?(?![\w@-])",
    re.IGNORECASE,
)
URL_HINT = re.compile(rf"www\.|://|\.{_TLD}\b", re.IGNORECASE)
_PHONE_START = re.compile(r"\+|\(?0")

# Country code -> IBAN length, for the countries a Dutch practice meets.
IBAN_LENGTHS = {
    "NL": 18, "BE": 16, "DE": 22, "FR": 27, "LU": 20, "GB": 22, "ES": 24, "IT": 27,
    "PT": 25, "AT": 20, "CH": 21, "DK": 18, "SE": 24, "NO": 15, "FI": 18, "PL": 28,
    "IE": 22, "TR": 26, "CZ": 24, "SK": 24, "HU": 28, "RO": 24, "BG": 22, "HR": 21,
    "SI": 19, "LT": 20, "LV": 21, "EE": 20, "GR": 27, "CY": 28, "MT": 31, "IS": 26,
}  # fmt: skip
IBAN_CANDIDATE = re.compile(r"\b[A-Za-z]{2} ?\d{2}(?:[ ]?[A-Za-z0-9]){10,32}")

BSN_LABEL = re.compile(r"(?i)\b(?:bsn|burgerservicenummer|sofi-?nummer)\b")
# After its label a BSN may be grouped any way: "BSN-nummer: 123 45 67 82".
LABELLED_BSN = re.compile(
    r"(?i)\b(?:bsn|burgerservicenummer|sofi-?nummer)(?:[- ]?(?:nummer|nr\.?))?:?\s*"
    r"(?P<n>\d(?:[ .]?\d){7,8})(?!\d)"
)
# 9 digits, or 8 with the leading zero dropped; dots or spaces between groups.
BSN = re.compile(
    r"(?<![\d-])(?<!\d[.,])(?:\d{4}[. ]\d{2}[. ]\d{3}|\d{3}[. ]\d{3}[. ]\d{3}"
    r"|\d{2}[. ]\d{3}[. ]\d{3}|\d{8,9})(?!\d|[.,]\d|-)"
)
BSN_HINT = re.compile(r"\d[\d. ]{6,10}\d")
# A number with one of these labels in front is an order, invoice or ticket number.
OTHER_NUMBER_LABEL = re.compile(
    r"(?i)(?:nummer|nr|no|factuur|order|ticket|kenmerk|referentie|inkoop|klant"
    r"|dossier|polis|artikel|zaak|bestel|offerte|pakket|ref)\w*\.?:?\s*$"
)
# Labels of numbers that are not phone numbers ("werknummer" is one, so no "nummer").
NOT_PHONE_LABEL = re.compile(
    r"(?i)(?:factuur|order|ticket|kenmerk|referentie|inkoop|klant|dossier|polis"
    r"|artikel|bestel|offerte|pakket|zaak|btw|kvk|iban|rekening)\w*\.?:?\s*$"
)
KVK = re.compile(
    r"(?i)\b(?:kvk|kamer van koophandel)(?:[- ]?(?:nummer|nr\.?))?:?\s*(\d{8})\b"
)
# Dutch plates: three groups of letters or digits, six characters in all.
PLATE = re.compile(
    r"\b([A-Z]{1,3}|\d{1,3})-([A-Z]{1,3}|\d{1,3})-([A-Z]{1,3}|\d{1,3})\b"
)
PLATE_LABEL = re.compile(r"(?i)kenteken\w*\W*$")

POSTCODE = re.compile(r"\b[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}\b")
HOUSE_NUMBER = r"\d{1,5}(?:[ -]?[a-zA-Z]{1,2}\b|-\d{1,4}|\s?(?:hs|bis)\b)?"
STREET_SUFFIXES = (
    "straat|laan|weg|plein|hof|gracht|kade|singel|dijk|pad|steeg|dreef|park|"
    "plantsoen|wei|dyk|strjitte|leane|reed|baan|boulevard|ring|markt|erf|"
    "hoven|kamp|hoek|veld|oord|straatweg|wal|burg|haven|polder|wijk|werf"
)
STREET = re.compile(
    r"\b(?:[A-Z][\w'’-]*[ \t](?:(?:de|der|van|den|het|'t)[ \t])*)*"
    rf"[A-ZÀ-Ýa-zß-ÿ][\w'’-]*(?:{STREET_SUFFIXES})[ \t]{HOUSE_NUMBER}"
)
STREET_NAME = re.compile(
    r"\b(?:aan|in|op|naar|uit|bij|via)\s(?:de\s|het\s)?"
    r"((?:[A-Z][\w'’-]*\s)?[A-Z][\w'’-]*(?:straat|laan|gracht|steeg|dreef|singel|kade|plein))\b"
)
STREET_HINT = re.compile(rf"(?:{STREET_SUFFIXES})[ \t]\d")
_CAP_WORD = r"[A-ZÀ-ÝÂ][\w'’-]*"

_MONTH = "|".join(MONTHS + MONTH_ABBREVIATIONS)
DATE = re.compile(
    r"(?<![\d-])(?:\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}\s(?:{_MONTH})\.?\s\d{{4}}|'\d{{2}})(?![\d-])",
    re.IGNORECASE,
)
BIRTH_CONTEXT = re.compile(
    r"(?i)(?:\bgeb\b\.?|geboren|geboorte\w*|\bdob\b)[^\n]{0,45}$"
)
NUMBER = re.compile(r"(?<![\d,.])\d{1,3}(?!\d|[.,]\d)")
JARIG = re.compile(r"-jarige?\b")
AGE_VERB_BEFORE = re.compile(
    r"(?i)\b(?:is|ben|was|nu|pas|wordt|werd|inmiddels|bijna|ruim|net|amper)\s$"
)
AGE_LABEL_BEFORE = re.compile(r"(?i)\bleeftijd:?\s$")
AGE_VAN_BEFORE = re.compile(
    r"(?i)\b(?:man|vrouw|meisje|jongen|moeder|vader|dochter|zoon|cliënte?|persoon)"
    r"\svan\s$"
)
APPOSITION_AGE = re.compile(r"(\sjaar(?:\soud)?)[,.;)]")
YEARS_AFTER = re.compile(r"\sjaar(?:\soud)?(?=[\s,.;:!?)]|$)")
BIRTH_HINT = re.compile(r"(?i)geb|geboorte|\bdob\b")
# "geboren in 1985", "geboortejaar: 1985": a year of birth.
BIRTH_YEAR = re.compile(
    r"(?i)(?:geboren(?:\sin)?|geboortejaar:?|geb\.?)\s(?P<year>(?:19|20)\d{2})\b"
    r"|\b(?P<before>(?:19|20)\d{2})\s(?:geboren|geb\.)"
)
# Durations that look like ages: "30 jaar in dienst", "al 25 jaar bakker".
NOT_AGE_AFTER = re.compile(
    r"\s(?:jaar\s)?(?:in dienst|werkzaam|getrouwd|lang|geleden|ervaring|"
    r"sessies|keer|uur|minuten|weken|dagen|maanden|procent|%|van|op|uit)\b"
)
PAREN_AGE = re.compile(r"(?<=[^\W\d_]) \((\d{1,2}(?: jaar)?)\)")


def find_patterns(text: str) -> Iterator[Span]:
    """Yield every shaped identifier in ``text``."""
    yield from _emails(text)
    yield from _urls(text)
    yield from _ibans(text)
    yield from _phones(text)
    yield from _kvk(text)
    yield from _bsns(text)
    yield from _plates(text)
    yield from _addresses(text)
    yield from _birth_dates(text)
    yield from _ages(text)


def _emails(text: str) -> Iterator[Span]:
    for m in EMAIL.finditer(text):
        yield Span(m.start(), m.end(), "email", rank=90)


def _urls(text: str) -> Iterator[Span]:
    if not URL_HINT.search(text):
        return
    for m in URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,;:!?":
            end -= 1
        yield Span(m.start(), end, "url", rank=85)


def iban_valid(compact: str) -> bool:
    """Return whether ``compact`` (no spaces) is an IBAN passing the mod-97 check."""
    if len(compact) != IBAN_LENGTHS.get(compact[:2], len(compact)) or len(compact) < 15:
        return False
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    return int(digits) % 97 == 1


def _ibans(text: str) -> Iterator[Span]:
    for m in IBAN_CANDIDATE.finditer(text):
        raw = m.group()
        # Try the longest prefix that ends on a character and passes the check.
        for end in range(len(raw), 14, -1):
            if raw[end - 1] == " ":
                continue
            if iban_valid(raw[:end].replace(" ", "").upper()):
                yield Span(m.start(), m.start() + end, "iban", rank=95)
                break


# A run of digits long enough for a phone number, with what may surround it.
PHONE_CANDIDATE = re.compile(r"(?<![\w+])[+(]?\d[\d \t().-]{7,}\d(?!\w)")


def _phones(text: str) -> Iterator[Span]:
    # POSSIBLE (the right length for the country): an unassigned but well-formed
    # number ("06 98 76 54 32") is still someone's number in a note.
    leniency = phonenumbers.Leniency.POSSIBLE
    # The matcher runs on each run of digits, not the whole note: far cheaper.
    for candidate in PHONE_CANDIDATE.finditer(text):
        offset = candidate.start()
        if NOT_PHONE_LABEL.search(text[max(0, offset - 30) : offset]):
            continue  # "factuurnummer 0123456789"
        for m in phonenumbers.PhoneNumberMatcher(
            candidate.group(), "NL", leniency=leniency
        ):
            # A number without a trunk or international prefix is an order number,
            # and one shaped like a date is a date.
            if _PHONE_START.match(m.raw_string) and not DATE.fullmatch(m.raw_string):
                yield Span(offset + m.start, offset + m.end, "phone", rank=80)


def bsn_valid(number: str) -> bool:
    """Return whether ``number`` (digits, separators allowed) passes the 11-proof."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) == 8:
        digits.insert(0, 0)
    if len(digits) != 9 or not any(digits):
        return False
    total = (
        sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    )
    return total % 11 == 0


def _bsns(text: str) -> Iterator[Span]:
    if not BSN_HINT.search(text):
        return
    for m in LABELLED_BSN.finditer(text):
        yield Span(m.start("n"), m.end("n"), "bsn", rank=76)
    for m in BSN.finditer(text):
        before = text[max(0, m.start() - 30) : m.start()]
        labelled = BSN_LABEL.search(before) is not None
        if labelled and len(re.sub(r"\D", "", m.group())) in (8, 9):
            yield Span(m.start(), m.end(), "bsn", rank=75)
        elif bsn_valid(m.group()) and not OTHER_NUMBER_LABEL.search(before):
            yield Span(m.start(), m.end(), "bsn", rank=70)


def _kvk(text: str) -> Iterator[Span]:
    for m in KVK.finditer(text):
        yield Span(m.start(), m.end(), "kvk", rank=96)


def _plates(text: str) -> Iterator[Span]:
    for m in PLATE.finditer(text):
        groups = m.groups()
        kinds = {g.isdigit() for g in groups}
        labelled = PLATE_LABEL.search(text[max(0, m.start() - 20) : m.start()])
        if sum(map(len, groups)) == 6 and len(kinds) == 2:
            # Two neighbours of one kind would be one group: "12-34-AB" is a plate,
            # "12-AB-34" too; a date never has letters, so any mix is a plate shape.
            if labelled or not any(g.isdigit() and len(g) == 4 for g in groups):
                yield Span(m.start(), m.end(), "license_plate", rank=90)


def _addresses(text: str) -> Iterator[Span]:
    taken_until = -1
    for m in POSTCODE.finditer(text):
        start, end = m.start(), m.end()
        # The city after the postcode: capitalised words (or all capitals).
        city = re.match(rf"(?:,?[ \t]{_CAP_WORD}){{1,3}}", text[end:])
        if city:
            end += len(city.group().split("\n")[0])
        # The street and number before it: "Lijsterbeslaan 27, " or "Dracht 71 ".
        head = text[max(0, start - 80) : start]
        street = re.search(
            rf"(?:\b(?:[A-Z][\w'’-]*|de|der|van|den|het|'t)[ \t]){{0,4}}"
            rf"{_CAP_WORD}[ \t]{HOUSE_NUMBER}(?:,|[ \t]\|)?[ \t]*$",
            head,
        )
        if street:
            start -= len(head) - street.start()
        if start > taken_until:
            yield Span(start, end, "postcode_address", rank=88)
            taken_until = end
    if STREET_HINT.search(text):
        for m in STREET.finditer(text):
            yield Span(m.start(), m.end(), "postcode_address", rank=60)
    for m in STREET_NAME.finditer(text):
        # "in de Dorpsstraat": a street without a number still says where.
        yield Span(m.start(1), m.end(1), "postcode_address", rank=40)


def _birth_dates(text: str) -> Iterator[Span]:
    if not BIRTH_HINT.search(text):
        return  # every birth date needs its context word
    for m in DATE.finditer(text):
        before = text[max(0, m.start() - 60) : m.start()]
        if BIRTH_CONTEXT.search(before):
            yield Span(m.start(), m.end(), "date_of_birth", rank=85)
    for m in BIRTH_YEAR.finditer(text):
        group = "year" if m.group("year") else "before"
        yield Span(m.start(group), m.end(group), "date_of_birth", rank=84)


def _ages(text: str) -> Iterator[Span]:
    # Anchored on each number (fast), then the words around it.
    for m in NUMBER.finditer(text):
        start, end = m.span()
        if not 12 <= int(m.group()) <= 110:
            continue
        jarig = JARIG.match(text, end)
        if jarig:
            yield Span(start, jarig.end(), "age", rank=65)  # "42-jarige"
        elif AGE_LABEL_BEFORE.search(text, max(0, start - 12), start) or (
            AGE_VAN_BEFORE.search(text, max(0, start - 20), start)
        ):
            yield Span(start, end, "age", rank=65)  # "leeftijd 34", "een vrouw van 34"
        elif text[max(0, start - 2) : start] in (", ", "(") and APPOSITION_AGE.match(
            text, end
        ):
            # "A. Bensaid (Amira), 29 jaar, alleenstaande moeder"
            yield Span(start, APPOSITION_AGE.match(text, end).end(1), "age", rank=65)
        elif AGE_VERB_BEFORE.search(text, max(0, start - 12), start):
            years = YEARS_AFTER.match(text, end)
            stop = years.end() if years else end
            # A bare number after "ben"/"is" is an age only at a clause end.
            if not years and not re.match(
                r"[,.;:!?)'\"’”]|\sen\s|$", text[end : end + 4]
            ):
                continue
            if NOT_AGE_AFTER.match(text, stop if not years else end):
                continue
            yield Span(start, stop, "age", rank=65)
    for m in PAREN_AGE.finditer(text):
        yield Span(m.start(1) - 1, m.end(1) + 1, "age", rank=65)
