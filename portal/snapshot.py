"""Everything held about one client, gathered once: the page and the export read it.

``client_snapshot`` returns one section per kind of row the practice keeps about
the client. Each section's personal fields are not listed here: they are the
fields the data inventory (``*/inventory.py``) declares for its model, so a field
declared later appears on "Mijn gegevens" and in the download with no change
here. What a section adds by hand is context that is not personal data (status,
dates). Rows are read with ``iterator()``: a section yields them one chunk at a
time, so an export of a large dossier does not hold it all in memory.

What is not handed out, and why, is in ``NOT_EXPORTED`` and ``withheld``: the
tests walk the inventory and accept a missing field only when it is named there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client
from consent.models import ConsentRecord, Disclosure, Occasion
from dossiers.models import DossierEntry, Invoice, InvoiceLine, QuoteLine, Trajectory
from portal import selectors
from portal.models import PortalRequest, PortalToken
from refleact.crypto.files import SealedFile
from refleact.inventory.declarations import declarations

SCHEMA = "refleact-portal-export/1"
CHUNK = 200

# Declared models whose rows carry the client's holder id but are not handed out.
NOT_EXPORTED = {
    # The access log records staff's addresses (its declared field) beside ids;
    # the client's right to know who saw their data is answered on request.
    "audit.auditevent": gettext_lazy(
        "The access log names staff members' addresses; ask for it with a request."
    ),
    # A copy of the authenticator app's secret would let whoever holds the
    # export pass the client's second factor; the account page says it is on.
    "portal.clienttotpdevice": gettext_lazy(
        "The secret of your authenticator app is a credential, not a copy of data."
    ),
}
# Policy: "Het intellectueel eigendom (zoals gebruikte theorie en werkwijze
# tijdens het traject) van Refleact blijft eigendom van Refleact."
THEORY_WITHHELD = frozenset({"body", "attachment"})


def withheld(obj: Model) -> frozenset[str]:
    """Return the declared fields of this row that are not handed out."""
    if (
        isinstance(obj, DossierEntry)
        and obj.kind == DossierEntry.Kind.THEORY
        and not obj.shared_with_client
    ):
        return THEORY_WITHHELD
    return frozenset()


@dataclass(frozen=True)
class Value:
    name: str
    label: str
    value: Any  # what the page shows (plain Python, a SealedFile, a marker)
    personal: bool

    def json(self, *, attachment_path: str = "") -> Any:
        return json_value(self.value, attachment_path=attachment_path)


@dataclass(frozen=True)
class Row:
    obj: Model
    values: tuple[Value, ...]
    withheld: frozenset[str]

    @property
    def model(self) -> str:
        return self.obj._meta.label_lower

    @property
    def pk(self) -> str:
        return str(self.obj.pk)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    model: type[Model]
    queryset: QuerySet
    context: tuple[str, ...]
    # The declared fields that are the client's in this section; None: all the
    # inventory declares for the model (rows sealed under the client's key).
    own: tuple[str, ...] | None = None

    def personal_fields(self) -> list[str]:
        label = self.model._meta.label_lower
        fields = [d.field for d in declarations() if d.key[0] == label]
        return fields if self.own is None else [f for f in fields if f in self.own]

    def rows(self) -> Iterator[Row]:
        personal = self.personal_fields()
        names = [*self.context, *(f for f in personal if f not in self.context)]
        fields = {n: self.model._meta.get_field(n) for n in names}
        for obj in self.queryset.iterator(chunk_size=CHUNK):
            hidden = withheld(obj)
            values = tuple(
                Value(
                    name=name,
                    label=str(fields[name].verbose_name),
                    value=_display(obj, fields[name]),
                    personal=name in personal,
                )
                for name in names
                if name not in hidden
            )
            yield Row(obj=obj, values=values, withheld=hidden)


def _display(obj: Model, field) -> Any:
    if getattr(field, "choices", None):
        raw = getattr(obj, field.attname)
        if raw in (None, ""):
            return None  # no choice made yet: shown as a dash
        return {"value": raw, "label": str(dict(field.flatchoices).get(raw, raw))}
    if field.is_relation:
        return str(getattr(obj, field.attname)) if getattr(obj, field.attname) else None
    return getattr(obj, field.attname)


def json_value(value: Any, *, attachment_path: str = "") -> Any:
    """Return a JSON-ready form of a shown value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, SealedFile):
        return {
            "filename": value.filename,
            "size": value.size,
            "content_type": value.content_type,
            "file": attachment_path or None,
        }
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    # ERASED, or the marker of a value that cannot be opened: its text, no value.
    return str(value)


def attachment_name(row: Row, value: SealedFile) -> str:
    """The path of an attachment inside the export's zip file."""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in value.filename)
    return f"attachments/{row.pk}-{safe[:100] or 'file'}"


