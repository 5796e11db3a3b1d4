"""Writes of consent: the ledger, PR requests, disclosures and policy versions.

Atomic, validated and audited. The ledger is append-only: every decision is a
new ``ConsentRecord`` (a withdrawal too, ``consents_withdraw_all`` for an
erasure on request); nothing here updates or deletes one, except
``consent_records_erase`` (the retention sweep's erasure of a client).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from consent import selectors
from consent.models import (
    ConsentRecord,
    Disclosure,
    Occasion,
    PolicyVersion,
    Purpose,
)
from consent.models.ledger import CONTACT_AFTER, PR_PUBLICATION, material_digest
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.inventory.declarations import Category

# The session setting the PostgreSQL trigger checks (migration 0003).
ERASURE_SETTING = "refleact.consent_erasure"

Decision = ConsentRecord.Decision
Method = ConsentRecord.Method


def _client_decision_language(client: Client, language: str | None) -> str:
    return language or client.language or "nl"


def _system_event(
    *,
    client: Client,
    purpose: Purpose,
    decision: str,
    occasion: Occasion | None,
    actor,
    now: datetime,
    trajectory_id=None,
    stage: str = "",
) -> ConsentRecord:
    """Write an event the system raises ("requested", "expired"), audited."""
    record = ConsentRecord(
        holder_id=client.holder_id,
        client=client,
        purpose=purpose,
        occasion=occasion,
        decision=decision,
        trajectory_ref=trajectory_id,
        stage=stage,
        policy_version=selectors.policy_version_number_at(when=now),
        material_digest=occasion.material_digest if occasion else "",
        decided_at=now,
        recorded_at=now,
        method=Method.SYSTEM,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        language=client.language,
    )
    record.full_clean()
    record.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=record)
    return record


@transaction.atomic
def consent_request(
    *,
    client: Client,
    purpose: str | Purpose,
    occasion: Occasion | None = None,
    trajectory_id=None,
    stage: str = "",
    actor=None,
    now: datetime | None = None,
) -> ConsentRecord:
    """Write a "requested" event: the question is put to the client."""
    return _system_event(
        client=client,
        purpose=selectors.purpose_get(key=purpose),
        decision=Decision.REQUESTED,
        occasion=occasion,
        actor=actor,
        now=now or timezone.now(),
        trajectory_id=trajectory_id,
        stage=stage,
    )


@transaction.atomic
def consent_expire(
    *,
    client: Client,
    purpose: str | Purpose,
    occasion: Occasion | None = None,
    actor=None,
    now: datetime | None = None,
) -> ConsentRecord:
    """Write an "expired" event: a given consent no longer holds (its use is over).

    A system event, like "requested"; it ends a consent as a withdrawal does.
    """
    purpose = selectors.purpose_get(key=purpose)
    Client.objects.select_for_update().filter(pk=client.pk).exists()
    state = selectors.consent_state(client=client, purpose=purpose, occasion=occasion)
    if not state.is_current:
        raise ValidationError(_("There is no consent given that could expire."))
    return _system_event(
        client=client,
        purpose=purpose,
        decision=Decision.EXPIRED,
        occasion=occasion,
        actor=actor,
        now=now or timezone.now(),
    )


@transaction.atomic
def consent_decide(
    *,
    client: Client,
    purpose: str | Purpose,
    decision: str,
    method: str,
    occasion: Occasion | None = None,
    actor=None,
    evidence_note: str = "",
    language: str | None = None,
    decided_at: datetime | None = None,
    shown_digest: str | None = None,
    request=None,
) -> ConsentRecord:
    """Record the client's answer: given, refused or withdrawn. Takes effect at once.

    The portal passes ``method=portal`` and, for a per-occasion purpose, the
    digest of the material it showed (``shown_digest``): a decision on other
    material than the occasion holds is refused. A decision the coach records
    needs a note of the evidence (policy: "een schriftelijke bevestiging").
    """
    now = timezone.now()
    decided_at = decided_at or now
    purpose = selectors.purpose_get(key=purpose)
    if decision not in (Decision.GIVEN, Decision.REFUSED, Decision.WITHDRAWN):
        raise ValidationError(_("Choose given, refused or withdrawn."))
    if method not in Method.values or method == Method.SYSTEM:
        raise ValidationError(_("Say how the client gave this answer."))
    if purpose.per_occasion and occasion is None:
        raise ValidationError(_("This purpose is asked per occasion: choose one."))
    if not purpose.per_occasion and occasion is not None:
        raise ValidationError(_("This purpose is not asked per occasion."))
    if occasion is not None and (
        occasion.client_id != client.pk or occasion.purpose_id != purpose.pk
    ):
        raise ValidationError(_("This occasion belongs to another request."))
    if (
        occasion is not None
        and shown_digest is not None
        and shown_digest != occasion.material_digest
    ):
        raise ValidationError(
            _("The material shown is not the material of this request.")
        )
    if method == Method.COACH and not (evidence_note or "").strip():
        raise ValidationError(
            {"evidence_note": _("Note how the client gave this answer.")}
        )
    if decided_at > now:
        raise ValidationError({"decided_at": _("A decision cannot lie in the future.")})
    # Serialise decisions on the same consent, so "withdraw" always sees the
    # latest answer (two clicks at once cannot both withdraw, or lose one).
    Client.objects.select_for_update().filter(pk=client.pk).exists()
    state = selectors.consent_state(client=client, purpose=purpose, occasion=occasion)
    if decision == Decision.WITHDRAWN and not state.is_current:
        raise ValidationError(_("There is no consent given to withdraw."))
    record = ConsentRecord(
        holder_id=client.holder_id,
        client=client,
        purpose=purpose,
        occasion=occasion,
        decision=decision,
        policy_version=selectors.policy_version_number_at(when=decided_at),
        material_digest=occasion.material_digest if occasion else "",
        decided_at=decided_at,
        recorded_at=now,
        method=method,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        evidence_note=evidence_note,
        language=_client_decision_language(client, language),
    )
    record.full_clean()
    record.save()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CREATE, obj=record
    )
    return record


def consents_withdraw_all(
    *, client: Client, method: str, actor=None, request=None
) -> int:
    """Withdraw every consent the client currently gives; return how many.

    For a request to erase everything (GDPR art. 17): the withdrawal is recorded
    in the ledger like any other (``consent_decide``), so nothing that outlives
    the client can rest on a consent still standing. Per purpose and occasion.
    """
    pairs = set(
        ConsentRecord.objects.filter(client=client).values_list(
            "purpose_id", "occasion_id"
        )
    )
    count = 0
    for purpose_id, occasion_id in sorted(pairs, key=str):
        purpose = Purpose.objects.get(pk=purpose_id)
        occasion = Occasion.objects.get(pk=occasion_id) if occasion_id else None
        if not selectors.consent_current(
            client=client, purpose=purpose, occasion=occasion
        ):
            continue
        consent_decide(
            client=client,
            purpose=purpose,
            occasion=occasion,
            decision=Decision.WITHDRAWN,
            method=method,
            actor=actor,
            request=request,
        )
        count += 1
    return count


def contact_question_on_status_change(*, trajectory, status: str, actor, now) -> None:
    """Ask "contact after the trajectory" when a trajectory becomes active or closes.

    Registered with ``dossiers.extensions``; runs inside the trajectory's
    transaction. Once per trajectory and stage, whatever the status does after.
    Policy: "Zij vraagt aan het begin en eind van de begeleiding hiervoor
    toestemming."
    """
    stages = {
        "active": ConsentRecord.Stage.ACTIVATION,
        "closed": ConsentRecord.Stage.CLOSING,
    }
    stage = stages.get(status)
    if stage is None:
        return
    clients = [trajectory.client] if trajectory.client_id else []
    clients += list(trajectory.participants.all()) if trajectory.pk else []
    purpose = selectors.purpose_get(key=CONTACT_AFTER)
    for client in {c.pk: c for c in clients}.values():
        asked = ConsentRecord.objects.filter(
            client=client,
            purpose=purpose,
            trajectory_ref=trajectory.pk,
            stage=stage,
            decision=Decision.REQUESTED,
        ).exists()
        if not asked:
            consent_request(
                client=client,
                purpose=purpose,
                trajectory_id=trajectory.pk,
                stage=stage,
                actor=actor,
                now=now,
            )


@transaction.atomic
def occasion_create(
    *,
    actor,
    client: Client,
    what: str,
    medium: str,
    material: str,
    purpose: str | Purpose | None = None,
    request=None,
) -> Occasion:
    """Create a PR request for one occasion and put the question to the client."""
    purpose = selectors.purpose_get(key=purpose or PR_PUBLICATION)
    if not purpose.per_occasion:
        raise ValidationError(_("This purpose is not asked per occasion."))
    occasion = Occasion(
        holder_id=client.holder_id,
        client=client,
        purpose=purpose,
        what=what,
        medium=medium,
        material=material,
        material_digest=material_digest(material or ""),
        created_by=actor,
    )
    occasion.full_clean()
    occasion.save()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CREATE, obj=occasion
    )
    consent_request(client=client, purpose=purpose, occasion=occasion, actor=actor)
    return occasion


def occasion_export(*, actor, occasion: Occasion, request=None) -> str:
    """Return the material for publication; refused without current consent.

    Checked at the moment of use: a withdrawal takes effect at once.
    """
    if not selectors.consent_current(
        client=occasion.client, purpose=occasion.purpose, occasion=occasion
    ):
        raise ValidationError(
            _("No current consent for this occasion: the material may not be used.")
        )
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.EXPORT, obj=occasion
    )
    return occasion.material


@transaction.atomic
def disclosure_record(
    *,
    actor,
    client: Client,
    kind: str,
    recipient: str,
    basis: str,
    categories: list[str],
    disclosed_at: datetime | None = None,
    consent_record: ConsentRecord | None = None,
    note: str = "",
    request=None,
) -> Disclosure:
    """Record that personal data of this client left the practice."""
    if basis == Disclosure.Basis.CONSENT:
        if (
            consent_record is None
            or consent_record.client_id != client.pk
            or consent_record.decision != Decision.GIVEN
        ):
            raise ValidationError(
                {"consent_record": _("Choose the receipt of the client's consent.")}
            )
    elif consent_record is not None:
        raise ValidationError(
            {"consent_record": _("A receipt belongs only to a disclosure by consent.")}
        )
    if kind == Disclosure.Kind.INTERVISION and basis != Disclosure.Basis.ANONYMOUS:
        # Policy: "De casus zal in dit geval altijd anoniem worden behandeld".
        raise ValidationError(
            {"basis": _("An intervision case is always discussed anonymously.")}
        )
    unknown = [c for c in categories if c not in Category.values]
    if unknown or (not categories and basis != Disclosure.Basis.ANONYMOUS):
        raise ValidationError({"categories": _("Choose the categories of data.")})
    disclosure = Disclosure(
        holder_id=client.holder_id,
        client=client,
        kind=kind,
        recipient=recipient,
        basis=basis,
        consent_record=consent_record,
        categories=list(categories),
        note=note,
        disclosed_at=disclosed_at or timezone.now(),
        recorded_by=actor,
    )
    disclosure.full_clean()
    disclosure.save()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CREATE, obj=disclosure
    )
    return disclosure


@transaction.atomic
def policy_version_save(
    *, actor, version: PolicyVersion, request=None
) -> PolicyVersion:
    """Add a policy version, or change one whose date has not come yet.

    An issued version never changes: a correction is a new version.
    """
    adding = version._state.adding
    if not adding:
        stored = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        if stored.is_issued():
            raise ValidationError(
                _("An issued version never changes: add a new version instead.")
            )
    if adding and version.effective_on < timezone.localdate():
        raise ValidationError(
            {"effective_on": _("A new version takes effect today or later.")}
        )
    if adding:
        version.created_by = actor
    version.full_clean()
    version.save()
    audit_record(
        request=request,
        actor=actor,
        action=AuditEvent.Action.CREATE if adding else AuditEvent.Action.CHANGE,
        obj=version,
    )
    return version


@transaction.atomic
def consent_records_erase(*, holder_id) -> int:
    """Delete every consent record, PR request and disclosure of one key holder.

    The one way past the ledger's refusal (the retention issue's erasure of a
    client): on PostgreSQL it sets, for this transaction only, the setting the
    trigger lets through. Caller decides that the holder is erased; what must
    outlive the client it copies first.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [ERASURE_SETTING])
    removed = Disclosure.objects.filter(holder_id=holder_id)._erase()
    removed += ConsentRecord.objects.filter(holder_id=holder_id)._erase()
    removed += Occasion.objects.filter(holder_id=holder_id)._erase()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'off', true)", [ERASURE_SETTING])
    return removed


