"""Anonymous intervision cases: chosen dossier entries, scrubbed, as a PDF for a peer.

Policy: "Wanneer de coach dit zinvol voor het resultaat vindt, kan hij/zij ter
professionalisering een intervisie met een collega aanvragen. De casus zal in dit
geval altijd anoniem worden behandeld, waarbij persoonlijke gegevens niet worden
mee genomen in het overleg."

Nothing of a case is stored: the preview posts its own text back, and every text
(the entries, their titles, the coach's question) goes through ``case_scrubber``
on every pass, so a hand edit cannot bring an identifier back. The scrubber gets
everything the system knows: the client's names, e-mail, phone and organisation,
the coach, and the coach's other clients and organisations. Exact dates are made
less precise (issue 11, point 2: "an exact date of an event"). The texts are
personal data until scrubbed: never log them, nor put them in an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dossiers import extensions, selectors
from dossiers.models import DossierEntry, PracticeDetails, Trajectory
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record_many
from refleact.pseudonymiser import Organisation as KnownOrganisation
from refleact.pseudonymiser import Person, Subject, scrub_text

# Dutch on purpose: part of the scrubbed Dutch text, like the scrubber's own
# placeholders (refleact/pseudonymiser/replace.py), not interface text.
MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober "
    "november december"
).split()
DATE_PLACEHOLDER = "[datum]"
CLIENT_PLACEHOLDER = "[cliënt]"
# The scrubber's placeholders and this module's, as a text posted back holds them.
_EARLIER_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,40}\]|\b[Dd]e cliënt\b")
_PARTICLES = {"de", "van", "der", "den", "het", "ten", "ter", "te", "t", "la", "le"}
_MONTH_WORD = (
    r"(?P<month_word>jan(?:uari)?|feb(?:ruari)?|mrt|maart|apr(?:il)?|mei|"
    r"jun(?:i)?|jul(?:i)?|aug(?:ustus)?|sep(?:t(?:ember)?)?|okt(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATES = re.compile(
    r"\b(?:"
    r"(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})"
    r"|(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4}|\d{2})"
    rf"|(?P<word_day>\d{{1,2}})\s+{_MONTH_WORD}(?:\s+(?P<word_year>\d{{4}}))?"
    r")(?![\w-])",
    re.IGNORECASE,
)
# A day and month without a year, only where "op" makes it a date ("op 14-2"):
# elsewhere "3-4" is a range.
_SHORT_DATE = re.compile(r"(?<=\bop )\d{1,2}[-/]\d{1,2}\b(?![-/]\d)", re.IGNORECASE)


@dataclass(frozen=True)
class Piece:
    """A stretch of scrubbed text; ``replaced`` names what stood there, or is ''."""

    text: str
    replaced: str = ""


@dataclass(frozen=True)
class CaseText:
    """A scrubbed text, whole and in pieces (for the preview's highlights)."""

    text: str
    pieces: tuple[Piece, ...]


def _text(value) -> str:
    # Erased and unopenable values are no identifiers to look for.
    return value if isinstance(value, str) else ""


def _month_year(month: int, year: str) -> str | None:
    if not 1 <= month <= 12:
        return None
    if len(year) == 2:
        year = f"20{year}"
    return f"[{MONTHS[month - 1]} {year}]"


def _coarse(match: re.Match) -> str:
    groups = match.groupdict()
    if groups["iso_year"]:
        coarse = _month_year(int(groups["iso_month"]), groups["iso_year"])
    elif groups["year"]:
        coarse = _month_year(int(groups["month"]), groups["year"])
    elif groups["word_year"]:
        word = groups["month_word"].lower()[:3]
        month = next(n for n, m in enumerate(MONTHS, 1) if m.startswith(word[:3]))
        coarse = _month_year(month, groups["word_year"])
    else:
        coarse = None
    return coarse or DATE_PLACEHOLDER


def _coarsen_dates(piece: Piece) -> list[Piece]:
    """Split a kept piece where it holds an exact date, made month and year."""
    out: list[Piece] = []
    pos = 0
    text = piece.text
    matches = sorted(
        [*_DATES.finditer(text), *_SHORT_DATE.finditer(text)], key=lambda m: m.start()
    )
    for match in matches:
        if match.start() < pos:
            continue
        if match.start() > pos:
            out.append(Piece(text[pos : match.start()]))
        coarse = _coarse(match) if match.re is _DATES else DATE_PLACEHOLDER
        out.append(Piece(coarse, "date"))
        pos = match.end()
    if pos < len(text):
        out.append(Piece(text[pos:]))
    return out


def _pieces(text: str, scrubbed) -> list[Piece]:
    """Rebuild the scrubbed text from the original and the replacements."""
    pieces: list[Piece] = []
    pos = 0
    for r in sorted(scrubbed.replacements, key=lambda r: r.start):
        if r.start > pos:
            pieces.append(Piece(text[pos : r.start]))
        pieces.append(Piece(r.placeholder, r.kind))
        pos = r.end
    if pos < len(text):
        pieces.append(Piece(text[pos:]))
    if "".join(p.text for p in pieces) != scrubbed.text:
        # The scrubber rewrote beyond its spans: show the text without highlights
        # rather than a text that differs from what is exported.
        return [Piece(scrubbed.text)]
    return pieces


def _known(*, trajectory: Trajectory) -> list:
    clients, organisations = selectors.case_known_for(trajectory=trajectory)
    known: list = []
    for client in clients:
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
    for organisation in organisations:
        for name in (organisation.name, organisation.billing_name):
            if _text(name).strip():
                known.append(KnownOrganisation(_text(name)))
    coach = trajectory.coach
    if coach.first_name or coach.last_name:
        known.append(Person(first_name=coach.first_name, last_name=coach.last_name))
    return known


def _leftover_pattern(subject: Subject) -> re.Pattern | None:
    """Match the client's own name words and e-mail address, as written.

    A second net under the scrubber: whatever it kept on purpose ("de Roos van
    Leary" for a client called Roos) or missed, an intervision case names the
    client in no form. Case-sensitive: "roos" the flower stays.
    """
    words = {subject.email, subject.first_name}
    words |= {w for w in subject.last_name.split() if w.lower() not in _PARTICLES}
    words |= {w for w in subject.first_name.split()}
    words = {w for w in words if len(w) >= 2}
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w@.])(?:{alternatives})(?:['’]s|['’]|s)?(?![\w@])")


