"""The notice text is checked against every client's known data before sending.

Issue 13, point 4: the text "holds no personal data of any client". It runs
through ``scrub_text`` twice: once with nothing known (what the scrubber's
patterns find: e-mail addresses, phone numbers, IBANs, BSNs, addresses, birth
dates...), once with every client's names, e-mail address, phone and
organisation, and every organisation's name. A pattern hit, or a stretch only
the second run finds (a known name), blocks sending. Guesses by shape alone (a
capitalised word that might be a name: "Refleact") do not block: the text is
the practice's own, and it names the practice.

Problems are described by kind and sentence, never by the text found: the
message is shown on screen and may end up in a log.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from clients.models import Client, Organisation
from refleact.crypto.blind import name_tokens
from refleact.crypto.fields import ERASED
from refleact.pseudonymiser import Organisation as KnownOrganisation
from refleact.pseudonymiser import Person, Subject, scrub_text

# The scrubber's shaped identifiers (refleact/pseudonymiser/patterns.py).
PATTERN_KINDS = {
    "phone",
    "email",
    "iban",
    "bsn",
    "kvk",
    "license_plate",
    "postcode_address",
    "date_of_birth",
    "age",
}
_PARTICLES = {"de", "van", "der", "den", "het", "ten", "ter", "te", "t", "la", "le"}
_SENTENCE_END = re.compile(r"[.!?]\s+|\n+")


def _text(value) -> str:
    # Erased and unopenable values are no identifiers.
    return value if isinstance(value, str) else ""


def known_data() -> list:
    """Return what the system knows of every client and organisation, for scrub_text.

    Personal data: keep it in memory for the check only; never log it.
    """
    known: list = []
    for client in Client.objects.select_related("organisation").iterator(
        chunk_size=500
    ):
        if client.first_name is ERASED:
            continue
        organisation = client.organisation if client.organisation_id else None
        known.append(
            Person(
                first_name=_text(client.first_name),
                last_name=_text(client.last_name),
                email=_text(client.email),
                phone=_text(client.phone),
                organisation=_text(organisation.name) if organisation else "",
            )
        )
    for organisation in Organisation.objects.iterator(chunk_size=500):
        for name in (organisation.name, organisation.billing_name):
            if _text(name).strip():
                known.append(KnownOrganisation(name))
    return known


def _known_words(known: list) -> set[str]:
    words: set[str] = set()
    for item in known:
        if isinstance(item, Person):
            words.update(name_tokens(f"{item.first_name} {item.last_name}"))
        elif isinstance(item, KnownOrganisation):
            words.update(name_tokens(item.name))
    # Particles ("de", "van") are no names on their own.
    return words - _PARTICLES


def _sentence(text: str, position: int) -> int:
    return len(_SENTENCE_END.findall(text[:position])) + 1


def _label(kind: str) -> str:
    labels = {
        "client": _("a client's name"),
        "person": _("a name of a client or someone the practice knows"),
        "organisation": _("an organisation the practice knows"),
        "phone": _("a phone number"),
        "email": _("an e-mail address"),
        "iban": _("a bank account number"),
        "bsn": _("a citizen service number (BSN)"),
        "kvk": _("a KvK number"),
        "license_plate": _("a licence plate"),
        "postcode_address": _("an address"),
        "date_of_birth": _("a date of birth"),
        "age": _("an age"),
    }
    return labels.get(kind, _("personal data"))


def text_problems(text: str, *, known: list) -> list[str]:
    """Return what in text looks like personal data, by kind and sentence."""
    blind = scrub_text(text, subject=Subject())
    informed = scrub_text(text, subject=Subject(), known=known)
    guessed = {(r.start, r.end) for r in blind.replacements}
    found = {}
    for r in blind.replacements:
        if r.kind in PATTERN_KINDS:
            found[(r.start, r.end)] = r.kind
    words = _known_words(known)
    for r in informed.replacements:
        # A known name the blind run also guessed by its shape is still a hit.
        if (
            (r.start, r.end) not in guessed
            or r.kind in PATTERN_KINDS
            or words.intersection(name_tokens(text[r.start : r.end]))
        ):
            found.setdefault((r.start, r.end), r.kind)
    return [
        _("Sentence %(n)s holds %(what)s.")
        % {"n": _sentence(text, start), "what": _label(kind)}
        for (start, _end), kind in sorted(found.items())
    ]


def notice_text_problems(*, breach, known: list | None = None) -> list[str]:
    """Return why the breach's notice texts may not be sent; empty when they may."""
    if not _text(breach.notice_text).strip():
        return [_("Write the notice to clients first.")]
    known = known_data() if known is None else known
    problems = []
    for label, value in (
        (_("Notice (Dutch)"), breach.notice_text),
        (_("Notice (English)"), breach.notice_text_en),
    ):
        if not isinstance(value, str):
            problems.append(
                _("%(label)s: the stored text cannot be opened.") % {"label": label}
            )
            continue
        for problem in text_problems(value, known=known) if value.strip() else []:
            problems.append(f"{label}: {problem}")
    return problems