def policy_notice_seen(*, user, version: int) -> bool:
    """Mark that this login has seen this policy version; True if it was unseen."""
    from consent.models import PolicyNotice

    # A conditional UPDATE: a second call (two tabs) changes nothing.
    return bool(
        PolicyNotice.objects.filter(user=user, version=version, seen_at=None).update(
            seen_at=timezone.now()
        )
    )


def _client_logins():
    """Yield (login, client) for every active login that belongs to a client.

    A client's login is sealed with the client's key: its holder_id is theirs.
    """
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(
        is_active=True, holder_id__in=Client.objects.values("holder_id")
    )
    clients = {
        c.holder_id: c
        for c in Client.objects.filter(holder_id__in=users.values("holder_id"))
    }
    for user in users:
        yield user, clients[user.holder_id]


def policy_change_notify(*, today=None) -> int:
    """Mark the current version unseen for every client login, and e-mail each once.

    Safe to run twice: a notice row exists once per login and version, and its
    e-mail is claimed by a conditional UPDATE before it is sent.
    """
    from consent.models import PolicyNotice
    from consent.notices import policy_changed_email

    current = selectors.policy_current(today=today)
    if current is None or current.version == 1:
        return 0  # the first version changes nothing for anyone
    for user, _client in _client_logins():
        PolicyNotice.objects.get_or_create(user=user, version=current.version)
    sent = 0
    pending = PolicyNotice.objects.filter(
        version=current.version, emailed_at=None
    ).select_related("user")
    clients = {u.pk: c for u, c in _client_logins()}
    for notice in pending:
        claimed = PolicyNotice.objects.filter(pk=notice.pk, emailed_at=None).update(
            emailed_at=timezone.now()
        )
        if claimed and notice.user_id in clients:
            policy_changed_email(client=clients[notice.user_id]).send()
            sent += 1
    return sent
