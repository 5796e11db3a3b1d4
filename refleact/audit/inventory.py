"""Personal data in the access log."""

from refleact.inventory.declarations import Basis, Category, End, declare

declare(
    "audit.AuditEvent",
    "ip_address",
    purpose="Trace who accessed a client's data from where (NEN 7513-style logging).",
    basis=Basis.LEGAL_OBLIGATION,
    category=Category.SECURITY,
    retention="5 years, as NEN 7513 advises for access logs.",
    end=End.KEEP_YEARS,
    keep_years=5,
)
