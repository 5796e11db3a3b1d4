"""Pieces shared by the dossiers admin pages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from clients.admin import CoachFilter as ClientCoachFilter
from dossiers.models import (
    DossierEntry,
)
from refleact.crypto.files import SealedFile


def errors_to_messages(request, exc: ValidationError) -> None:
    """Show each message of a refused change as an admin error message."""
    for message in exc.messages:
        messages.error(request, message)


class CoachFilter(ClientCoachFilter):
    lookup = "coach__pk"


class JitsiLinkWidget(forms.TextInput):
    """A text input with a button that fills in a fresh, random Jitsi room URL."""

    template_name = "admin/dossiers/jitsi_link_widget.html"

    class Media:
        js = ("refleact/jitsi.js",)


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
