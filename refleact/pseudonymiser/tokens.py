"""Words of a note with their positions, and where sentences start."""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+|-[^\W\d_]+)*(?:['’]s?)?")
INITIALS = re.compile(r"(?:[A-Z]\.\s?){1,4}(?=\s?[^\W\d_])")
# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """mw mevr dhr dr drs ir ing prof mr geb tel nb ca bijv bv evt o.v.v t.n.v
    nr mej st jl vs resp incl excl m.b.t i.v.m ivm e.d z.s.m""".split()
)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    bare: str  # the word without a trailing apostrophe or possessive "'s"

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    """Return the words of ``text`` (hyphenated words and "Anouk's" are one word)."""
    return [
        Token(m.start(), m.end(), word, _bare(word))
        for m in WORD.finditer(text)
        for word in (m.group(),)
    ]


def _bare(word: str) -> str:
    if word[-1] in "'’":
        return word[:-1]
    if word[-2:-1] in ("'", "’") and word[-1] == "s":
        return word[:-2]
    return word


def sentence_start(text: str, pos: int) -> bool:
    """Return whether the word at ``pos`` opens a sentence, a line or a quotation."""
    i = pos - 1
    if i >= 0 and text[i] in "'\"‘“" and (i == 0 or not text[i - 1].isalnum()):
        return True  # an opening quote: "Training 'Feedback geven'" is a title
    while i >= 0 and text[i] in " \t'\"‘“(>-–•*":
        i -= 1
    if i < 0 or text[i] in "\n!?:;":
        return True
    if text[i] == ".":
        word = re.search(r"([\w.]+)\.$", text[max(0, i - 12) : i + 1])
        if word is None:
            return True
        stem = word.group(1).lower()
        if stem in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", stem):
            return False  # "mw.", "geb.", "t.n.v." or an initial
        return True
    return False


def previous_word(text: str, pos: int) -> str:
    """Return the word right before ``pos`` (lower case), or "" after punctuation."""
    i = pos - 1
    if i < 0 or not text[i].isspace():
        return ""
    while i >= 0 and text[i].isspace():
        i -= 1
    end = i + 1
    while i >= 0 and (text[i].isalnum() or text[i] in "_.'’-"):
        i -= 1
    word = text[i + 1 : end]
    while word and not word[0].isalpha():
        word = word[1:]  # "(collega" -> "collega"; "1." -> ""
    return word.lower()


def word_char(text: str, i: int) -> bool:
    """Return whether ``text[i]`` exists and is a letter, digit or underscore."""
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")


def starts_of(text: str, needle: str) -> list[int]:
    """Return where ``needle`` starts in ``text`` with no word character (or "-") before.

    A plain substring search: compiling a pattern per name per note would cost more
    than all the matching.
    """
    found = []
    i = text.find(needle)
    while i != -1:
        if not word_char(text, i - 1) and text[i - 1 : i] != "-" or i == 0:
            found.append(i)
        i = text.find(needle, i + 1)
    return found


def possessive_end(text: str, end: int) -> int | None:
    """Return the end of a name ending at ``end`` with its possessive, or None.

    "Anouk's", "Anouks", "Klaas'" and plain "Anouk" count; "Anouken" or "Anouk-X" do not.
    """
    for suffix in ("'s", "’s", "'", "’", "s", ""):
        if text.startswith(suffix, end):
            stop = end + len(suffix)
            if not word_char(text, stop) and not (
                text[stop : stop + 1] == "-" and word_char(text, stop + 1)
            ):
                return stop
    return None
