"""Recovery codes: a django-otp device whose tokens are stored as digests only.

django-otp's own static tokens are stored as typed; a database reader could then
use them. A recovery code is 50 random bits, so one SHA-256 is enough to make the
stored digest useless for logging in (no dictionary to try).
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


def code_digest(code: str) -> str:
    """Return the stored form of a recovery code: SHA-256 of it, normalised."""
    normalised = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


class RecoveryCodeDevice(Device):
    """The set of a staff member's recovery codes, each usable once."""

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def verify_token(self, token) -> bool:
        if not isinstance(token, str) or not token.strip():
            return False
        # One conditional UPDATE: two requests with the same code cannot both
        # succeed (the second finds it used).
        used = RecoveryCode.objects.filter(
            device=self, digest=code_digest(token), used_at__isnull=True
        ).update(used_at=timezone.now())
        return used == 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(
        RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes"
    )
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        indexes = [
            # Serves verify_token: the device's unused code with this digest.
            models.Index(fields=["device", "digest"], name="twofactor_code_lookup"),
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"
