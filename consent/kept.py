"""Keep what a client's consent covers when the client is erased; remove it later.

Called by the consent app's erasure handler (consent/erasure.py) inside the
sweep's transaction, before any row of the client goes and before the key is
destroyed (refleact/erasure/README.md). The inventory decides which fields are
kept: each field declared ``End.KEEP_WITH_CONSENT`` with its
``consent_purpose``; a field declared later is kept with no change here.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction

from clients.models import Client
from consent import selectors
from consent.models import (
    ConsentRecord,
    ContactRecord,
    KeptConsentRecord,
    KeptOccasion,
    Occasion,
    Purpose,
)
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.erasure.registry import Erasure
from refleact.inventory.declarations import End, declarations

logger = logging.getLogger(__name__)


def _kept_fields_by_purpose() -> dict[str, list[tuple[str, str]]]:
    """Return {consent purpose: [(model label, field)]} from the inventory."""
    fields: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for declaration in declarations():
        if declaration.end == End.KEEP_WITH_CONSENT and declaration.consent_purpose:
            fields[declaration.consent_purpose].append(
                (declaration.model, declaration.field)
            )
    return fields


def _copy_proof(records, **owner) -> int:
    """Re-seal ledger entries under the practice key as new rows of ``owner``."""
    copies = [
        KeptConsentRecord(
            holder_id=PRACTICE_HOLDER_ID,
            receipt_id=r.receipt_id,
            purpose_id=r.purpose_id,
            decision=r.decision,
            stage=r.stage,
            policy_version=r.policy_version,
            material_digest=r.material_digest,
            decided_at=r.decided_at,
            recorded_at=r.recorded_at,
            method=r.method,
            recorded_by_id=r.recorded_by_id,
            evidence_note=r.evidence_note if isinstance(r.evidence_note, str) else "",
            language=r.language,
            **owner,
        )
        for r in records.order_by("decided_at", "recorded_at")
    ]
    KeptConsentRecord.objects.bulk_create(copies)
    return len(copies)


def _contact_values(holder_id, fields: list[tuple[str, str]]) -> dict[str, str]:
    values = {}
    for label, name in fields:
        model = apps.get_model(label)
        for row in model.objects.filter(holder_id=holder_id):
            value = getattr(row, name)
            # Erased and unopenable values are nothing to keep.
            if isinstance(value, str) and value.strip():
                values[f"{label}.{name}"] = value
    return values


def contact_records_keep(*, erasure: Erasure, client: Client) -> None:
    """Copy the fields kept under a current consent into a contact record.

    Policy: "Refleact bewaart graag een naam en mailadres van haar cliënten".
    Withdrawn, refused, expired or never given: nothing is kept.
    """
    for key, fields in _kept_fields_by_purpose().items():
        try:
            purpose = selectors.purpose_get(key=key)
        except Purpose.DoesNotExist:
            # A declaration naming no purpose keeps nothing: erasing is the safe
            # side. Logged without any value.
            logger.warning("inventory names unknown consent purpose %s", key)
            continue
        if purpose.per_occasion or not selectors.consent_current(
            client=client, purpose=purpose
        ):
            continue
        values = _contact_values(erasure.holder_id, fields)
        if not values:
            continue
        contact = ContactRecord(purpose=purpose, values=values)
        contact.full_clean()
        contact.save()
        erasure.record_kept(ContactRecord._meta.label)
        erasure.record_kept(
            KeptConsentRecord._meta.label,
            _copy_proof(
                ConsentRecord.objects.filter(
                    client=client, purpose=purpose, occasion=None
                ),
                contact=contact,
            ),
        )


def occasions_keep(*, erasure: Erasure, client: Client) -> None:
    """Keep each PR request whose material the client still consents to.

    A current per-occasion consent means the material may be (and may have
    been) published: its proof stays until the material is withdrawn.
    """
    for occasion in Occasion.objects.filter(client=client).select_related("purpose"):
        if not selectors.consent_current(
            client=client, purpose=occasion.purpose, occasion=occasion
        ):
            continue
        kept = KeptOccasion(
            purpose=occasion.purpose,
            what=occasion.what,
            medium=occasion.medium,
            material=occasion.material,
            material_digest=occasion.material_digest,
            created_at=occasion.created_at,
        )
        kept.full_clean()
        kept.save()
        erasure.record_kept(KeptOccasion._meta.label)
        erasure.record_kept(
            KeptConsentRecord._meta.label,
            _copy_proof(
                ConsentRecord.objects.filter(client=client, occasion=occasion),
                occasion=kept,
            ),
        )


def _require_owner(actor) -> None:
    # Least privilege: what outlives a client is the owner's to manage.
    if not getattr(actor, "is_owner", False):
        raise PermissionDenied


@transaction.atomic
def contact_record_remove(*, actor, contact: ContactRecord, request=None) -> None:
    """Delete a contact record and its proof (the owner; e.g. a withdrawal)."""
    _require_owner(actor)
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.DELETE, obj=contact
    )
    contact.delete()


@transaction.atomic
def kept_occasion_remove(*, actor, occasion: KeptOccasion, request=None) -> None:
    """Delete kept PR material and its proof once the material is withdrawn."""
    _require_owner(actor)
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.DELETE, obj=occasion
    )
    occasion.delete()
