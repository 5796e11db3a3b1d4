"""Theories, methods, cited authors and idioms: stretches where names must stay.

"het model van Kübler-Ross", "volgens Covey", "Johari-venster", "de Roos van Leary",
"Covey's cirkel van invloed", "(Hersey en Blanchard)", "Jan Modaal".
"""

from __future__ import annotations

import re

from .lexicon import IDIOMS, PERSON_CUES, THEORY_HEADS, cities, first_names, last_names
from .tokens import Token, tokenize

_CAP = r"(?:[A-ZÀ-Ý]\w*(?:-\w+)*)"
# An author: "Covey", "De Bono", "Marshall Rosenberg", "Thomas-Kilmann", "Brené Brown".
_AUTHOR = rf"(?:(?:[Dd]e|[Vv]an(?: de[nr]?)?|[Dd]i|[Ll]e)\s)?{_CAP}(?:\s{_CAP})?"
_AUTHORS = rf"{_AUTHOR}(?:\s(?:en|&)\s{_AUTHOR})?"

HEADS = tuple(THEORY_HEADS)
# Heads that name a theory only with an author after them ("het werk van Dweck"),
# not at the end of a compound ("Kadewerk", "Logboek").
_LOOSE_HEADS = frozenset(
    {"werk", "boek", "boeken", "lessen", "inzichten", "eigenschappen"}
)
# "de dramadriehoek van Karpman", "het ABC-model uit de RET van Ellis": an author
# after a connector, with a head word among the five words before it.
CONNECTOR_AUTHOR = re.compile(rf"\s(?:van|volgens|uit|naar)\s(?P<a>{_AUTHORS})")
# "de roos van Leary", "de cirkel van Deming": a thing "van" someone who is no
# Dutch given name or surname (checked in the code) is a model and its author.
THING_OF_AUTHOR = re.compile(
    rf"\b(?:de|het)\s(?P<noun>[a-zà-ÿ][\w-]+)\svan\s(?P<a>{_AUTHORS})"
)
# "volgens Covey", "Volgens Covey moet je...".
VOLGENS_AUTHOR = re.compile(rf"\b[Vv]olgens\s(?P<a>{_AUTHORS})(?!['’]s|\w)")
# "Zoals Rogers al zei": a cited author.
ZOALS_AUTHOR = re.compile(
    rf"\b[Zz]oals\s(?P<a>{_AUTHORS})\s(?:al\s|ooit\s)?"
    r"(?:zei|zegt|schreef|schrijft|stelde|stelt|beschreef|beschrijft|noemde|noemt)\b"
)
# "de Roos van Leary", "de Piramide van Maslow": a named model with an article.
NAMED_MODEL = re.compile(
    rf"\b(?:de|het)\s{_CAP}(?:\s(?:of|and|the|for|to|in|on)\s{_CAP}|\s{_CAP}){{0,3}}"
    rf"\svan\s{_CAP}"
)
# "leidinggeven (Hersey en Blanchard)": a cited pair in brackets.
CITED_PAIR = re.compile(rf"(?<=[a-z])\s\(({_AUTHOR}\s(?:en|&)\s{_AUTHOR})\)")
IDIOM = re.compile("|".join(rf"\b{re.escape(i)}\b" for i in IDIOMS))


