"""Who is affected by a breach, and the one notice each of them gets.

A selection is proposed, narrowed or widened, then confirmed and frozen; a
later widening is a second selection, confirmed on its own. Every confirmed
member gets one notice row: unique per (breach, holder), so no client is
notified twice however often the selection or the sending runs.

Rows point to the client while the client is held; the erasure of a client
clears the pointer and keeps the row (its holder id, its times and the mail
server's answer): the evidence that the 48 hours were met outlives the client.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from breaches.models.register import Breach


class Selection(models.Model):
    """A set of affected clients; frozen once confirmed (who, when)."""

    breach = models.ForeignKey(
        Breach, on_delete=models.PROTECT, related_name="selections"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    # How it was made: trajectory kinds, coach ids, held at which moment. No
    # personal data: ids and choice keys only.
    criteria = models.JSONField(_("criteria"), default=dict, editable=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("selection of affected clients")
        verbose_name_plural = _("selections of affected clients")
        ordering = ["breach", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["breach", "number"], name="selection_number_once"
            )
        ]

    def __str__(self) -> str:
        return str(_("Selection %(number)s") % {"number": self.number})

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class SelectionMember(models.Model):
    selection = models.ForeignKey(
        Selection, on_delete=models.CASCADE, related_name="members"
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The client's key holder: identifies the row in the access log and survives
    # the client's erasure without naming anyone.
    holder_id = models.UUIDField(_("holder"), db_index=True)
    # Policy: "die op dat moment in begeleiding zijn" (a trajectory not yet closed
    # at discovery); the others are held but out of care (still traceable).
    in_care = models.BooleanField(_("in care at discovery"))

    class Meta:
        verbose_name = _("affected client")
        verbose_name_plural = _("affected clients")
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "holder_id"], name="selection_member_once"
            )
        ]

    def __str__(self) -> str:
        return str(_("affected client %(id)s") % {"id": self.pk})


class Notice(models.Model):
    """The notice of one breach to one client: exactly once (breaches/sending.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed, will be retried")
        UNREACHABLE = "unreachable", _("not reachable by e-mail")

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="notices")
    selection = models.ForeignKey(
        Selection, on_delete=models.PROTECT, related_name="notices"
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="breach_notices",
    )
    holder_id = models.UUIDField(_("holder"))
    language = models.CharField(_("language"), max_length=2, default="nl")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    # Made when the row is made, so it is known before the first attempt: a
    # crash between the mail server's acceptance and the mark can be checked
    # against the server's log by this id.
    message_id = models.CharField(_("Message-ID"), max_length=120, unique=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Set before each attempt in a transaction of its own; an attempt that
    # finds it set while the row is still queued knows the last one broke off.
    attempt_started_at = models.DateTimeField(
        _("last attempt started"), null=True, blank=True
    )
    interrupted_attempts = models.PositiveSmallIntegerField(
        _("interrupted attempts"), default=0
    )
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # The mail server's answer with any address taken out (sending.py).
    server_answer = models.CharField(
        _("mail server's answer"), max_length=300, blank=True
    )
    sent_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    reached_by_phone_at = models.DateTimeField(
        _("reached by phone at"), null=True, blank=True
    )
    reached_by_phone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reached by phone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("breach notice")
        verbose_name_plural = _("breach notices")
        ordering = ["breach", "created_at", "id"]
        constraints = [
            # Exactly once per client and breach (issue 13, point 5).
            models.UniqueConstraint(
                fields=["breach", "holder_id"], name="notice_once_per_client"
            )
        ]
        indexes = [
            # Serves the sending sweep: rows still to send, by when they are due.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="notice_due",
                condition=models.Q(status__in=["queued", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return str(_("notice %(id)s") % {"id": self.pk})

    @property
    def needs_phone(self) -> bool:
        """True when e-mail did not (yet) reach the client and nobody phoned."""
        return self.reached_by_phone_at is None and self.status in (
            self.Status.FAILED,
            self.Status.UNREACHABLE,
        )
