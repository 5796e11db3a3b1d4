"""Reads of consent: the current state, the ledger, disclosures, policy versions.

Access: a coach sees the consent records, PR requests and disclosures of the
clients they work with (``clients_for_user``), the owner sees all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst

from clients.models import Client
from clients.selectors import clients_for_user
from consent.models import (
    ConsentRecord,
    ContactRecord,
    Disclosure,
    KeptOccasion,
    Occasion,
    PolicyVersion,
    Purpose,
)
from consent.models.ledger import BUILT_IN_PURPOSES, CONTACT_AFTER

# The answers that decide the state; "requested" only says a question is open.
DECISIONS = (
    ConsentRecord.Decision.GIVEN,
    ConsentRecord.Decision.REFUSED,
    ConsentRecord.Decision.WITHDRAWN,
    ConsentRecord.Decision.EXPIRED,
)


@dataclass(frozen=True)
class ConsentState:
    """The latest decision (or none) and whether a newer question is still open."""

    decision: str | None
    record: ConsentRecord | None
    open_request: ConsentRecord | None

    @property
    def is_current(self) -> bool:
        return self.decision == ConsentRecord.Decision.GIVEN


def purpose_get(*, key: str | Purpose) -> Purpose:
    """Return the purpose with this key (or the purpose itself).

    A purpose the policy names is created on first use, so no caller depends on
    the data migration's rows; an unknown key raises ``Purpose.DoesNotExist``.
    """
    if isinstance(key, Purpose):
        return key
    built_in = BUILT_IN_PURPOSES.get(key)
    if built_in is None:
        return Purpose.objects.get(key=key)
    # get_or_create: two first uses at once both end with the one row (unique key).
    purpose, _created = Purpose.objects.get_or_create(
        key=key, defaults={**built_in, "built_in": True}
    )
    return purpose


def purposes_all() -> QuerySet[Purpose]:
    """Return every purpose, the policy's own included (created if missing)."""
    for key in BUILT_IN_PURPOSES:
        purpose_get(key=key)
    return Purpose.objects.all()


def purpose_field_labels(*, purpose: Purpose) -> list[str]:
    """Return "<model>: <field>" in the active language for each field it covers."""
    labels = []
    for name in purpose.fields:
        try:
            label, model_name, field = name.split(".")
            model = apps.get_model(label, model_name)
            verbose = model._meta.get_field(field).verbose_name
            labels.append(f"{capfirst(model._meta.verbose_name)}: {verbose}")
        except (ValueError, LookupError, FieldDoesNotExist):
            labels.append(str(name))  # not declared any more: the clean() says so
    return labels


def consent_state(
    *, client: Client, purpose: str | Purpose, occasion: Occasion | None = None, at=None
) -> ConsentState:
    """Return the state of one client's consent for one purpose (and occasion).

    The latest decision wins; ties on ``decided_at`` go to the later recording.
    ``at`` looks at the ledger as it stood then.
    """
    purpose = purpose_get(key=purpose)
    records = ConsentRecord.objects.filter(
        client=client, purpose=purpose, occasion=occasion
    )
    if at is not None:
        records = records.filter(decided_at__lte=at)
    latest = (
        records.filter(decision__in=DECISIONS)
        .order_by("-decided_at", "-recorded_at")
        .first()
    )
    newer_requests = records.filter(decision=ConsentRecord.Decision.REQUESTED)
    if latest is not None:
        newer_requests = newer_requests.filter(decided_at__gt=latest.decided_at)
    return ConsentState(
        decision=latest.decision if latest else None,
        record=latest,
        open_request=newer_requests.order_by("-decided_at").first(),
    )


def consent_current(
    *, client: Client, purpose: str | Purpose, occasion: Occasion | None = None, at=None
) -> bool:
    """Return whether the client's consent for this use holds now. Call at each use."""
    return consent_state(
        client=client, purpose=purpose, occasion=occasion, at=at
    ).is_current


def consent_records_for_user(*, user) -> QuerySet[ConsentRecord]:
    """Return the ledger entries of the clients this user may see."""
    return ConsentRecord.objects.filter(
        client__in=clients_for_user(user=user).values("pk")
    )


