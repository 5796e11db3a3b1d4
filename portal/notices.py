"""E-mails to clients: each says only that there is something for them, with a link.

Policy: "Om die reden zullen binnen de mails geen persoonlijke gegevens worden
gedeeld." No name, no content, no e-mail address in the body or the subject:
the kind of message, a link into the portal, in the client's language. The
recipient's address is in the envelope only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal.models import PortalAccount

# The kinds of message; each has templates/portal/email/<kind>_subject.txt and
# <kind>.txt. tests/test_emails renders every kind for every demo client.
KINDS = ("invitation", "reset", "email_confirm", "email_changed", "news")


def base_url() -> str:
    """Where links in e-mails point: PUBLIC_BASE_URL, else the first allowed host."""
    configured = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
    if configured:
        return configured
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".")]
    return f"https://{hosts[0]}" if hosts else ""


def portal_email(*, kind: str, to: str, language: str, path: str = "") -> EmailMessage:
    """Return one message of ``kind`` to address ``to``, linking to ``path``."""
    if kind not in KINDS:
        raise ValueError("unknown portal e-mail kind")
    language = language if language in ("nl", "en") else "nl"
    with translation.override(language):
        link = base_url() + (path or reverse("portal:home"))
        context = {"link": link, "hours": settings.PORTAL_INVITATION_HOURS}
        subject = render_to_string(f"portal/email/{kind}_subject.txt", context)
        body = render_to_string(f"portal/email/{kind}.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[to])


def client_news_email(*, client, path: str = "") -> EmailMessage:
    """Return "there is something new for you in the portal" for this client."""
    return portal_email(
        kind="news", to=client.email, language=client.language, path=path
    )


# Which portal page each dossiers notice links to (dossiers.extensions).
NOTICE_PAGES = {"evaluation": "portal:evaluation", "appointment": "portal:appointments"}


def client_notice_hook(*, trajectory, event: str, obj) -> None:
    """E-mail the trajectory's client "something new" on commit, if they use the portal.

    Registered in dossiers.extensions from PortalConfig.ready(); runs inside the
    dossiers write's transaction, so a rolled-back write sends nothing. Only a
    client whose portal account is activated gets it: a link is useless without.
    """
    # An evaluation asked of a training's participant is news for them.
    client_id = getattr(obj, "participant_id", None) or trajectory.client_id
    if client_id is None or event not in NOTICE_PAGES:
        return
    account = (
        PortalAccount.objects.select_related("client")
        .filter(client_id=client_id, activated_at__isnull=False)
        .first()
    )
    if account is None or not isinstance(account.client.email, str):
        return
    name = NOTICE_PAGES[event]
    path = reverse(name, args=[obj.pk]) if event == "evaluation" else reverse(name)
    message = client_news_email(client=account.client, path=path)
    transaction.on_commit(message.send)
