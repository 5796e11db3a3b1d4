"""Enrolment, verification and reset of the staff's second factor."""

from __future__ import annotations

import secrets

from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.twofactor.models import RecoveryCode, RecoveryCodeDevice, code_digest

RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def has_second_factor(*, user) -> bool:
    """Return whether the user has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_enrol_start(*, user) -> TOTPDevice:
    """Return a fresh unconfirmed TOTP device, dropping earlier unfinished ones."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="app", confirmed=False)


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """Replace the user's recovery codes; return the new ones (shown once only)."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="recovery")
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=code_digest(code)) for code in codes
    )
    return codes


@transaction.atomic
def totp_enrol_confirm(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device if the token is right; return new recovery codes.

    Returns None for a wrong token. Earlier confirmed devices are replaced.
    """
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_replace(user=user)


def second_factor_verify(*, user, token: str):
    """Return the confirmed device the token is valid for, or None."""
    token = (token or "").strip()
    if not token or len(token) > 32:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            return device
    return None


@transaction.atomic
def second_factor_reset(*, actor, user, request=None) -> int:
    """Remove every second factor of `user` (owner only); audited. Return how many.

    The staff member enrols again at the next login. Caller must have checked
    that `actor` is the owner.
    """
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += RecoveryCodeDevice.objects.filter(user=user).delete()[0]
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=user
    )
    return removed
