"""Writes of the breach register: record, assess, decide, select, release.

Atomic, validated and audited. The register keeps every breach (GDPR art.
33(5)); assessments are versioned and never changed; a confirmed selection is
frozen. Sending lives in breaches/sending.py, the 24-hour alert in
breaches/escalation.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from breaches import check, enisa, selectors
from breaches.models import (
    ApReport,
    Breach,
    Notice,
    RiskAssessment,
    Selection,
    SelectionMember,
)
from breaches.models.register import Decision
from clients.models import Client
from clients.selectors import clients_for_user
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record, audit_record_many
from refleact.keystore.services import encryption_status


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_owner(actor) -> None:
    if not getattr(actor, "is_owner", False):
        raise PermissionDenied(_("Only the practice owner may do this."))


def _require_selector(actor) -> None:
    """The owner, or a coach for their own clients (issue 13: "the coach narrows")."""
    if not (getattr(actor, "is_owner", False) or getattr(actor, "is_coach", False)):
        raise PermissionDenied(_("Only the practice owner or a coach may do this."))


def _all_members_seen(selection: Selection, *, actor) -> bool:
    """True when every member of the selection is a client the actor may see."""
    if getattr(actor, "is_owner", False):
        return True
    seen = selectors.selection_members_for_user(user=actor).filter(selection=selection)
    return seen.count() == selection.members.count()


def encryption_fact() -> str:
    """Describe the encryption in force now: counts and key ids, never a value."""
    status = encryption_status(verify=False)
    keys = ", ".join(
        f"{master}: {count}" for master, count in status.keys_per_master.items()
    )
    unknown = sum(status.unknown_masters.values())
    return (
        "Field-level encryption (AES-256-GCM), one data key per client and "
        "organisation, wrapped by master keys kept outside the database; data keys "
        f"in a separate key store. Data keys per master key id: {keys or '-'}; "
        f"data keys under unconfigured master keys: {unknown}; destroyed keys "
        f"(erased holders): {status.tombstones}."
    )


def _validate_breach(breach: Breach) -> None:
    breach.full_clean()
    errors = {}
    now = timezone.now()
    if breach.discovered_at and breach.discovered_at > now:
        errors["discovered_at"] = _("The moment of discovery cannot lie in the future.")
    if (
        breach.occurred_at
        and breach.discovered_at
        and (breach.occurred_at > breach.discovered_at)
    ):
        errors["occurred_at"] = _("A breach cannot occur after its discovery.")
    for low, high in (("people_min", "people_max"), ("records_min", "records_max")):
        a, b = getattr(breach, low), getattr(breach, high)
        if a is not None and b is not None and a > b:
            errors[high] = _("The maximum lies below the minimum.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def breach_record(*, actor, request=None, **fields) -> Breach:
    """Record a newly discovered breach; both clocks start at ``discovered_at``."""
    if not getattr(actor, "works_in_practice", False):
        raise PermissionDenied
    breach = Breach(**fields)
    breach.recorded_by = _user(actor)
    breach.recorded_at = timezone.now()
    breach.encryption_fact = encryption_fact()
    _validate_breach(breach)
    breach.save()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CREATE, obj=breach
    )
    return breach


@transaction.atomic
def breach_update(*, breach: Breach, actor, request=None) -> Breach:
    """Save the changed register fields of a breach (the admin's change form)."""
    if not getattr(actor, "works_in_practice", False):
        raise PermissionDenied
    _validate_breach(breach)
    breach.save()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=breach
    )
    return breach