def client_snapshot(*, client: Client) -> list[Section]:
    """Return every section of what the practice holds about this client.

    Caller must have checked that the viewer is this client.
    """
    holder = client.holder_id
    own = {"holder_id": holder}
    return [
        Section(
            "profile",
            _("Your details"),
            Client,
            Client.objects.filter(pk=client.pk),
            ("kind", "language", "created_at"),
        ),
        Section(
            "login",
            _("Your portal login"),
            get_user_model(),
            get_user_model().objects.filter(is_staff=False, **own),
            ("date_joined", "last_login"),
        ),
        Section(
            "trajectories",
            _("Trajectories"),
            Trajectory,
            selectors.trajectories_for_client(client=client),
            (
                "kind",
                "status",
                "start_date",
                "end_date",
                "closed_at",
                "retention",
                "retention_due_on",
            ),
        ),
        Section(
            "participations",
            _("Trainings you take part in"),
            Trajectory,
            selectors.trainings_for_participant(client=client),
            (
                "kind",
                "status",
                "start_date",
                "end_date",
                "closed_at",
                "retention",
                "retention_due_on",
            ),
            # Least privilege: a training held by an organisation is the
            # organisation's dossier (it ordered it). What is the participant's
            # is that they take part, with the dates and what happens at the end;
            # the learning question (the organisation's), its appointments and
            # its other participants are not. Evaluations asked of them are
            # theirs, under their key, in "evaluations" below.
            own=(),
        ),
        Section(
            "appointments",
            _("Appointments"),
            selectors.appointments_for_client(client=client).model,
            selectors.appointments_for_client(client=client),
            ("trajectory", "starts_at", "duration_minutes", "cancelled_at"),
        ),
        Section(
            "dossier",
            _("Dossier"),
            DossierEntry,
            selectors.entries_for_client(client=client),
            ("trajectory", "kind", "shared_with_client", "created_at"),
        ),
        Section(
            "evaluations",
            _("Evaluations"),
            selectors.evaluations_for_client(client=client).model,
            selectors.evaluations_for_client(client=client),
            ("trajectory", "moment", "questions", "requested_at", "submitted_at"),
        ),
        Section(
            "quotes",
            _("Quotes"),
            selectors.quotes_for_client(client=client).model,
            selectors.quotes_for_client(client=client).prefetch_related(None),
            ("trajectory", "status", "valid_until", "accepted_at"),
        ),
        Section(
            "quote_lines",
            _("Quote lines"),
            QuoteLine,
            QuoteLine.objects.filter(quote__trajectory__client=client, **own),
            ("quote", "quantity", "unit_price", "vat_rate"),
        ),
        Section(
            "invoices",
            _("Invoices"),
            Invoice,
            # Sealed with the practice key (kept under the legal duty), so not
            # found by holder: by the client's trajectories, issued ones only.
            Invoice.objects.filter(trajectory__client=client).exclude(number=""),
            ("trajectory", "number", "status", "issue_date", "due_date", "paid_at"),
        ),
        Section(
            "invoice_lines",
            _("Invoice lines"),
            InvoiceLine,
            InvoiceLine.objects.filter(invoice__trajectory__client=client).exclude(
                invoice__number=""
            ),
            ("invoice", "quantity", "unit_price", "vat_rate"),
        ),
        Section(
            "consents",
            _("Consents"),
            ConsentRecord,
            ConsentRecord.objects.filter(client=client, **own).order_by("-decided_at"),
            (
                "receipt_id",
                "purpose",
                "occasion",
                "decision",
                "policy_version",
                "decided_at",
                "method",
            ),
        ),
        Section(
            "occasions",
            _("Requests to publish"),
            Occasion,
            Occasion.objects.filter(client=client, **own).order_by("-created_at"),
            ("what", "created_at"),
        ),
        Section(
            "disclosures",
            _("Data shared with others"),
            Disclosure,
            Disclosure.objects.filter(client=client, **own).order_by("-disclosed_at"),
            ("kind", "basis", "categories", "disclosed_at"),
        ),
        Section(
            "requests",
            _("Your requests"),
            PortalRequest,
            PortalRequest.objects.filter(client=client, **own),
            ("kind", "status", "received_at", "due_on", "extended_at", "answered_at"),
        ),
        Section(
            "links",
            _("Links sent to you"),
            PortalToken,
            PortalToken.objects.filter(account__client=client, **own).order_by(
                "-created_at"
            ),
            ("purpose", "created_at", "expires_at", "used_at", "revoked_at"),
        ),
    ]


def retention_plan(trajectory: Trajectory) -> str:
    """Say in plain words what will happen to the trajectory's data, and when."""
    if trajectory.retention_done_at:
        return _("Done: the personal data of this trajectory has been %(what)s.") % {
            "what": _("deleted")
            if trajectory.retention == Trajectory.Retention.DELETE
            else _("pseudonymised"),
        }
    if trajectory.closed_at and trajectory.retention_due_on:
        when = date_format(trajectory.retention_due_on, "DATE_FORMAT")
        if trajectory.retention == Trajectory.Retention.DELETE:
            return _("On %(date)s the personal data of this trajectory is deleted.") % {
                "date": when
            }
        return _(
            "On %(date)s the personal data of this trajectory is deleted; what is "
            "kept for knowledge building is pseudonymised first (names and "
            "details that point to you are removed)."
        ) % {"date": when}
    return _(
        "When this trajectory closes, its personal data is deleted or pseudonymised "
        "%(days)d days later; until then it can be reopened. Invoices are kept for "
        "7 years, as the law requires."
    ) % {"days": settings.RETENTION_GRACE_DAYS}