def _split(piece: Piece, pattern: re.Pattern | None, kind: str, placeholder):
    """Split a kept piece where pattern matches, each match marked.

    Each match is replaced by ``placeholder``, or kept as it is when that is None.
    """
    if pattern is None:
        return [piece]
    out, pos = [], 0
    for match in pattern.finditer(piece.text):
        if match.start() > pos:
            out.append(Piece(piece.text[pos : match.start()]))
        out.append(Piece(match.group() if placeholder is None else placeholder, kind))
        pos = match.end()
    if pos < len(piece.text):
        out.append(Piece(piece.text[pos:]))
    return out


def case_scrubber(*, trajectory: Trajectory) -> Callable[[str], CaseText]:
    """Return a function that scrubs a text of this trajectory for intervision.

    Caller must have checked access to the trajectory.
    """
    client = trajectory.client
    organisation = client.organisation if client.organisation_id else None
    subject = Subject(
        first_name=_text(client.first_name),
        last_name=_text(client.last_name),
        email=_text(client.email),
        phone=_text(client.phone),
        organisation=_text(organisation.name) if organisation else "",
    )
    known = tuple(_known(trajectory=trajectory))
    leftover = _leftover_pattern(subject)

    def scrub(text: str) -> CaseText:
        text = text.replace("\r\n", "\n")
        scrubbed = scrub_text(text, subject=subject, known=known)
        pieces = []
        for piece in _pieces(text, scrubbed):
            if piece.replaced:
                pieces.append(piece)
                continue
            for kept in _split(piece, leftover, "client", CLIENT_PLACEHOLDER):
                if kept.replaced:
                    pieces.append(kept)
                    continue
                # Placeholders of an earlier pass (the preview posted back) stay
                # marked, as they were the first time.
                for rest in _split(kept, _EARLIER_PLACEHOLDER, "earlier", None):
                    pieces += [rest] if rest.replaced else _coarsen_dates(rest)
        return CaseText(text="".join(p.text for p in pieces), pieces=tuple(pieces))

    return scrub


def case_title(*, trajectory: Trajectory, now=None) -> str:
    """Return the case's neutral title: the month of the export and the kind."""
    month = timezone.localdate(now or timezone.now()).strftime("%Y-%m")
    with translation.override("nl"):
        return f"Casus {month} · {trajectory.get_kind_display()}"


@dataclass(frozen=True)
class CaseEntry:
    """One scrubbed entry of a case: its kind (from the row) and scrubbed texts."""

    entry: DossierEntry
    title: CaseText
    body: CaseText


def case_pdf(*, title: str, question: CaseText, entries: Iterable[CaseEntry]) -> bytes:
    """Return the case as a PDF, in the invoices' look. Texts must be scrubbed."""
    from weasyprint import HTML

    # A Dutch document, like the invoices, whatever the coach's interface language.
    with translation.override("nl"):
        html = render_to_string(
            "dossiers/intervision_pdf.html",
            {
                "title": title,
                "question": question,
                "entries": list(entries),
                "practice": PracticeDetails.load(),
            },
        )
    return HTML(string=html).write_pdf()


@transaction.atomic
def intervision_case_export(
    *, actor, trajectory: Trajectory, entries: list[DossierEntry], request=None
) -> None:
    """Record that a case of these entries left for intervision (ids, never text)."""
    audit_record_many(
        request=request,
        action=AuditEvent.Action.EXPORT,
        objs=[trajectory, *entries],
    )
    extensions.intervision_exported(trajectory=trajectory, actor=actor, request=request)
