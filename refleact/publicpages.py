"""The one list of pages anyone may open without logging in.

Every other URL the resolver knows needs a login (staff in the admin, a client
in the portal). The proof suites read this list: a URL name not listed here
that answers an anonymous visitor is a failure, and a listed page must show no
personal data. Add a public page here, and nowhere else.
"""

from __future__ import annotations

PUBLIC_PAGES: frozenset[str] = frozenset(
    {
        # The admin's login form (refleact/adminsite.py); its logout only ends
        # a session and shows nothing.
        "admin:login",
        "admin:logout",
        # consent/urls.py: the privacy policy and the transparency page.
        "consent:policy",
        "consent:policy_version",
        "consent:transparency",
        # portal/urls.py: logging in, and the pages e-mailed links open.
        "portal:login",
        "portal:logout",
        "portal:invitation",
        "portal:reset_request",
        "portal:reset_confirm",
        "portal:email_confirm",
        "portal:language",
        # refleact/health.py: the load balancer's probes ("ok", "ready").
        "healthz",
        "readyz",
    }
)


def is_public(url_name: str) -> bool:
    """True if the namespaced URL name is a page without login."""
    return url_name in PUBLIC_PAGES