def protected_spans(
    text: str, *, subject_words: frozenset[str], tokens: list[Token] | None = None
) -> list[tuple[int, int]]:
    """Return the stretches that name a theory, method, cited author or idiom.

    ``subject_words`` are the client's own name words: "volgens Mo" is the client
    speaking, not an author. ``tokens`` are ``tokenize(text)`` if the caller has them.
    """
    tokens = tokenize(text) if tokens is None else tokens
    spans: list[tuple[int, int]] = _term_words(text, tokens)
    spans += [m.span() for m in NAMED_MODEL.finditer(text)]
    if any(i.split()[0] in text for i in IDIOMS):
        spans += [m.span() for m in IDIOM.finditer(text)]
    for m in CONNECTOR_AUTHOR.finditer(text):
        before = text[max(0, m.start() - 80) : m.start()].split()[-5:]
        if any(w.strip(".,;:()'\"").lower().endswith(HEADS) for w in before) and (
            m.group("a").split()[0] not in subject_words
        ):
            spans.append(m.span("a"))
    for m in THING_OF_AUTHOR.finditer(text):
        words = [w for w in re.findall(r"[\w-]+", m.group("a")) if w[:1].isupper()]
        if m.group("noun") not in PERSON_CUES and not any(
            w in first_names()
            or w in last_names()
            or w in cities()
            or w in subject_words
            for w in words
        ):
            spans.append(m.span("a"))
    for m in ZOALS_AUTHOR.finditer(text):
        if m.group("a").split()[0] not in subject_words:
            spans.append(m.span("a"))
    for m in VOLGENS_AUTHOR.finditer(text):
        first = m.group("a").split()[0]
        # "de Ik-boodschap volgens Gordon": a term before it makes it a citation,
        # even of a name that is also a given name.
        term = re.search(
            r"(?:\w-\w+|[A-ZÀ-Ý]\w+)\s$", text[max(0, m.start() - 40) : m.start()]
        )
        if first not in subject_words and (term or first not in first_names()):
            spans.append(m.span("a"))
    for m in CITED_PAIR.finditer(text):
        if not any(w in first_names() for w in re.findall(r"\w+", m.group(1))):
            spans.append(m.span(1))
    return spans


_LOOSE_SUFFIXES = tuple(_LOOSE_HEADS)


def _is_head(word: str) -> bool:
    return word.lower().endswith(HEADS)


def _term_words(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Return theory terms found word by word.

    "Johari-venster", "GROW-methode", "JD-R-model" (a hyphenated word ending in a
    head word); "de Utrechtse Bevlogenheidsschaal" (a capitalised compound ending in
    one, with its adjective); "Kübler-Ross curve" (a capital, then a head word);
    "Covey's cirkel van invloed", "Rogers' cliëntgerichte benadering" (a possessive,
    then a head word within two words).
    """
    spans = []
    for i, token in enumerate(tokens):
        word = token.text
        if word == word.lower():
            continue  # no capital anywhere
        lower = word.lower()
        following = tokens[i + 1 : i + 3]
        if "-" in word:
            if lower.rsplit("-", 1)[1].endswith(HEADS):
                spans.append((token.start, token.end))
                continue
        elif word[:1].isupper() and lower.endswith(HEADS):
            if any(
                lower.endswith(h) and len(lower) >= len(h) + 4
                for h in HEADS
                if h not in _LOOSE_HEADS
            ):
                adjective = re.search(
                    r"[A-ZÀ-Ý]\w*se\s$", text[max(0, token.start - 30) : token.start]
                )
                start = (
                    token.start - len(adjective.group()) if adjective else token.start
                )
                spans.append((start, token.end))
                continue
        if (
            word[:1].isupper()
            and i
            and tokens[i - 1].lower in THEORY_HEADS
            and (text[tokens[i - 1].end : token.start] == " ")
        ):
            spans.append((token.start, token.end))  # "de methode Gordon"
            continue
        if not word[:1].isupper() or not following:
            continue
        if word.endswith(("'s", "’s", "s'", "s’")):
            # A loose head only as the whole word: "Dweck's werk", but "Sanne's
            # huiswerk" is the client's homework, no theory.
            if any(
                _is_head(t.text)
                and (t.lower in THEORY_HEADS or not t.lower.endswith(_LOOSE_SUFFIXES))
                for t in following
            ):
                spans.append((token.start, token.end))  # "Covey's cirkel"
        elif following[0].text in THEORY_HEADS and text[token.end] == " ":
            spans.append((token.start, following[0].end))  # "Kübler-Ross curve"
    return spans