def consent_record_get_for_user(*, user, pk) -> ConsentRecord:
    """Return one ledger entry the user may see, or raise Http404."""
    try:
        return consent_records_for_user(user=user).get(pk=pk)
    except (ConsentRecord.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def consent_records_for_client(*, client: Client) -> QuerySet[ConsentRecord]:
    """Return one client's ledger, newest first. Caller must have checked access."""
    return (
        ConsentRecord.objects.filter(client=client)
        .select_related("purpose", "occasion")
        .order_by("-decided_at", "-recorded_at")
    )


def occasions_for_user(*, user) -> QuerySet[Occasion]:
    """Return the PR requests of the clients this user may see.

    Each carries ``latest_decision``: the decision ``consent_state`` would find,
    in the same query (the admin's list marks a request without consent).
    """
    latest = (
        ConsentRecord.objects.filter(
            client=OuterRef("client"),
            purpose=OuterRef("purpose"),
            occasion=OuterRef("pk"),
            decision__in=DECISIONS,
        )
        .order_by("-decided_at", "-recorded_at")
        .values("decision")[:1]
    )
    return Occasion.objects.filter(
        client__in=clients_for_user(user=user).values("pk")
    ).annotate(latest_decision=Subquery(latest))


def disclosures_for_user(*, user) -> QuerySet[Disclosure]:
    """Return the disclosures of the clients this user may see."""
    return Disclosure.objects.filter(
        client__in=clients_for_user(user=user).values("pk")
    )


def disclosures_for_client(*, client: Client) -> QuerySet[Disclosure]:
    """Return the disclosures about one client, newest first (the portal's list).

    Caller must have checked that the viewer is the client or may see them.
    """
    return Disclosure.objects.filter(client=client).order_by("-disclosed_at")


def contact_records_for_user(*, user) -> QuerySet[ContactRecord]:
    """Return the contact records kept after erasure: the owner's only."""
    if not getattr(user, "is_owner", False):
        return ContactRecord.objects.none()
    return ContactRecord.objects.select_related("purpose")


def kept_occasions_for_user(*, user) -> QuerySet[KeptOccasion]:
    """Return the PR material kept after erasure: the owner's only."""
    if not getattr(user, "is_owner", False):
        return KeptOccasion.objects.none()
    return KeptOccasion.objects.select_related("purpose")


def contact_record_lines(*, contact: ContactRecord) -> list[tuple[str, str]]:
    """Return (field label, value) for each kept value, in the active language.

    A damaged record (values that cannot be opened) yields its marker as one line.
    """
    values = contact.values
    if not isinstance(values, dict):
        return [("-", str(values))]
    lines = []
    for name, value in values.items():
        try:
            label, model_name, field = name.split(".")
            model = apps.get_model(label, model_name)
            verbose = str(capfirst(model._meta.get_field(field).verbose_name))
        except (ValueError, LookupError, FieldDoesNotExist):
            verbose = name
        lines.append((verbose, str(value)))
    return lines


# The first version: the policy as published on 20 August 2018, a cleaned copy in
# the repository (the data migration loads the same file).
FIRST_POLICY_FILE = (
    Path(__file__).resolve().parent / "policy" / ("privacybeleid-2018-08-20.nl.md")
)
FIRST_POLICY_DATE = date(2018, 8, 20)


def policy_first_ensure() -> None:
    """Make sure the first version exists, so no page depends on the migration's row.

    A database flushed after migrating (transactional tests, a restore of an
    empty table) would otherwise have no policy at all.
    """
    if not PolicyVersion.objects.filter(version=1).exists():
        PolicyVersion.objects.get_or_create(
            version=1,
            language="nl",
            defaults={
                "effective_on": FIRST_POLICY_DATE,
                "text": FIRST_POLICY_FILE.read_text(encoding="utf-8"),
            },
        )


def policy_current(*, language: str = "nl", today: date | None = None):
    """Return the policy version in force today in this language (else Dutch)."""
    policy_first_ensure()
    today = today or timezone.localdate()
    issued = PolicyVersion.objects.filter(effective_on__lte=today).order_by(
        "-effective_on", "-version"
    )
    latest = issued.first()
    if latest is None:
        return None
    in_language = issued.filter(version=latest.version, language=language).first()
    return (
        in_language
        or issued.filter(version=latest.version).order_by("language").first()
        or latest
    )


def policy_versions_earlier(*, current: PolicyVersion | None, language: str = "nl"):
    """Return the issued versions before the current one, newest first, one per number."""
    if current is None:
        return []
    rows = PolicyVersion.objects.filter(
        effective_on__lte=current.effective_on, version__lt=current.version
    ).order_by("-version", "language")
    chosen: dict[int, PolicyVersion] = {}
    for row in rows:
        if row.version not in chosen or row.language == language:
            chosen[row.version] = row
    return list(chosen.values())


def policy_version_number_at(*, when: datetime) -> int | None:
    """Return the number of the version in force at this moment, if any."""
    current = policy_current(today=timezone.localdate(when))
    return current.version if current else None


def contact_states(*, clients) -> dict:
    """Return {client pk: ConsentState} for "contact after the trajectory", in one query.

    Caller must have checked access to these clients.
    """
    clients = list(clients)
    by_client: dict = {c.pk: [] for c in clients}
    records = ConsentRecord.objects.filter(
        client__in=[c.pk for c in clients],
        purpose__key=CONTACT_AFTER,
        occasion=None,
    ).order_by("-decided_at", "-recorded_at")
    for record in records:
        by_client[record.client_id].append(record)
    states = {}
    for pk, rows in by_client.items():
        latest = next((r for r in rows if r.decision in DECISIONS), None)
        open_request = next(
            (
                r
                for r in rows
                if r.decision == ConsentRecord.Decision.REQUESTED
                and (latest is None or r.decided_at > latest.decided_at)
            ),
            None,
        )
        states[pk] = ConsentState(
            decision=latest.decision if latest else None,
            record=latest,
            open_request=open_request,
        )
    return states