@transaction.atomic
def risk_assess(
    *,
    breach: Breach,
    actor,
    dpc: Decimal,
    ei: Decimal,
    cb_confidentiality: Decimal = Decimal(0),
    cb_integrity: Decimal = Decimal(0),
    cb_availability: Decimal = Decimal(0),
    cb_malicious: Decimal = Decimal(0),
    reasoning: str,
    request=None,
) -> RiskAssessment:
    """Add a new ENISA assessment; it supersedes the previous one, which stays."""
    if not getattr(actor, "works_in_practice", False):
        raise PermissionDenied
    if not (reasoning or "").strip():
        raise ValidationError({"reasoning": _("Give the reasoning of the assessment.")})
    result = enisa.severity(
        dpc=dpc,
        ei=ei,
        confidentiality=cb_confidentiality,
        integrity=cb_integrity,
        availability=cb_availability,
        malicious=cb_malicious,
    )
    # Serialise versions per breach: two assessors at once get 1 and 2, not 1 twice.
    Breach.objects.select_for_update().filter(pk=breach.pk).exists()
    latest = breach.assessments.aggregate(n=Max("version"))["n"] or 0
    assessment = RiskAssessment(
        breach=breach,
        version=latest + 1,
        dpc=dpc,
        ei=ei,
        cb_confidentiality=cb_confidentiality,
        cb_integrity=cb_integrity,
        cb_availability=cb_availability,
        cb_malicious=cb_malicious,
        score=result.score,
        band=result.band,
        proposes_ap=result.proposes_ap,
        proposes_clients=result.proposes_clients,
        reasoning=reasoning,
        assessed_by=_user(actor),
        assessed_at=timezone.now(),
    )
    assessment.full_clean()
    assessment.save()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CREATE, obj=assessment
    )
    return assessment


@transaction.atomic
def breach_decide(
    *,
    breach: Breach,
    actor,
    ap_decision: str,
    clients_decision: str,
    reasoning: str,
    not_told_reason: str = "",
    request=None,
) -> Breach:
    """Record the owner's decision on telling the AP and the clients, with reasons."""
    _require_owner(actor)
    valid = {Decision.NOTIFY, Decision.DO_NOT_NOTIFY}
    if ap_decision not in valid or clients_decision not in valid:
        raise ValidationError(_("Decide both: the AP, and the clients."))
    if not (reasoning or "").strip():
        raise ValidationError({"reasoning": _("Give the reasoning of the decision.")})
    if not breach.assessments.exists():
        raise ValidationError(_("Assess the risk before deciding."))
    if clients_decision == Decision.DO_NOT_NOTIFY and not not_told_reason:
        raise ValidationError(_("Say why the clients are not told."))
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.notices_released_at and clients_decision == Decision.DO_NOT_NOTIFY:
        raise ValidationError(_("The notices were already released."))
    breach.ap_decision = ap_decision
    breach.clients_decision = clients_decision
    breach.not_told_reason = (
        not_told_reason if clients_decision == Decision.DO_NOT_NOTIFY else ""
    )
    breach.decision_reasoning = reasoning
    breach.decided_by = _user(actor)
    breach.decided_at = timezone.now()
    breach.full_clean()
    breach.save()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=breach
    )
    return breach


def _draft(breach: Breach) -> Selection | None:
    return breach.selections.filter(confirmed_at=None).first()


