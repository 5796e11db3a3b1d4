"""Erasure of what the access log holds of a holder (refleact/erasure/README.md).

The rows stay for their declared retention (refleact/audit/inventory.py): they
show who accessed the client's data, when and from where (GDPR art. 5(2)),
and name the holder by its id only. What goes is the IP address of the
client's own visits: its login's rows and its rows without an actor. A staff
actor's address stays. The audit app sits below accounts in INSTALLED_APPS, so this runs before
the login is deleted and still finds it.
"""

from __future__ import annotations

from refleact.audit.services import audit_addresses_erase
from refleact.erasure.registry import Erasure, ErasureHandler, register_erasure


def audit_erase(*, erasure: Erasure) -> None:
    """Blank the IP address of the holder's own visits; keep the rows."""
    audit_addresses_erase(holder_id=erasure.holder_id)


register_erasure(
    ErasureHandler(
        name="audit",
        models=("audit.AuditEvent",),
        erase=audit_erase,
    )
)
