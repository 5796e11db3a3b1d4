"""Writing the access log. The only way rows enter it; nothing updates or deletes them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from refleact.audit.models import AuditEvent
from refleact.clientaddress import client_address


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
