"""Personal data of accounts and login security records."""

from refleact.inventory.declarations import Basis, Category, End, declare

declare(
    "accounts.User",
    ["first_name", "last_name", "email"],
    purpose="Identify staff (and, with the portal, clients) who log in.",
    basis=Basis.AGREEMENT,
    category=Category.IDENTIFICATION,
    retention="While the account exists.",
    end=End.DELETE,
)
declare(
    "axes.AccessAttempt",
    ["ip_address", "user_agent", "username"],
    purpose=(
        "Protect logins against password guessing (the username is a keyed digest, "
        "never the typed name)."
    ),
    basis=Basis.LEGITIMATE_INTEREST,
    category=Category.SECURITY,
    retention="30 days (LOGIN_RECORD_RETENTION_DAYS), then deleted by a beat task.",
    end=End.DELETE,
)
declare(
    "axes.AccessLog",
    ["ip_address", "user_agent", "username"],
    purpose="Record successful logins for security review.",
    basis=Basis.LEGITIMATE_INTEREST,
    category=Category.SECURITY,
    retention="30 days (LOGIN_RECORD_RETENTION_DAYS), then deleted by a beat task.",
    end=End.DELETE,
)
declare(
    "axes.AccessFailureLog",
    ["ip_address", "user_agent", "username"],
    purpose="Record failed logins for security review.",
    basis=Basis.LEGITIMATE_INTEREST,
    category=Category.SECURITY,
    retention="30 days (LOGIN_RECORD_RETENTION_DAYS), then deleted by a beat task.",
    end=End.DELETE,
)
