"""People and places the system does not know: by cue, name list and shape."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from .entities import Span
from .lexicon import (
    FUNCTION_WORDS,
    LIST_CUES,
    MONTHS,
    ORG_LABELS,
    PARTICLE_WORDS,
    PERSON_CUE_SUFFIXES,
    PERSON_CUES,
    PLACE_LABELS,
    TITLES,
    cities,
    countries,
    country_names,
    first_names,
    last_names,
)
from .nameforms import INITIALS, INITIALS_BEFORE, NON_NAME_WORDS
from .tokens import Token, previous_word, sentence_start

ARTICLES = frozenset({"de", "het", "een", "'t"})
# Endings of English words, which name methods in Dutch notes, never Dutch people.
ENGLISH_TERM_ENDINGS = (
    "ing", "tion", "ness", "ment", "ive", "ship", "ance", "ence", "ology", "ism",
    "ity", "iry", "acy", "ful",
)  # fmt: skip
# Particles that may open a surname written alone: "De Graaf", "Van der Linden".
SURNAME_STARTS = frozenset("de van ter ten den der el al le la du da di von".split())
# Particles inside a name: "Koen de Jong", "Gosse van der Meulen" (not "Jikke in Mildam").
CHUNK_PARTICLES = PARTICLE_WORDS - {"in", "op", "uit", "te", "het", "aan"}
PLACE_PREPOSITIONS = frozenset(
    "in uit naar te nabij rond richting vanuit omgeving buurt bij".split()
)


_MORPH_SURNAME = re.compile(r"(?:stra|[^aeiouy]sma|[gpnltdkbr]ma|uma|inga|enga|ama)$")
_NOT_MORPH_SURNAME = frozenset("firma trauma thema schema drama karma dilemma".split())
# Dutch and Frisian given names by their ending or onset: "Geeske", "Femke", "Aukje",
# "Tjitske", "Ytsje", "Sietse", "Hylke", "Wopke", "Wiebe", "Tjeerd", "Sjoerd".
_MORPH_GIVEN = re.compile(
    r"(?:[aeiou]s?ke|[mnfp]ke|[yio]lke|[kt]je|tske|tsje|[aeiouy]tse|iebe|ibbe)$"
    r"|^(?:tj|sj|tsj)[aeiouy]"
)
_NOT_MORPH_GIVEN = re.compile(r"(?:lijke|ische|elke|ulke|eisje)$|^sja(?:al|bloon)")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


def _is_morph_surname(word: str) -> bool:
    """Return whether ``word`` has the shape of a Frisian or Dutch surname."""
    lower = word.lower()
    return lower not in _NOT_MORPH_SURNAME and _MORPH_SURNAME.search(lower) is not None


def _is_morph_given(word: str) -> bool:
    """Return whether ``word`` has the shape of a Dutch or Frisian given name."""
    lower = word.lower()
    return _MORPH_GIVEN.search(lower) is not None and not _NOT_MORPH_GIVEN.search(lower)


def _name_like(token: Token) -> bool:
    return _word_name_like(token.bare)


def _excluded(token: Token) -> bool:
    return _word_excluded(token.bare)


@lru_cache(maxsize=8192)
def _word_name_like(word: str) -> bool:
    return (
        word in first_names()
        or word.split("-")[0] in first_names()
        or word in last_names()
        or all(p in last_names() or _is_morph_surname(p) for p in word.split("-"))
        or _is_morph_surname(word)
        or _is_morph_given(word)
    )


@lru_cache(maxsize=8192)
def _word_excluded(word: str) -> bool:
    if word in country_names():
        return True
    if word.lower() in NON_NAME_WORDS or word in countries() and word not in cities():
        return True
    if len(word) > 1 and (word.isupper() or _INNER_CAPITAL.search(word)):
        return word not in first_names()  # "UWV", "LinkedIn", "DiClemente"
    if "-" in word and word.split("-")[0].isupper():
        return True  # "HR-adviseur", "IT-servicedesk"
    return word.lower() in FUNCTION_WORDS and word not in first_names()


def find_unknown(
    text: str,
    tokens: list[Token],
    *,
    blocked: list[tuple[int, int]],
    sloppy: bool,
    name_starts: frozenset[int] = frozenset(),
) -> Iterator[Span]:
    """Yield people and places the system does not know, from shape and context.

    ``blocked`` stretches are taken; ``name_starts`` are where names found already
    start (a capital right before one is a given name).
    """
    yield from _apostrophe_places(text)
    covered = bytearray(len(text) + 1)
    for s, e in blocked:
        covered[s:e] = b"\x01" * (e - s)

    def free(start: int, end: int) -> bool:
        return not any(covered[start:end])

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not free(token.start, token.end):
            i += 1
            continue
        if not token.capitalised and token.lower not in PARTICLE_WORDS:
            if sloppy:
                span = _lower_case_name(text, tokens, i)
                if span:
                    yield span
            i += 1
            continue
        if len(token.text) == 1:
            i += 1  # an initial joins the name after it; "T:" or "E:" is a label
            continue
        chunk = _chunk(text, tokens, i)
        if not chunk:
            if sloppy and token.text.islower():
                span = _lower_case_name(text, tokens, i)
                if span:
                    yield span
            i += 1
            continue
        popped = []
        while len(chunk) > 1 and not free(chunk[-1].start, chunk[-1].end):
            popped.append(chunk.pop())
        # "Jorrit Postma" where Postma is the client: Jorrit is a relative (but
        # "Aanmelding Thomas Brink" is no name before "Thomas Brink").
        before_name = len(popped) == 1 and popped[0].start in name_starts
        while chunk and not chunk[-1].capitalised:
            chunk.pop()
        if not chunk:
            i += 1
            continue
        first, last = chunk[0], chunk[-1]
        start, end = first.start, last.end
        initials = INITIALS_BEFORE.search(text, max(0, start - 12), start)
        if initials:
            start -= len(initials.group())
        if not free(start, end):
            i += 1
            continue
        span = _classify(text, chunk, start, end, bool(initials), before_name)
        if span:
            yield span
        i += len(chunk)  # a rejected chunk is one thing: "de Grote Markt"


def _chunk(text: str, tokens: list[Token], i: int) -> list[Token]:
    """Return the capitalised words from ``tokens[i]`` on, particles between them."""
    if tokens[i].lower in FUNCTION_WORDS and tokens[i].lower not in SURNAME_STARTS:
        if tokens[i].capitalised or tokens[i].lower not in PARTICLE_WORDS:
            return []  # "Op de Utrechtse ...", "Met Visser": not a name's first word
    if not tokens[i].capitalised:
        before = text[max(0, tokens[i].start - 12) : tokens[i].start]
        if tokens[i].lower in PARTICLE_WORDS and (
            previous_word(text, tokens[i].start) in TITLES | {"achternaam", "familie"}
            or re.search(rf"{INITIALS}\s?$", before)
        ):
            pass  # "dhr. van der Meer"
        else:
            return []
    chunk = [tokens[i]]
    pending: list[Token] = []
    for token in tokens[i + 1 : i + 7]:
        previous = (pending or chunk)[-1]
        if text[previous.end : token.start] != " " or previous.text.endswith(
            ("'s", "’s")
        ):
            break
        if token.capitalised and (pending or not _excluded(token)):
            # After particles any capital is the surname: "van der Meer".
            chunk += pending + [token]
            pending = []
        elif token.lower in CHUNK_PARTICLES and token.text.islower():
            pending.append(token)
        else:
            break
    while chunk and not chunk[-1].capitalised:
        chunk.pop()
    return chunk


def _classify(
    text: str,
    chunk: list[Token],
    start: int,
    end: int,
    initials: bool,
    before_name: bool = False,
) -> Span | None:
    words = [t.bare for t in chunk]
    key = "person:" + " ".join(
        w.lower() for w in words if w.lower() not in PARTICLE_WORDS
    )
    previous = previous_word(text, start)
    label = _LABEL.search(text, max(0, start - 30), start)
    if label:  # "Werkgever: Philips" is the employer, whatever the name lists say
        if label.group(1).lower() in ORG_LABELS:
            return Span(start, end, "organisation", "org:" + key[7:], 30)
        if label.group(1).lower() in PLACE_LABELS:
            return Span(start, end, "place", "place:" + words[0].lower(), 30)
    cued = (
        previous in PERSON_CUES
        or previous in TITLES
        or previous.endswith(PERSON_CUE_SUFFIXES)
        or _listed(text, start)
        or _role_after(text, end)
        or before_name
    )
    particles = any(not t.capitalised for t in chunk)
    if not particles and all(_excluded(t) for t in chunk if t.capitalised):
        # A capitalised month after "vriendin" is a name: "vriendin Mei".
        if not (cued and all(t.lower in MONTHS for t in chunk)):
            return None
    at_start = sentence_start(text, start)
    if previous in ARTICLES and not initials:
        before = previous_word(text, start - len(previous) - 1)
        if before in {"bij", "voor"} and not any(t.text.isupper() for t in chunk):
            # "werkt bij de Rabobank": an employer ("bij het UWV" is an agency).
            return Span(start, end, "organisation", "org:" + key[7:], 30)
        return None  # "de Grote Markt", "van de Roos": a thing with an article
    if previous in {"team", "afdeling", "sector", "project", "programma"}:
        return None  # "team Sociaal Domein"
    if previous in PLACE_PREPOSITIONS and not initials:
        head = words[0]
        place = (head in cities() or head.split("-")[0] in cities()) and (
            head not in country_names()
        )
        if head in countries() and not place:
            return None  # a country or province says little; a city like Utrecht goes
        if previous == "bij":
            if place:
                return Span(start, end, "place", "place:" + head.lower(), 30)
            if not any(_name_like(t) for t in chunk):
                return Span(start, end, "organisation", "org:" + key[7:], 30)
        elif place or not any(w in first_names() for w in words):
            return Span(start, end, "place", "place:" + head.lower(), 30)
    name_like = any(_name_like(t) for t in chunk)
    if (
        not name_like
        and (not cued or previous == "met")
        and any(
            len(t.text) > 5 and t.lower.endswith(ENGLISH_TERM_ENDINGS) for t in chunk
        )
    ):
        return None  # "Motivational Interviewing", "Appreciative Inquiry": a method
    in_cities = words[0] in cities() or words[0].split("-")[0] in cities()
    if text[:start].endswith("(") and len(chunk) == 1 and not (name_like or in_cities):
        # "de oefening met de stoelen (Gestalt)": a label; "zoontje (Jorrit" a name;
        # "bedrijfsarts Van Leeuwen (Arboned)": after a name, where someone works.
        before = re.search(r"([^\W\d_][\w-]*)\s?\($", text[max(0, start - 40) : start])
        word = before.group(1) if before else ""
        if word[:1].isupper():
            return Span(start, end, "organisation", "org:" + key[7:], 30)
        if (
            not word.lower().endswith(PERSON_CUE_SUFFIXES)
            and word.lower() not in PERSON_CUES
        ):
            return None
    if initials or cued or name_like or len(chunk) > 1 and not at_start:
        return Span(start, end, "person", key, 40)
    if len(chunk) > 1 and any(t.lower in PARTICLE_WORDS for t in chunk):
        return Span(start, end, "person", key, 40)  # "De Graaf vond", "Van der Linden"
    if words[0] in cities():
        return Span(start, end, "place", "place:" + words[0].lower(), 30)
    if not at_start and not _excluded(chunk[0]):
        return Span(start, end, "person", key, 35)  # a proper noun mid-sentence
    return None


APOSTROPHE_PLACE = re.compile(r"(?<!\w)['’][st][- ][A-ZÀ-Ý][\w-]+")


def _apostrophe_places(text: str) -> Iterator[Span]:
    """Yield places written with "'s-" or "'t ": "'s-Hertogenbosch", "'t Harde"."""
    for m in APOSTROPHE_PLACE.finditer(text):
        if m.group().replace("’", "'") in cities():
            yield Span(m.start(), m.end(), "place", "place:" + m.group().lower(), 30)


_ROLE_AFTER = re.compile(r",\s(?:zijn|haar|mijn|onze|hun|de|een)\s([\w-]+)")


def _role_after(text: str, end: int) -> bool:
    """Return whether a role follows the name: "Kees, zijn broer", "Rik, haar manager"."""
    m = _ROLE_AFTER.match(text, end)
    return bool(m) and (
        m.group(1).lower() in PERSON_CUES
        or m.group(1).lower().endswith(PERSON_CUE_SUFFIXES)
    )


_LABEL = re.compile(r"(\w+):[^:.;]*$")


def _listed(text: str, pos: int) -> bool:
    """Return whether ``pos`` is inside a list of people: "Deelnemers: A, B en C"."""
    line_start = text.rfind("\n", 0, pos) + 1
    head = text[line_start:pos]
    m = _LABEL.search(head)
    return bool(m) and (
        m.group(1).lower() in LIST_CUES or m.group(1).lower() in PERSON_CUES
    )


def _lower_case_name(text: str, tokens: list[Token], i: int) -> Span | None:
    """Return a lower-case name in a sloppy note: "bij geeske", "marco de wit"."""
    token = tokens[i]
    word = token.bare
    if word in PARTICLE_WORDS:
        previous = previous_word(text, token.start)
        if previous not in TITLES and previous != "achternaam":
            return None
        # "achternaam de wit": particles and the surname after them.
        j = i
        while j + 1 < len(tokens) and tokens[j].lower in PARTICLE_WORDS:
            j += 1
        if j > i:
            key = "person:" + tokens[j].lower
            return Span(token.start, tokens[j].end, "person", key, 30)
        return None
    if word in FUNCTION_WORDS or word in NON_NAME_WORDS or len(word) < 3:
        return None
    given = word.capitalize() in first_names() or _is_morph_given(word)
    if not given:
        return None
    previous = previous_word(text, token.start)
    end = token.end
    # "marco de wit": a given name, particles and one more word.
    following = tokens[i + 1 : i + 4]
    j = 0
    while j < len(following) and following[j].lower in PARTICLE_WORDS:
        j += 1
    if 0 < j < len(following):
        end = following[j].end
    cued = (
        previous in PERSON_CUES
        or previous.endswith(PERSON_CUE_SUFFIXES)
        or previous in {"bij", "met", "aan"}
        or text[: token.start].endswith("(")
    )
    if not cued:
        return None
    return Span(
        token.start, end, "person", "person:" + text[token.start : end].lower(), 30
    )