@transaction.atomic
def selection_propose(
    *,
    breach: Breach,
    actor,
    kinds: Iterable[str] = (),
    coach_ids: Iterable = (),
    categories: Iterable[str] = (),
    request=None,
) -> Selection:
    """Propose who is affected: every client held at discovery, narrowed by criteria.

    Replaces the members of the draft selection, if there is one. Clients in an
    earlier confirmed selection are left out: a widening adds only new ones. A
    coach proposes among their own clients only, and only while the draft holds
    none of anyone else's: a coach never drops another coach's clients.
    """
    _require_selector(actor)
    Breach.objects.select_for_update().filter(pk=breach.pk).exists()
    kinds, coach_ids = [str(k) for k in kinds], [str(c) for c in coach_ids]
    categories = [str(c) for c in categories]
    draft = _draft(breach)
    if draft is not None and not _all_members_seen(draft, actor=actor):
        raise PermissionDenied(
            _("The draft holds clients of other coaches; the owner changes it.")
        )
    candidates = selectors.affected_candidates(
        at=breach.discovered_at,
        kinds=kinds,
        coach_ids=coach_ids,
        categories=categories,
    )
    if not getattr(actor, "is_owner", False):
        own = set(clients_for_user(user=actor).values_list("pk", flat=True))
        candidates = [c for c in candidates if c.client_id in own]
    confirmed = set(
        SelectionMember.objects.filter(
            selection__breach=breach, selection__confirmed_at__isnull=False
        ).values_list("holder_id", flat=True)
    )
    selection = _draft(breach)
    if selection is None:
        number = (breach.selections.aggregate(n=Max("number"))["n"] or 0) + 1
        selection = Selection(breach=breach, number=number)
    selection.criteria = {
        "held_at": breach.discovered_at.isoformat(),
        "kinds": kinds,
        "coach_ids": coach_ids,
        "categories": categories,
    }
    selection.proposed_by = _user(actor)
    selection.proposed_at = timezone.now()
    selection.full_clean()
    selection.save()
    selection.members.all().delete()
    SelectionMember.objects.bulk_create(
        [
            SelectionMember(
                selection=selection,
                client_id=c.client_id,
                holder_id=c.holder_id,
                in_care=c.in_care,
            )
            for c in candidates
            if c.holder_id not in confirmed
        ],
        batch_size=500,
    )
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CREATE, obj=selection
    )
    return selection


@transaction.atomic
def selection_members_remove(
    *, selection: Selection, actor, member_ids: Iterable, request=None
) -> int:
    """Narrow a draft selection by hand (a coach: among their own clients)."""
    _require_selector(actor)
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    if selection.is_confirmed:
        raise ValidationError(_("A confirmed selection cannot change."))
    seen = selectors.selection_members_for_user(user=actor)
    rows = list(seen.filter(selection=selection, pk__in=list(member_ids)))
    audit_record_many(
        request=request, actor=actor, action=AuditEvent.Action.DELETE, objs=rows
    )
    selection.members.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


@transaction.atomic
def selection_member_add(
    *, selection: Selection, actor, client: Client, request=None
) -> SelectionMember:
    """Widen a draft selection by hand with one client (a coach: their own)."""
    _require_selector(actor)
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    if selection.is_confirmed:
        raise ValidationError(_("A confirmed selection cannot change."))
    if not clients_for_user(user=actor).filter(pk=client.pk).exists():
        raise PermissionDenied(_("Only the practice owner may do this."))
    if SelectionMember.objects.filter(
        selection__breach_id=selection.breach_id, holder_id=client.holder_id
    ).exists():
        raise ValidationError(_("This client is already selected."))
    member = SelectionMember(
        selection=selection, client=client, holder_id=client.holder_id, in_care=False
    )
    member.full_clean()
    member.save()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CREATE, obj=member
    )
    return member


def _new_message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "refleact"
    return f"<breach-notice-{uuid.uuid4().hex}@{domain}>"


def _notices_for(selection: Selection) -> int:
    """Make one notice row per member that has none for this breach yet."""
    members = selection.members.exclude(client=None).select_related("client")
    languages = dict(
        Client.objects.filter(pk__in=selection.members.values("client_id")).values_list(
            "pk", "language"
        )
    )
    rows = [
        Notice(
            breach_id=selection.breach_id,
            selection=selection,
            client_id=m.client_id,
            holder_id=m.holder_id,
            language=languages.get(m.client_id) or "nl",
            message_id=_new_message_id(),
        )
        for m in members.only("client_id", "holder_id")
    ]
    before = Notice.objects.filter(breach_id=selection.breach_id).count()
    # The unique (breach, holder) constraint makes a rerun add nothing.
    Notice.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return Notice.objects.filter(breach_id=selection.breach_id).count() - before


