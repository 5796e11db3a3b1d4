"""Writing the access log, and its two ends: the retention purge and erasure.

The only way rows enter it. Nothing else updates or deletes them: a row goes
when its retention has passed (``audit_events_purge``), and loses its address
when its client is erased (``audit_addresses_erase``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from refleact.audit.models import AuditEvent
from refleact.clientaddress import client_address
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.inventory.declarations import declaration_for

# Rows deleted per statement: a purge after years of logs holds one batch of
# ids in memory and one short transaction at a time.
PURGE_BATCH = 5000


def client_ip(request) -> str | None:
    """Return the client's address, the one django-axes locks out (clientaddress)."""
    return client_address(request)


def _event(*, actor, action: str, obj: models.Model, ip: str | None) -> AuditEvent:
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        holder_id=getattr(obj, "holder_id", None),
        ip_address=ip,
    )


def audit_record(
    *, request=None, actor=None, action: str, obj: models.Model
) -> AuditEvent:
    """Record one access to one object."""
    actor = actor if actor is not None else getattr(request, "user", None)
    event = _event(actor=actor, action=action, obj=obj, ip=client_ip(request))
    event.save()
    return event


def audit_record_many(
    *, request=None, actor=None, action: str, objs: Iterable[models.Model]
) -> int:
    """Record an access to many objects (a list page) in one insert."""
    actor = actor if actor is not None else getattr(request, "user", None)
    ip = client_ip(request)
    events = [_event(actor=actor, action=action, obj=o, ip=ip) for o in objs]
    if events:
        AuditEvent.objects.bulk_create(events)
    return len(events)


def audit_retention_years() -> int:
    """Return the access log's retention in years, as its inventory declares."""
    return declaration_for(AuditEvent, "ip_address").keep_years


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February in a year without one
        return moment.replace(year=moment.year - years, day=28)


def audit_events_purge(*, now: datetime | None = None) -> int:
    """Delete access-log rows older than the declared retention; return how many.

    Idempotent: a second run finds nothing left to delete. In batches, each
    its own statement, so memory stays flat however many rows are due.
    """
    cutoff = _years_before(now or timezone.now(), audit_retention_years())
    expired = AuditEvent.objects.filter(at__lt=cutoff)
    deleted = 0
    while batch := list(expired.values_list("pk", flat=True)[:PURGE_BATCH]):
        deleted += AuditEvent.objects.filter(pk__in=batch).delete()[0]
    return deleted


def audit_addresses_erase(*, holder_id) -> int:
    """Blank the IP address of the erased holder's own visits; return how many.

    The rows of the holder's own login (its portal visits, also to a training
    an organisation holds) and the holder's rows without an actor (a link
    token's visit, or a row whose login is already gone) lose the address.
    A staff actor's address stays: it is the staff member's, not the erased
    holder's, and the access log keeps it for its declared retention to trace
    who accessed the holder's data from where (refleact/audit/inventory.py).
    Holder, action, object, time and the staff actor stay (GDPR art. 5(2)).
    Caller must run it before the holder's login is deleted (the accounts
    handler runs after).
    """
    if str(holder_id) == str(PRACTICE_HOLDER_ID):
        return 0  # the staff's own logins: never erased with a holder
    logins = get_user_model().objects.filter(holder_id=holder_id).values("pk")
    with_address = AuditEvent.objects.filter(ip_address__isnull=False)
    blanked = with_address.filter(actor__in=logins).update(ip_address=None)
    blanked += with_address.filter(holder_id=holder_id, actor__isnull=True).update(
        ip_address=None
    )
    return blanked
