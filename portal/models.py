"""What the portal itself holds: client accounts, single-use links, requests, and
the optional second factor (an authenticator app and recovery codes).

Everything else a client sees belongs to the other apps and is read through their
selectors. Each row is sealed with the client's key (``holder_id``), so erasing
the client erases these too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager, ThrottlingMixin

from refleact.crypto.fields import (
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedTextField,
)
from refleact.crypto.models import EncryptedModel, EncryptedQuerySet, HolderIdField


class PortalAccount(EncryptedModel):
    """A client's portal login: the client, and the staff-less User it logs in as.

    The User's username is a random handle (never derived from e-mail or name);
    the client logs in by e-mail, found through the client's blind index.
    """

    holder_id = HolderIdField()
    client = models.OneToOneField(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="portal_account",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.CASCADE,
        related_name="portal_account",
    )
    # Raised by "log out everywhere": a session made under an older value is ended.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")

    def __str__(self) -> str:
        return _("Portal account %(id)s") % {"id": str(self.pk)[:8]}


class PortalToken(EncryptedModel):
    """One single-use link (invitation, password reset, new e-mail address).

    Only the SHA-256 digest of the token is stored; the token itself exists only
    in the e-mail. Issuing a new link of a purpose revokes the older ones.
    """

    class Purpose(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        RESET = "reset", _("password reset")
        EMAIL = "email", _("new e-mail address")

    holder_id = HolderIdField()
    account = models.ForeignKey(
        PortalAccount, on_delete=models.CASCADE, related_name="tokens"
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # Only for an e-mail change: the address it confirms.
    new_email = EncryptedEmailField(_("new e-mail address"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal link")
        verbose_name_plural = _("portal links")
        indexes = [
            # Serves "revoke the account's open links of this purpose".
            models.Index(
                fields=["account", "purpose"],
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="portal_token_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {str(self.pk)[:8]}"


class PortalRequest(EncryptedModel):
    """A client's request about their data (GDPR arts. 12(3), 15-21)."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("a question about my data")
        COPY = "copy", _("a copy of my data")
        CORRECTION = "correction", _("correct my data")
        DELETION = "deletion", _("delete my data")
        RESTRICTION = "restriction", _("restrict the use of my data")
        OBJECTION = "objection", _("object to the use of my data")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")

    holder_id = HolderIdField()
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="portal_requests",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = EncryptedTextField(_("request"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # GDPR art. 12(3): one month from receipt, extendable once by two months.
    due_on = models.DateField(_("answer due"))
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extension_reason = EncryptedTextField(_("reason for the extension"), blank=True)
    answer = EncryptedTextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("request about personal data")
        verbose_name_plural = _("requests about personal data")
        ordering = ["-received_at"]
        indexes = [
            # Serves the dashboard's open requests by deadline.
            models.Index(
                fields=["due_on"],
                condition=models.Q(status="open"),
                name="portal_request_open_due",
            ),
        ]

    def __str__(self) -> str:
        return _("Request %(id)s") % {"id": str(self.pk)[:8]}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ClientTOTPDevice(ThrottlingMixin, Device, EncryptedModel):
    """A client's authenticator app: the optional second factor at login.

    A django-otp device (``django_otp.oath.TOTP`` checks the codes, the mixin
    throttles wrong ones), but its secret is sealed under the client's key like
    the rest of their data: django-otp's own ``TOTPDevice`` keeps it as plain
    hex, readable by anyone with a database dump. Unconfirmed until the client
    typed one right code.
    """

    # Device.user is the account's login.
    holder_id = HolderIdField()
    # 20 random bytes as hex (RFC 4226's recommended length).
    key = EncryptedCharField(_("secret of the authenticator app"), max_length=40)
    # The last time step a code was accepted for: a code works once (no replay).
    last_t = models.BigIntegerField(default=-1)
    drift = models.SmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    # Both: django-otp's devices_for_user() (the staff's check loops over every
    # device class) and the sealing queryset.
    objects = DeviceManager.from_queryset(EncryptedQuerySet)()

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")
        base_manager_name = "objects"

    def __str__(self) -> str:
        return _("Authenticator app %(id)s") % {"id": str(self.pk)[:8]}

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)


class ClientRecoveryCode(EncryptedModel):
    """One single-use recovery code of a client, stored as its digest only.

    A code is 50 random bits, so one SHA-256 (refleact.twofactor.models.code_digest,
    as for staff) makes the stored digest useless for logging in.
    """

    holder_id = HolderIdField()
    account = models.ForeignKey(
        PortalAccount, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64, editable=False)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        indexes = [
            # Serves the login's "this account's unused code with this digest".
            models.Index(fields=["account", "digest"], name="portal_recovery_lookup"),
        ]

    def __str__(self) -> str:
        return _("Recovery code %(id)s") % {"id": str(self.pk)[:8]}
