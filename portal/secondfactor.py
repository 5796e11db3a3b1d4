"""The client's optional second factor: an authenticator app and recovery codes.

Turned on by the client in the portal (a QR code and the secret as text, then one
right code); from then on the login asks for a code after the password, and the
session is a portal session only once it is given (``pending_*`` below). Turning
it off, or making new recovery codes, takes a valid code or the password.
Recovery codes are shown once and work once each; only their digests are stored
(as for staff, refleact/twofactor/).

Wrong codes are throttled twice: per device by django-otp (1, 2, 4, 8 ... seconds
between attempts, wherever they come from) and per login and address by
django-axes at the code step (the view), as for the password.
"""

from __future__ import annotations

import base64
import enum
import secrets
import time
from io import BytesIO
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP

from portal import services
from portal.models import ClientRecoveryCode, ClientTOTPDevice, PortalAccount
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.twofactor.models import code_digest

RECOVERY_CODE_COUNT = 8
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
# TOTP as every authenticator app expects it (RFC 6238 defaults).
STEP, DIGITS, TOLERANCE = 30, 6, 1
# How long a password-checked login may wait for its code.
PENDING_SECONDS = 5 * 60
PENDING = "portal_pending_login"


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    THROTTLED = "throttled"


def is_enabled(*, account: PortalAccount) -> bool:
    """Return whether the account's login asks for a second factor."""
    return ClientTOTPDevice.objects.filter(
        user_id=account.user_id, confirmed=True
    ).exists()


@transaction.atomic
def totp_enrol_start(*, account: PortalAccount) -> ClientTOTPDevice:
    """Return a fresh unconfirmed device, dropping earlier unfinished ones."""
    ClientTOTPDevice.objects.filter(user_id=account.user_id, confirmed=False).delete()
    device = ClientTOTPDevice(
        user_id=account.user_id,
        name="app",
        confirmed=False,
        key=secrets.token_bytes(20).hex(),
    )
    device.holder_id = account.holder_id
    device.save()
    return device


def totp_pending(*, account: PortalAccount) -> ClientTOTPDevice | None:
    """Return the account's unconfirmed device (enrolment under way), if any."""
    return (
        ClientTOTPDevice.objects.filter(user_id=account.user_id, confirmed=False)
        .order_by("-created_at")
        .first()
    )


def manual_key(device: ClientTOTPDevice) -> str:
    """The secret as an app's manual entry wants it: base32, in groups of four."""
    key = base64.b32encode(bytes.fromhex(device.key)).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def config_url(device: ClientTOTPDevice) -> str:
    """The otpauth:// URL the QR code holds; its label is the random login handle."""
    issuer = getattr(settings, "OTP_TOTP_ISSUER", "Refleact")
    secret = base64.b32encode(bytes.fromhex(device.key)).decode().rstrip("=")
    params = {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP}
    label = quote(f"{issuer}:{device.user.get_username()}")
    return f"otpauth://totp/{label}?{urlencode(params)}"


