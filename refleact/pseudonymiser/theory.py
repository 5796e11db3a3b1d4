"""Theories, methods, cited authors and idioms: stretches where names must stay.

"het model van Kübler-Ross", "volgens Covey", "Johari-venster", "de Roos van Leary",
"Covey's cirkel van invloed", "(Hersey en Blanchard)", "Jan Modaal".
"""

from __future__ import annotations

import re

from .lexicon import IDIOMS, THEORY_HEADS, first_names

_CAP = r"(?:[A-ZÀ-Ý]\w*(?:-\w+)*)"
# An author: "Covey", "De Bono", "Marshall Rosenberg", "Thomas-Kilmann", "Brené Brown".
_AUTHOR = rf"(?:(?:[Dd]e|[Vv]an(?: de[nr]?)?|[Dd]i|[Ll]e)\s)?{_CAP}(?:\s{_CAP})?"
_AUTHORS = rf"{_AUTHOR}(?:\s(?:en|&)\s{_AUTHOR})?"
_HEADS = "|".join(sorted(THEORY_HEADS, key=len, reverse=True))
_HEAD_WORD = rf"[\w-]*(?:{_HEADS})\b"

# "Johari-venster", "GROW-methode", "Belbin-teamrollen", "JD-R-model".
HYPHENATED = re.compile(rf"\b[\w-]*[A-ZÀ-Ý][\w-]*-(?:[\w-]*)(?:{_HEADS})\b")
# "Kübler-Ross curve", "Eisenhower matrix".
NAME_THEN_HEAD = re.compile(rf"\b{_CAP}\s(?:{_HEADS})\b")
# "de dramadriehoek van Karpman", "het ABC-model uit de RET van Ellis".
HEAD_VAN_AUTHOR = re.compile(
    rf"\b{_HEAD_WORD}(?:\s[\w-]+){{0,4}}?\s(?:van|volgens|uit|naar)\s(?P<a>{_AUTHORS})"
)
# "volgens Covey", "Volgens Covey moet je...".
VOLGENS_AUTHOR = re.compile(rf"\b[Vv]olgens\s(?P<a>{_AUTHORS})(?!['’]s|\w)")
# "Covey's cirkel van invloed", "Covey's gewoonte".
POSSESSIVE_HEAD = re.compile(rf"\b{_CAP}['’]s\s(?:[\w-]+\s)?{_HEAD_WORD}")
# "de Utrechtse Bevlogenheidsschaal": a capitalised compound ending in a head word.
COMPOUND_HEAD = re.compile(rf"\b(?:[A-ZÀ-Ý]\w*se\s)?[A-ZÀ-Ý]\w{{3,}}(?:{_HEADS})\b")
# "de Roos van Leary", "de Piramide van Maslow": a named model with an article.
NAMED_MODEL = re.compile(
    rf"\b(?:de|het)\s{_CAP}(?:\s(?:of|and|the|for|to|in|on)\s{_CAP}|\s{_CAP}){{0,3}}"
    rf"\svan\s{_CAP}"
)
# "leidinggeven (Hersey en Blanchard)": a cited pair in brackets.
CITED_PAIR = re.compile(rf"(?<=[a-z])\s\(({_AUTHOR}\s(?:en|&)\s{_AUTHOR})\)")
IDIOM = re.compile("|".join(rf"\b{re.escape(i)}\b" for i in IDIOMS))


def protected_spans(
    text: str, *, subject_words: frozenset[str]
) -> list[tuple[int, int]]:
    """Return the stretches that name a theory, method, cited author or idiom.

    ``subject_words`` are the client's own name words: "volgens Mo" is the client
    speaking, not an author.
    """
    spans: list[tuple[int, int]] = []
    for regex in (
        HYPHENATED,
        COMPOUND_HEAD,
        NAME_THEN_HEAD,
        POSSESSIVE_HEAD,
        NAMED_MODEL,
        IDIOM,
    ):
        spans += [m.span() for m in regex.finditer(text)]
    for m in HEAD_VAN_AUTHOR.finditer(text):
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
