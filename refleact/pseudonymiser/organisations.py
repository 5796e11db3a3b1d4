"""Organisations: the known ones in any form, unknown ones by legal form or sector word."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator

from .entities import Span
from .lexicon import (
    FUNCTION_WORDS,
    LEGAL_FORMS,
    ORG_PREFIX_WORDS,
    ORG_WORD_SUFFIXES,
    PARTICLE_WORDS,
)
from .tokens import Token, starts_of, word_char

_LEGAL = "|".join(re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True))
LEGAL_FORM_AT_END = re.compile(rf"\s*,?\s*(?:{_LEGAL})(?!\w)\s*$")
# Words inside a name that are not capitalised: "Wadden & Wolden", "De Lytse Wrâld".
LEGAL_FORM = re.compile(rf"(?<![\w&])(?:{_LEGAL})(?!\w)")
_JOINERS = {"&", "en", "de", "het", "van", "der", "den", "'t", "op", "aan", "in"}
_NAME_START_WORDS = {"de", "het", "it", "'t", "t"}


def org_key(name: str) -> str:
    """Return the key under which forms of one organisation are numbered together."""
    core = LEGAL_FORM_AT_END.sub("", name).strip()
    return "org:" + re.sub(r"\s+", " ", core.lower())


def known_org_forms(name: str) -> set[str]:
    """Return the ways a note may write a known organisation's name.

    "Installatiebedrijf Koopmans B.V." gives the whole name, the name without its
    legal form, without its sector word ("Koopmans") and its distinctive words.
    """
    name = re.sub(r"\s+", " ", name).strip()
    if not name:
        return set()
    forms = {name}
    bare = LEGAL_FORM_AT_END.sub("", name).strip()
    forms.add(bare)
    words = bare.split()
    if len(words) > 1 and is_sector_word(words[0]):
        forms.add(" ".join(words[1:]))
    if len(words) > 1 and is_sector_word(words[-1]):
        forms.add(" ".join(words[:-1]))
    for word in words:
        if (
            len(word) >= 4
            and word[:1].isupper()
            and not is_sector_word(word)
            and word.lower() not in FUNCTION_WORDS
            and word.lower() not in _NAME_START_WORDS
        ):
            forms.add(word)
    return {f for f in forms if len(f) >= 3}


def is_sector_word(word: str) -> bool:
    """Return whether ``word`` names a kind of organisation ("Drukkerij", "Gemeente")."""
    lower = word.lower()
    return lower in ORG_PREFIX_WORDS or lower.endswith(ORG_WORD_SUFFIXES)


def find_known(
    text: str, names: Iterable[str], *, single_words: bool
) -> Iterator[Span]:
    """Yield every occurrence of a known organisation, case-insensitively for whole names.

    With ``single_words`` only its distinctive words alone ("Koopmans"), else only
    the longer forms: a word alone must not take "Pieter Hiemstra" from a person.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter changes length in lower case
        lowered = text
    for name in names:
        key = org_key(name)
        full = {name.strip(), LEGAL_FORM_AT_END.sub("", name).strip()}
        for form in known_org_forms(name):
            if (" " in form or form in full) == single_words:
                continue
            # Whole names match in any case ("obs De Flambou"); single words only as
            # written, so "Bakkerij Bakker" leaves the profession "bakker" alone.
            any_case = form in full or " " in form
            haystack, needle = (lowered, form.lower()) if any_case else (text, form)
            for start in starts_of(haystack, needle):
                end = start + len(needle)
                if text.startswith(("'s", "’s"), end):
                    end += 2
                if not word_char(text, end):
                    yield Span(start, end, "organisation", key, rank=50)


def find_unknown(text: str, tokens: list[Token]) -> Iterator[Span]:
    """Yield organisations named by a legal form, or a sector word and capitals."""
    ends = [t.end for t in tokens]
    for m in LEGAL_FORM.finditer(text):
        start = _extend_left(text, tokens, ends, m.start())
        if start is not None:
            yield Span(
                start, m.end(), "organisation", org_key(text[start : m.end()]), 48
            )
    for i, token in enumerate(tokens):
        if not is_sector_word(token.bare) or "-" in token.text and token.text.isupper():
            continue
        end = _extend_right(text, tokens, i)
        if end is not None and (token.capitalised or token.lower in ORG_PREFIX_WORDS):
            span_text = text[token.start : end]
            yield Span(token.start, end, "organisation", org_key(span_text), 46)
        if token.capitalised and i > 0:
            # "Tiemersma Accountants", "Sikkema & Wiersma Tweewielers".
            start = _extend_left(text, tokens, ends, token.start)
            if start is not None and start < token.start:
                yield Span(
                    start,
                    token.end,
                    "organisation",
                    org_key(text[start : token.end]),
                    45,
                )


def _extend_left(
    text: str, tokens: list[Token], ends: list[int], pos: int
) -> int | None:
    """Return where the capitalised words before ``pos`` start, or None if there are none.

    ``ends`` are the tokens' ends, in order.
    """
    start = None
    edge = pos  # the start of the leftmost word taken so far, joiners included
    for token in reversed(
        tokens[max(0, bisect_right(ends, pos) - 8) : bisect_right(ends, pos)]
    ):
        if text[token.end : edge] not in ("", " ", " & ", "-"):
            break
        if token.capitalised and token.lower not in FUNCTION_WORDS - _NAME_START_WORDS:
            start = token.start
        elif not (token.lower in _JOINERS and start is not None):
            break
        edge = token.start
    return start


def _extend_right(text: str, tokens: list[Token], i: int) -> int | None:
    """Return where the capitalised words after sector word ``tokens[i]`` end."""
    end = None
    pending = tokens[i].end
    for token in tokens[i + 1 : i + 6]:
        gap = text[pending : token.start]
        if gap not in (" ", " & ", "-"):
            break
        if token.capitalised and token.lower not in FUNCTION_WORDS - _NAME_START_WORDS:
            end = token.end
        elif token.lower in _NAME_START_WORDS | PARTICLE_WORDS and end is None:
            pass  # "Kinderopvang It Lytse Hûs", "Hotel De Zilte Haven"
        elif token.lower not in _JOINERS:
            break
        pending = token.end
    return end
