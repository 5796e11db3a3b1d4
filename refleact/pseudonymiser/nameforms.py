"""The names the system knows, in every written form, and where a text uses them.

The client's and known people's names: particles, initials, possessives,
diminutives, double surnames, nicknames the note gives, lower case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .entities import Person, Span
from .lexicon import (
    DROPPABLE_PREFIXES,
    FUNCTION_WORDS,
    HOLIDAYS,
    LANGUAGES_AND_PEOPLES,
    MONTHS,
    PARTICLE_WORDS,
    PARTICLES,
    TITLES,
    TOOLS,
    WEEKDAYS,
)
from .tokens import possessive_end, previous_word, starts_of

NON_NAME_WORDS = LANGUAGES_AND_PEOPLES | HOLIDAYS | TOOLS | WEEKDAYS | set(MONTHS)
_POSSESSIVE = r"(?:['’]s|['’]|s)?(?!\w|-\w)"
INITIALS = r"(?:[A-Z]\.\s?){1,4}"
# Before a lower-case word these make it a common noun: "haar fleur", "de koning".
DETERMINERS = frozenset(
    """de het een 't haar zijn mijn je jouw uw onze ons hun die deze dat elke
    iedere geen wat welke zo'n z'n m'n""".split()
)
# ...and before a lower-case surname also a profession: "als kok", "was visser".
PREDICATIVES = frozenset(
    "als was is ben bleef werd wordt worden waren jaar zijn".split()
)


def split_particles(surname: str) -> tuple[str, str]:
    """Split "van den Berg" into ("van den", "Berg"); "Jansen" into ("", "Jansen")."""
    lower = surname.lower()
    for particle in PARTICLES:
        if lower.startswith(particle + " ") and len(surname) > len(particle) + 1:
            return surname[: len(particle)], surname[len(particle) + 1 :]
    return "", surname


def surname_forms(surname: str) -> set[str]:
    """Return "de Vries", "De Vries" and "Vries"; for "Boersma-de Groot" each part too."""
    surname = re.sub(r"\s+", " ", surname).strip()
    if not surname:
        return set()
    forms: set[str] = set()
    parts = [surname]
    if "-" in surname:
        parts += [p for p in surname.split("-") if len(p) >= 3 or " " in p]
    for part in parts:
        particle, core = split_particles(part)
        if particle:
            forms |= {
                part,
                particle.capitalize() + " " + core,
                particle.title() + " " + core,
            }
        forms.add(core)
        first_word = core.split()[0].lower()
        if first_word in DROPPABLE_PREFIXES and " " in core:
            forms.add(core.split(None, 1)[1])
    for word in list(forms):
        if word.lower().startswith(tuple(p + "-" for p in DROPPABLE_PREFIXES)):
            forms.add(word.split("-", 1)[1])
    return {f for f in forms if len(f) >= 2 and f.lower() not in DROPPABLE_PREFIXES}


def given_name_forms(first_name: str) -> set[str]:
    """Return the given name, its hyphenated parts and diminutives ("Annemiekje")."""
    first_name = first_name.strip()
    if not first_name:
        return set()
    forms = {first_name}
    for name in first_name.split():
        forms.add(name)
        if "-" in name:
            parts = name.split("-")
            forms |= {p for p in parts if len(p) >= 3}
            forms.add("".join(p[0] for p in parts).upper())  # "PJ"
        for ending in ("je", "tje", "pje", "ke"):
            forms.add(name + ending)
    return forms


def person_forms(person: Person) -> set[str]:
    """Return every written form of ``person``'s name, initials and all."""
    givens = given_name_forms(person.first_name)
    surnames = surname_forms(person.last_name)
    forms = set(givens) | surnames
    for surname in surnames:
        for given in givens:
            forms.add(f"{given} {surname}")
    if person.first_name and person.last_name:
        for surname in surnames:
            initial = surname[:1].upper()
            if surname.startswith(tuple(p + " " for p in PARTICLE_WORDS)):
                initial = split_particles(surname)[1][:1].upper()
            for given in givens:
                forms.add(f"{given} {initial}.")  # "Roos V."
    return {f for f in forms if len(f) >= 2}


