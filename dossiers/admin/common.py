"""Pieces shared by the dossiers admin pages."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from clients import selectors as client_selectors
from dossiers.models import (
    DossierEntry,
)
from refleact.crypto.files import SealedFile


def errors_to_messages(request, exc: ValidationError) -> None:
    """Show each message of a refused change as an admin error message."""
    for message in exc.messages:
        messages.error(request, message)


class CoachFilter(admin.SimpleListFilter):
    title = _("coach")
    parameter_name = "coach"

    def lookups(self, request, model_admin):
        return [
            (str(u.pk), u.username)
            for u in client_selectors.coaches_for_user(user=request.user)
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(coach__pk=self.value())
        return queryset


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
