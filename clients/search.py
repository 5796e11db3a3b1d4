"""Search that a coach expects: any part of a name, e-mail, phone or organisation.

The values are sealed, so SQL cannot search them (no LIKE over ciphertext). A
coach's own clients are a few hundred at most, so the rows the user may see are
opened (their data keys loaded in one key-store query) and compared in memory,
up to ``settings.SEARCH_OPEN_ROWS_MAX`` rows. Above that (the owner of a large
practice) the search falls back to the blind indexes: whole name words and the
exact e-mail address, and says so (``SearchResult.exact_only``). What this costs
and leaks: refleact/crypto/README.md, "Search by opening rows".

Every function here carries the access rule: it searches only within
``clients_for_user`` / ``organisations_for_user``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from clients.models import Client, Organisation
from clients.selectors import clients_for_user, organisations_for_user
from refleact.crypto import blind

# A term of digits and what people type between them: "06 1234", "+316-1234".
_PHONE_TERM = re.compile(r"^\+?[\d\s().\-/]*\d[\d\s().\-/]*$")
_NOT_DIGIT = re.compile(r"\D")
# Numbers without a country code are Dutch, as clients.phone reads them.
_NATIONAL_PREFIX = "31"


@dataclass(frozen=True)
class SearchResult:
    """The matching rows, and whether only exact blind-index lookups were used."""

    rows: QuerySet
    # True above SEARCH_OPEN_ROWS_MAX: only whole name words and the exact e-mail.
    exact_only: bool = False


class _Term:
    """A search term, folded once: its words, and its digits if it is a phone."""

    def __init__(self, term: str) -> None:
        self.words = blind.fold(term).split()
        self.phone_forms = _phone_forms(term)

    def matches(self, texts: list[str], phone: str) -> bool:
        haystack = "\n".join(texts)
        if self.words and all(word in haystack for word in self.words):
            return True
        return any(form in phone for form in self.phone_forms)


def _phone_forms(term: str) -> tuple[str, ...]:
    """The digit strings a phone term may stand for inside an E.164 number."""
    term = term.strip()
    if not _PHONE_TERM.match(term):
        return ()
    digits = _NOT_DIGIT.sub("", term)
    if term.startswith("+"):
        forms = (digits,)
    elif digits.startswith("00"):
        forms = (digits[2:],)  # 0031 6 ...: the international prefix
    elif digits.startswith("0"):
        # 06 1234: the national trunk prefix; or a part from the middle.
        forms = (_NATIONAL_PREFIX + digits[1:], digits)
    else:
        forms = (digits,)
    return tuple(form for form in forms if form)


def _text(value) -> str:
    """The folded text of an opened value; "" when empty, erased or damaged."""
    # ERASED and a value that cannot be opened are markers, not str: their text
    # ("erased", "cannot be opened") must not match a search for those words.
    if value.__class__ is not str or not value:
        return ""
    # ASCII needs no accent folding; most names and every e-mail address are.
    return value.lower() if value.isascii() else blind.fold(value)


def _digits(value) -> str:
    return _NOT_DIGIT.sub("", value) if value.__class__ is str else ""


def _cap() -> int:
    return settings.SEARCH_OPEN_ROWS_MAX


def _within(visible: QuerySet, within: QuerySet | None) -> QuerySet:
    if within is None:
        return visible
    return visible.filter(pk__in=within.values("pk"))


def clients_search(
    *, user, term: str, within: QuerySet[Client] | None = None
) -> SearchResult:
    """Return the clients this user may see that match any part of term.

    Matches first and last name, e-mail, phone and organisation name, case- and
    accent-insensitive; every word of the term must occur. ``within`` narrows the
    candidates (e.g. a list's filters), never widens them.
    """
    visible = _within(clients_for_user(user=user), within).order_by()
    term = term.strip()
    if not term:
        return SearchResult(rows=visible)
    if visible.count() > _cap():
        field = "email_index" if "@" in term else "name_index"
        return SearchResult(rows=blind.search(visible, field, term), exact_only=True)
    wanted = _Term(term)
    candidates = visible.select_related("organisation").only(
        "holder_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "organisation__holder_id",
        "organisation__name",
    )
    matching = [
        client.pk
        for client in candidates
        if wanted.matches(
            [
                _text(client.first_name),
                _text(client.last_name),
                _text(client.email),
                _text(client.organisation.name) if client.organisation else "",
            ],
            _digits(client.phone),
        )
    ]
    return SearchResult(rows=visible.filter(pk__in=matching))


def organisations_search(
    *, user, term: str, within: QuerySet[Organisation] | None = None
) -> SearchResult:
    """Return the organisations this user may see whose name holds every word of term."""
    visible = _within(organisations_for_user(user=user), within).order_by()
    term = term.strip()
    if not term:
        return SearchResult(rows=visible)
    if visible.count() > _cap():
        return SearchResult(
            rows=blind.search(visible, "name_index", term), exact_only=True
        )
    wanted = _Term(term)
    matching = [
        organisation.pk
        for organisation in visible.only("holder_id", "name")
        if wanted.matches([_text(organisation.name)], "")
    ]
    return SearchResult(rows=visible.filter(pk__in=matching))
