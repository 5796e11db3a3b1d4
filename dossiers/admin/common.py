"""Pieces shared by the dossiers admin pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from clients.admin import CoachFilter as ClientCoachFilter
from dossiers.models import (
    Appointment,
    DossierEntry,
)
from refleact.crypto.files import SealedFile
from refleact.videocall import is_https_url


def errors_to_messages(request, exc: ValidationError) -> None:
    """Show each message of a refused change as an admin error message."""
    for message in exc.messages:
        messages.error(request, message)


class CoachFilter(ClientCoachFilter):
    lookup = "coach__pk"


class JitsiLinkWidget(forms.TextInput):
    """A text input with a button that fills in a fresh, random video-call room URL,
    and a link that opens the call in a new tab.

    The server comes from ``VIDEO_CALL_BASE_URL``, handed to the script in a
    data- attribute (no inline script: a strict CSP comes later).
    """

    template_name = "admin/dossiers/jitsi_link_widget.html"

    class Media:
        js = ("refleact/jitsi.js",)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["video_base_url"] = settings.VIDEO_CALL_BASE_URL
        # Only an https link is offered to click (never javascript: or the like).
        context["widget"]["video_url"] = (
            value if isinstance(value, str) and is_https_url(value) else ""
        )
        return context


def video_call_link(appointment: Appointment | None):
    """Return the appointment's video link as a link opening a new tab, or "—"."""
    url = appointment.video_url if appointment is not None else ""
    if not url:
        return "—"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
        url,
        _("Open video call"),
    )


def attachment_link(entry: DossierEntry):
    if (
        entry is None
        or entry.pk is None
        or not isinstance(entry.attachment, SealedFile)
    ):
        return "—"  # none, or erased with its holder's key
    url = reverse("admin:dossiers_dossierentry_attachment", args=[entry.pk])
    return format_html(
        '<a href="{}">{}</a> ({} kB)',
        url,
        entry.attachment.filename,
        max(1, entry.attachment.size // 1024),
    )