_CAP = r"([A-ZÀ-Ý][\w’'-]+)"
ALIAS_CUE = re.compile(
    r"(?:roepnaam|officieel|bijnaam|alias|genaamd|noemt (?:zichzelf|hem|haar)|"
    rf"heet (?:ze|hij|zij)?)\s?['‘\"]?{_CAP}"
)
NAME_IN_BRACKETS = re.compile(rf"{_CAP}\s\({_CAP}[),]")
ALIAS_AS_KNOWN = re.compile(rf"{_CAP},? zoals (?:iedereen|men|ze|zij|hij|collega's)")


def aliases_in(text: str, person: Person) -> set[str]:
    """Return names the text gives the person: "roepnaam Noor", "Kasia (Katarzyna)"."""
    found = {m.group(1) for m in ALIAS_CUE.finditer(text)}
    found |= {m.group(1) for m in ALIAS_AS_KNOWN.finditer(text)}
    own = given_name_forms(person.first_name) | surname_forms(person.last_name)
    for m in NAME_IN_BRACKETS.finditer(text):
        outside, inside = m.group(1), m.group(2)
        if inside in own:
            found.add(outside)
        elif outside in own:
            found.add(inside)
    return {
        a
        for a in found
        if a.lower() not in FUNCTION_WORDS | NON_NAME_WORDS
        and a not in own
        and not a.isupper()  # "(HR, opdrachtgever)" is a department
    }


TITLE_BEFORE = re.compile(
    r"(?:[Mm]evrouw|[Mm]evr\.|[Mm]w\.?|[Mm]eneer|[Dd]hr\.?|[Dd]e heer)\s$"
)
INITIALS_BEFORE = re.compile(rf"(?<![\w.]){INITIALS}\s?$")  # not "UMCG. Eva"


def find_forms(
    text: str,
    forms: Iterable[str],
    *,
    kind: str,
    key: str,
    rank: int,
    given: Iterable[str] = (),
) -> Iterator[Span]:
    """Yield each occurrence of the name ``forms`` (possessives included).

    Initials before a surname ("A. de Vries", "R.K. Ramdin") and a title before the
    name ("mevrouw", "dhr.") join the span. Lower-case occurrences are found too,
    except where a determiner makes the word a common noun ("haar fleur").
    """
    forms = {f for f in forms if f}
    givens = {g.lower() for g in given}
    # A lower-case "ben" or "wil" is a verb whoever is called Ben or Wil.
    lowered = {f.lower() for f in forms} - forms - FUNCTION_WORDS
    for form in forms:
        for start in starts_of(text, form):
            end = possessive_end(text, start + len(form))
            if end is None:
                continue
            head = start
            initials = INITIALS_BEFORE.search(text, max(0, head - 12), head)
            if initials:
                head = initials.start()
            title = TITLE_BEFORE.search(text, max(0, head - 12), head)
            if title:
                head = title.start()
            yield Span(head, end, kind, key, rank)
            if head != start:
                # In case the initials belong to something else: "Haskerland B.V. Smit".
                yield Span(start, end, kind, key, rank - 1)
    for form in lowered:
        for start in starts_of(text, form):
            end = possessive_end(text, start + len(form))
            if end is None:
                continue
            word = text[start:end]
            if " " not in word and _common_noun_here(text, start, word, givens):
                continue
            if word.split()[0] in PARTICLE_WORDS and previous_word(text, start) not in (
                TITLES | {"achternaam"}
            ):
                continue  # "de boer op moet" is an idiom; "dhr. de boer" a name
            yield Span(start, end, kind, key, rank - 1)


def _common_noun_here(text: str, pos: int, word: str, givens: set[str]) -> bool:
    previous = previous_word(text, pos)
    if previous in DETERMINERS:
        return True
    if len(previous) > 3 and previous.endswith("e") and previous.isalpha():
        return True  # an inflected adjective: "goede hoop", "slimme vos"
    # "ik ben lieke" is a name; "was visser", "als kok" a profession.
    return previous in PREDICATIVES and re.sub(r"['’]s?$", "", word) not in givens
