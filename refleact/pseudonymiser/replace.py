"""Placeholders that read naturally: numbered per entity, possessives kept grammatical.

The placeholders are Dutch on purpose: they are part of the scrubbed Dutch text (the
output), not interface text, so they do not go through gettext.
"""

from __future__ import annotations

import re

from .entities import Replacement, Span
from .tokens import sentence_start

CLIENT_DEFAULT = "de cliënt"
FIXED = {
    "phone": "[telefoonnummer]",
    "email": "[e-mailadres]",
    "url": "[website]",
    "iban": "[rekeningnummer]",
    "bsn": "[BSN]",
    "kvk": "[KvK-nummer]",
    "license_plate": "[kenteken]",
    "postcode_address": "[adres]",
    "date_of_birth": "[geboortedatum]",
    "age": "[leeftijd]",
    "place": "[plaats]",
}
NUMBERED = {"person": "persoon", "organisation": "organisatie"}
_POSSESSIVE_END = re.compile(r"(?:['’]s|['’]|(?<=[^s])s)$")
# Nouns that take "het": diminutives and a few endings; everything else takes "de".
_HET_ENDINGS = ("je", "tje", "ment", "isme", "sel", "um", "schap")
_HET_NOUNS = frozenset(
    """doel werk huiswerk team gevoel gedrag gesprek traject leven idee plan
    profiel bedrijf gezin budget rooster overzicht verhaal probleem antwoord
    verzoek belang inzicht patroon hoofddoel werkplezier zelfbeeld netwerk
    kantoor huis lichaam hoofd hart dossier advies contact contract moment""".split()
)


def render(
    text: str, spans: list[Span], *, pseudonym: str, possessive_forms: set[str]
) -> tuple[str, tuple[Replacement, ...]]:
    """Return ``text`` with each span replaced, and the replacements made.

    ``possessive_forms`` are the client's name forms that end in "s" by themselves
    ("Klaas"): their final "s" is not a possessive.
    """
    numbers: dict[str, dict[str, int]] = {kind: {} for kind in NUMBERED}
    starts = {s.start for s in spans}
    out: list[str] = []
    made: list[Replacement] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < pos:
            continue
        original = text[span.start : span.end]
        end = span.end
        possessive = _is_possessive(original, span.kind, possessive_forms)
        if span.kind == "client":
            placeholder = pseudonym or CLIENT_DEFAULT
            if possessive and pseudonym:
                placeholder = f"{pseudonym}'s"
            elif possessive:
                noun = re.match(r"\s([a-zà-ÿ][\w-]*)", text[end:])
                # Never move a word that is itself to be replaced.
                if noun and not any(end < s <= end + noun.end() for s in starts):
                    word = noun.group(1)
                    article = "het" if _takes_het(word) else "de"
                    placeholder = f"{article} {word} van {CLIENT_DEFAULT}"
                    end += noun.end()
        elif span.kind in NUMBERED:
            seen = numbers[span.kind]
            number = seen.setdefault(span.key or original.lower(), len(seen) + 1)
            placeholder = f"[{NUMBERED[span.kind]} {number}]"
            if possessive:
                placeholder += "'s"
        else:
            placeholder = FIXED.get(span.kind, "[verwijderd]")
        if sentence_start(text, span.start) and placeholder[:1].islower():
            placeholder = placeholder[0].upper() + placeholder[1:]
        out.append(text[pos : span.start])
        out.append(placeholder)
        made.append(Replacement(span.kind, span.start, end, placeholder))
        pos = end
    out.append(text[pos:])
    return "".join(out), tuple(made)


def _is_possessive(original: str, kind: str, own_s_forms: set[str]) -> bool:
    if kind not in ("client", "person") or not _POSSESSIVE_END.search(original):
        return False
    if original.endswith(("'s", "’s", "'", "’")):
        return True
    return kind == "client" and original not in own_s_forms


def _takes_het(noun: str) -> bool:
    return noun in _HET_NOUNS or noun.endswith(_HET_ENDINGS)