@transaction.atomic
def breach_confirm_affected(*, selection: Selection, actor, request=None) -> Selection:
    """Confirm and freeze a selection; its clients get a notice row each.

    If the notices were already released, the new ones are checked and sent too.
    A coach confirms only a selection of their own clients; the owner still
    decides the risk and releases the notices.
    """
    _require_selector(actor)
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    if selection.is_confirmed:
        raise ValidationError(_("This selection was already confirmed."))
    if not _all_members_seen(selection, actor=actor):
        raise PermissionDenied(
            _("The selection holds clients of other coaches; the owner confirms it.")
        )
    selection.confirmed_by = _user(actor)
    selection.confirmed_at = timezone.now()
    selection.save(update_fields=["confirmed_by", "confirmed_at"])
    _notices_for(selection)
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=selection
    )
    breach = selection.breach
    if breach.notices_released_at is not None:
        problems = check.notice_text_problems(breach=breach)
        if problems:
            raise ValidationError(problems)
        _send_on_commit(breach)
    return selection


def _send_on_commit(breach: Breach) -> None:
    from breaches.tasks import breach_notices_send_task

    breach_id = str(breach.pk)
    transaction.on_commit(lambda: breach_notices_send_task.delay(breach_id))


@transaction.atomic
def breach_notices_release(*, breach: Breach, actor, request=None) -> Breach:
    """Check the notice text against every client's data, then start sending.

    A text that holds personal data blocks sending with what was found (by kind
    and sentence); nothing is sent.
    """
    _require_owner(actor)
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.clients_decision != Decision.NOTIFY:
        raise ValidationError(_("Decide to notify the clients first."))
    if not breach.selections.filter(confirmed_at__isnull=False).exists():
        raise ValidationError(_("Confirm who is affected first."))
    problems = check.notice_text_problems(breach=breach)
    if problems:
        raise ValidationError(problems)
    if breach.notices_released_at is None:
        breach.notices_released_at = timezone.now()
        breach.notices_released_by = _user(actor)
        breach.save(update_fields=["notices_released_at", "notices_released_by"])
        audit_record(
            request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=breach
        )
    _send_on_commit(breach)
    return breach


@transaction.atomic
def notice_phone_reached(
    *, notice: Notice, actor, at: datetime | None = None, request=None
) -> Notice:
    """Record that the client was told by phone. Caller has checked access."""
    if not getattr(actor, "works_in_practice", False):
        raise PermissionDenied
    at = at or timezone.now()
    if at > timezone.now():
        raise ValidationError(_("A phone call cannot lie in the future."))
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    notice.reached_by_phone_at = at
    notice.reached_by_phone_by = _user(actor)
    notice.save(update_fields=["reached_by_phone_at", "reached_by_phone_by"])
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=notice
    )
    return notice


@transaction.atomic
def ap_report_record(
    *,
    breach: Breach,
    actor,
    kind: str,
    reported_at: datetime,
    ap_reference: str = "",
    note: str = "",
    request=None,
) -> ApReport:
    """Record a report to the AP: the initial one, then follow-ups with its number."""
    _require_owner(actor)
    if kind != ApReport.Kind.INITIAL and not ap_reference.strip():
        raise ValidationError(
            {"ap_reference": _("A follow-up report names the AP's reference number.")}
        )
    report = ApReport(
        breach=breach,
        kind=kind,
        reported_at=reported_at,
        ap_reference=ap_reference.strip(),
        note=note,
        recorded_by=_user(actor),
    )
    report.full_clean()
    if reported_at > timezone.now():
        raise ValidationError({"reported_at": _("A report cannot lie in the future.")})
    report.save()
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CREATE, obj=report
    )
    return report


@transaction.atomic
def breach_close(*, breach: Breach, actor, request=None) -> Breach:
    """Close a breach: it leaves the dashboard and the escalation sweep; it is kept."""
    _require_owner(actor)
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.closed_at is None:
        breach.closed_at = timezone.now()
        breach.save(update_fields=["closed_at"])
        audit_record(
            request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=breach
        )
    return breach
