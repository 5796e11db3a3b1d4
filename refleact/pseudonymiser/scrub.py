"""``scrub_text``: find every identifier, keep theory and common words, replace."""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import nameforms, names, organisations
from .entities import Organisation, Person, Scrubbed, Span, Subject
from .lexicon import FUNCTION_WORDS, PARTICLE_WORDS
from .patterns import find_patterns
from .replace import render
from .theory import protected_spans
from .tokens import possessive_end, previous_word, sentence_start, starts_of, tokenize

NAME_KINDS = frozenset({"client", "person", "organisation", "place"})
_DETERMINERS = names.ARTICLES
_NOT_NAME_WORDS = PARTICLE_WORDS | FUNCTION_WORDS


def scrub_text(
    text: str, *, subject: Subject, known: Iterable[Person | Organisation | str] = ()
) -> Scrubbed:
    """Return ``text`` without the identifiers of the client and of anyone else.

    ``subject`` is the client (names, e-mail, phone, organisation, and the pseudonym
    that replaces the name; all optional); ``known`` other people and organisations
    the system knows. The result and the input are personal data: never log them.
    """
    tokens = tokenize(text)
    people = [k for k in known if isinstance(k, Person)]
    org_names = [subject.organisation] + [p.organisation for p in people]
    org_names += [k.name for k in known if isinstance(k, Organisation)]
    org_names += [k for k in known if isinstance(k, str)]

    aliases = nameforms.aliases_in(text, subject)
    client_forms = nameforms.person_forms(subject) | aliases
    client_forms |= {f for f in (subject.email, subject.phone) if f}
    subject_words = frozenset(
        w for f in client_forms for w in f.split() if w.lower() not in _NOT_NAME_WORDS
    )
    protected = protected_spans(text, subject_words=subject_words, tokens=tokens)

    spans = list(find_patterns(text))
    org_names = [o for o in org_names if o]
    spans += organisations.find_known(text, org_names, single_words=False)
    given = nameforms.given_name_forms(subject.first_name) | aliases
    spans += nameforms.find_forms(
        text, client_forms, kind="client", key="client", rank=60, given=given
    )
    for number, person in enumerate(people, 1):
        forms = nameforms.person_forms(person) - client_forms
        spans += nameforms.find_forms(
            text, forms, kind="person", key=f"known:{number}", rank=55
        )
    spans += organisations.find_unknown(text, tokens)
    spans = _resolve(
        [s for s in spans if s.kind not in NAME_KINDS or _free(s, protected)]
    )

    blocked = [(s.start, s.end) for s in spans] + protected
    name_starts = frozenset(s.start for s in spans if s.kind in ("client", "person"))
    unknown = names.find_unknown(
        text,
        tokens,
        blocked=blocked,
        sloppy=_sloppy(text, tokens),
        name_starts=name_starts,
    )
    unknown = list(unknown) + [
        s
        for s in organisations.find_known(text, org_names, single_words=True)
        if _free(s, protected)
    ]
    spans = _resolve(spans + unknown)
    spans = _resolve(spans + _propagate(text, spans, protected))
    spans = _link_people(spans)

    own_s = {f for f in client_forms if f.endswith("s")}
    scrubbed, replacements = render(
        text, spans, pseudonym=subject.pseudonym, possessive_forms=own_s
    )
    return Scrubbed(scrubbed, replacements)


def _free(span: Span, protected: list[tuple[int, int]]) -> bool:
    return not any(s < span.end and span.start < e for s, e in protected)


def _resolve(spans: list[Span]) -> list[Span]:
    """Keep the longest of overlapping spans (then the higher rank), in text order."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), -s.rank, s.start)):
        if all(span.end <= c.start or c.end <= span.start for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _sloppy(text: str, tokens) -> bool:
    """Return whether the note is typed without capitals (then lower-case names count)."""
    lower_starts = 0
    for token in tokens:
        if token.text[:1].islower() and sentence_start(text, token.start):
            lower_starts += 1
            if lower_starts == 2:
                return True
    return False


def _surfaces(text: str, span: Span) -> set[str]:
    original = re.sub(r"(?:['’]s|['’])$", "", text[span.start : span.end])
    surfaces = {original}
    if span.kind == "organisation":
        surfaces |= organisations.known_org_forms(original)
    if span.kind == "person":
        words = original.split()
        for word in words:
            if word[:1].isupper() and len(word) >= 3 and not word.endswith("."):
                surfaces.add(word)
                surfaces |= set(word.split("-")) - {""}
        m = re.search(
            r"\b(de|van|ter|ten|van der|van den|van de) ([A-Z][\w'-]+)$", original
        )
        if m:
            surfaces |= {m.group(0), m.group(1).capitalize() + " " + m.group(2)}
    return {s for s in surfaces if len(s) >= 3 and s.lower() not in FUNCTION_WORDS}


def _propagate(
    text: str, spans: list[Span], protected: list[tuple[int, int]]
) -> list[Span]:
    """Find the other mentions of every person, organisation and place found once."""
    found: list[Span] = []
    for span in spans:
        if span.kind not in ("person", "place", "organisation"):
            continue
        for surface in _surfaces(text, span):
            for start in starts_of(text, surface):
                end = possessive_end(text, start + len(surface))
                if end is None or text[start + len(surface) : end] == "s":
                    continue  # "Jansens" is another name; "Jansen's" is possessive
                # Above a guessed place: "naar Opsterland" after "Gemeente Opsterland".
                candidate = Span(start, end, span.kind, span.key, 35)
                if not _free(candidate, protected):
                    continue
                if " " not in surface and previous_word(text, start) in _DETERMINERS:
                    continue  # "van de Roos" is the model, not the person Roos
                found.append(candidate)
    return found


def _link_people(spans: list[Span]) -> list[Span]:
    """Give "Jansen" the number of "Erik Jansen" found earlier in the same note."""
    owner: dict[str, str] = {}
    for span in spans:
        if span.kind == "person" and span.key.startswith("person:"):
            for word in span.key[7:].split():
                owner.setdefault(word, span.key)
    linked = []
    for span in spans:
        if (
            span.kind == "person"
            and span.key.startswith("person:")
            and " " not in span.key
        ):
            word = re.sub(r"(?:'s|’s|')$", "", span.key[7:])
            span = Span(
                span.start, span.end, span.kind, owner.get(word, span.key), span.rank
            )
        linked.append(span)
    return linked
