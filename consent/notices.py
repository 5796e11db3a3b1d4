"""E-mails to clients: they say only that something changed, with a link.

Policy: "Om die reden zullen binnen de mails geen persoonlijke gegevens worden
gedeeld." No name, no content: the client's language and the policy's link.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def policy_changed_email(*, client) -> EmailMessage:
    """Return the notice that the privacy policy changed, in the client's language."""
    language = client.language or "nl"
    with translation.override(language):
        base = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
        link = (
            base + reverse("consent:policy") + ("?lang=en" if language == "en" else "")
        )
        subject = render_to_string("consent/policy_changed_subject.txt").strip()
        body = render_to_string("consent/policy_changed_email.txt", {"link": link})
    return EmailMessage(subject=subject, body=body, to=[client.email])