def qr_data_uri(device: ClientTOTPDevice) -> str:
    """The QR code as an SVG image in a data: URI (CSP img-src allows data:)."""
    image = qrcode.make(config_url(device), image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _totp_check(device: ClientTOTPDevice, token: str) -> Outcome:
    """Check a code against a locked device row; record the result on it."""
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return Outcome.THROTTLED
    totp = TOTP(bytes.fromhex(device.key), STEP, 0, DIGITS, device.drift)
    totp.time = time.time()
    if (
        token.isdigit()
        and len(token) == DIGITS
        and totp.verify(int(token), TOLERANCE, device.last_t + 1)
    ):
        device.last_t = totp.t()
        device.throttle_reset(commit=False)
        device.save(
            update_fields=[
                "last_t",
                "throttling_failure_count",
                "throttling_failure_timestamp",
            ]
        )
        return Outcome.ACCEPTED
    device.throttle_increment(commit=False)
    device.save(
        update_fields=["throttling_failure_count", "throttling_failure_timestamp"]
    )
    return Outcome.WRONG


def _normalised(token: str) -> str:
    return "".join((token or "").split())


@transaction.atomic
def totp_enrol_confirm(
    *, account: PortalAccount, token: str, request=None
) -> list[str] | None:
    """Confirm the enrolment if the code is right; return new recovery codes.

    Returns None for a wrong code (or none under way). Every other session of the
    account ends (it was made without the second factor); the caller restarts
    this one (``portal.access.session_start``).
    """
    device = (
        ClientTOTPDevice.objects.select_for_update()
        .filter(user_id=account.user_id, confirmed=False)
        .order_by("-created_at")
        .first()
    )
    if device is None or _totp_check(device, _normalised(token)) != Outcome.ACCEPTED:
        return None
    ClientTOTPDevice.objects.filter(user_id=account.user_id, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_replace(account=account)
    # Ends the sessions made without the second factor; audited there.
    services.account_logout_everywhere(account=account, request=request)
    return codes


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def recovery_codes_replace(*, account: PortalAccount) -> list[str]:
    """Replace the account's recovery codes; return the new ones (shown once)."""
    ClientRecoveryCode.objects.filter(account=account).delete()
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    rows = []
    for code in codes:
        row = ClientRecoveryCode(account=account, digest=code_digest(code))
        row.holder_id = account.holder_id
        rows.append(row)
    ClientRecoveryCode.objects.bulk_create(rows)
    return codes


def recovery_codes_left(*, account: PortalAccount) -> int:
    """Return how many of the account's recovery codes are still unused."""
    return ClientRecoveryCode.objects.filter(
        account=account, used_at__isnull=True
    ).count()


@transaction.atomic
def recovery_codes_renew(*, account: PortalAccount, request=None) -> list[str] | None:
    """Replace the recovery codes of a second factor that is on; audited.

    Returns the new codes (shown once; the old ones stop working), or None when
    the second factor is off, so a concurrent turning-off leaves no codes behind.
    Caller must have checked a valid code or the password.
    """
    # Locks the device row as second_factor_verify does: a turning-off cannot
    # slip in between the check and the new codes.
    device = (
        ClientTOTPDevice.objects.select_for_update()
        .filter(user_id=account.user_id, confirmed=True)
        .first()
    )
    if device is None:
        return None
    codes = recovery_codes_replace(account=account)
    audit_record(
        request=request,
        actor=account.user,
        action=AuditEvent.Action.CHANGE,
        obj=account,
    )
    return codes


@transaction.atomic
def second_factor_verify(*, account: PortalAccount, token: str) -> Outcome:
    """Check an app code or a recovery code for a confirmed second factor.

    The device row is locked, so two requests with one code cannot both pass
    (the app code's time step is recorded; a recovery code is spent by one
    conditional UPDATE). A wrong code of either kind counts against the device's
    throttle, and a throttled device refuses recovery codes too.
    """
    token = _normalised(token)
    device = (
        ClientTOTPDevice.objects.select_for_update()
        .filter(user_id=account.user_id, confirmed=True)
        .first()
    )
    if device is None or not token or len(token) > 32:
        return Outcome.WRONG
    if token.isdigit():
        return _totp_check(device, token)
    if not device.verify_is_allowed()[0]:
        return Outcome.THROTTLED
    spent = ClientRecoveryCode.objects.filter(
        account=account, digest=code_digest(token), used_at__isnull=True
    ).update(used_at=timezone.now())
    if spent == 1:
        device.throttle_reset()
        return Outcome.ACCEPTED
    device.throttle_increment()
    return Outcome.WRONG


@transaction.atomic
def second_factor_disable(*, account: PortalAccount, request=None) -> None:
    """Remove the account's second factor and recovery codes; audited.

    Caller must have checked a valid code or the password.
    """
    ClientTOTPDevice.objects.filter(user_id=account.user_id).delete()
    ClientRecoveryCode.objects.filter(account=account).delete()
    audit_record(
        request=request,
        actor=account.user,
        action=AuditEvent.Action.CHANGE,
        obj=account,
    )


# The login between password and code. The session holds the login's id, the
# account's session generation and the time: no personal data, and "log out
# everywhere" (or a password reset) ends a half-finished login too.


def pending_start(request, account: PortalAccount) -> None:
    """Remember a login whose password was right and whose code is still due."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": str(account.user_id),
        "generation": account.session_generation,
        "at": int(time.time()),
    }


def pending_account(request) -> PortalAccount | None:
    """Return the account of the session's half-finished login, if still valid."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    account = (
        PortalAccount.objects.select_related("client", "user")
        .filter(user_id=pending.get("user"), user__is_active=True)
        .first()
    )
    if (
        account is None
        or account.user.is_staff
        or pending.get("generation") != account.session_generation
        or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS
    ):
        pending_clear(request)
        return None
    return account


def pending_clear(request) -> None:
    request.session.pop(PENDING, None)
