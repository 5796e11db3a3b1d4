"""Personal data of accounts and login security records."""

from django.utils.translation import gettext_lazy as _

from refleact.inventory.declarations import Basis, Category, End, Subjects, declare

declare(
    "accounts.User",
    ["first_name", "last_name", "email"],
    purpose=_("Identify staff (and, with the portal, clients) who log in."),
    basis=Basis.AGREEMENT,
    category=Category.IDENTIFICATION,
    retention=_("While the account exists."),
    end=End.DELETE,
    subjects=(Subjects.STAFF, Subjects.CLIENTS),
)
declare(
    "axes.AccessAttempt",
    ["ip_address", "user_agent", "username"],
    purpose=_(
        "Protect logins against password guessing (the username is a keyed digest, "
        "never the typed name)."
    ),
    basis=Basis.LEGITIMATE_INTEREST,
    category=Category.SECURITY,
    retention=_("30 days (LOGIN_RECORD_RETENTION_DAYS), then deleted by a beat task."),
    end=End.DELETE,
    subjects=Subjects.VISITORS,
)
declare(
    "axes.AccessLog",
    ["ip_address", "user_agent", "username"],
    purpose=_("Record successful logins for security review."),
    basis=Basis.LEGITIMATE_INTEREST,
    category=Category.SECURITY,
    retention=_("30 days (LOGIN_RECORD_RETENTION_DAYS), then deleted by a beat task."),
    end=End.DELETE,
    subjects=Subjects.VISITORS,
)
declare(
    "axes.AccessFailureLog",
    ["ip_address", "user_agent", "username"],
    purpose=_("Record failed logins for security review."),
    basis=Basis.LEGITIMATE_INTEREST,
    category=Category.SECURITY,
    retention=_("30 days (LOGIN_RECORD_RETENTION_DAYS), then deleted by a beat task."),
    end=End.DELETE,
    subjects=Subjects.VISITORS,
)
