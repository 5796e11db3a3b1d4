"""Erasure of what the access log holds of a holder (refleact/erasure/README.md).

The rows stay for their declared retention (refleact/audit/inventory.py): they
show who accessed the client's data and when (GDPR art. 5(2)), and name the
holder by its id only. What goes is the caller's IP address, on the holder's
rows and on its own login's: an erased client's own visits no longer say where
from. The audit app sits below accounts in INSTALLED_APPS, so this runs before
the login is deleted and still finds it.
"""

from __future__ import annotations

from refleact.audit.services import audit_addresses_erase
from refleact.erasure.registry import Erasure, ErasureHandler, register_erasure


def audit_erase(*, erasure: Erasure) -> None:
    """Blank the IP address on the holder's access-log rows; keep the rows."""
    audit_addresses_erase(holder_id=erasure.holder_id)


register_erasure(
    ErasureHandler(
        name="audit",
        models=("audit.AuditEvent",),
        erase=audit_erase,
    )
)
