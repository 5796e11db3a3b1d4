"""The second-factor pages: verify at login, enrol an app, new recovery codes.

They sit under the admin but outside its permission check (refleact/twofactor/
adminsite.py): the staff member has given the password and not yet the code.
"""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from refleact.twofactor import services
from refleact.twofactor.forms import TokenForm


def password_given(request) -> bool:
    """Return whether a staff member is logged in with the password (factor one)."""
    user = request.user
    return user.is_authenticated and user.is_active and user.is_staff


def is_verified(request) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


def next_url(request, admin_site) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index", current_app=admin_site.name)


def _page(request, admin_site, template: str, **context) -> TemplateResponse:
    return TemplateResponse(
        request,
        template,
        {
            **admin_site.each_context(request),
            "next": next_url(request, admin_site),
            **context,
        },
    )


def _refused_when_locked(request, credentials: dict):
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return get_lockout_response(request, None, credentials)
    return None


def verify(request, *, admin_site):
    """Ask for the app's code or a recovery code; five wrong ones lock out (axes)."""
    if not password_given(request):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if is_verified(request):
        return HttpResponseRedirect(next_url(request, admin_site))
    if not services.has_second_factor(user=request.user):
        return HttpResponseRedirect(
            reverse("admin:twofactor_setup", current_app=admin_site.name)
            + "?"
            + request.GET.urlencode()
        )
    # The same digest and address pair as the password form: failures of both
    # forms add up, and a lockout stops both.
    credentials = {"username": request.user.get_username()}
    refused = _refused_when_locked(request, credentials)
    if refused:
        return refused
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = services.second_factor_verify(
            user=request.user, token=form.cleaned_data["token"]
        )
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(next_url(request, admin_site))
        user_login_failed.send(
            sender=__name__, credentials=credentials, request=request
        )
        refused = _refused_when_locked(request, credentials)
        if refused:
            return refused
        form.add_error(
            "token",
            _(
                "This code is not valid. Type the code your app shows now, "
                "or one of your recovery codes."
            ),
        )
    return _page(
        request,
        admin_site,
        "twofactor/verify.html",
        form=form,
        title=_("Confirm your login"),
    )


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _manual_key(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def setup(request, *, admin_site):
    """Enrol an authenticator app: QR code, manual key, then one code to confirm."""
    if not password_given(request):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if services.has_second_factor(user=request.user) and not is_verified(request):
        # Someone with the password alone must not replace the second factor.
        return HttpResponseRedirect(
            reverse("admin:twofactor_verify", current_app=admin_site.name)
        )
    device = (
        TOTPDevice.objects.filter(user=request.user, confirmed=False)
        .order_by("-id")
        .first()
    )
    form = TokenForm(request.POST if request.method == "POST" else None)
    if device is not None and form.is_valid():
        codes = services.totp_enrol_confirm(
            user=request.user, device=device, token=form.cleaned_data["token"]
        )
        if codes is not None:
            otp_login(request, device)
            return _page(
                request,
                admin_site,
                "twofactor/recovery_codes.html",
                codes=codes,
                title=_("Your recovery codes"),
            )
        form.add_error("token", _("This code is not valid; try the next one."))
    if device is None or request.method != "POST":
        device = services.totp_enrol_start(user=request.user)
    return _page(
        request,
        admin_site,
        "twofactor/setup.html",
        form=form,
        qr_code=_qr_data_uri(device.config_url),
        manual_key=_manual_key(device),
        title=_("Set up your second factor"),
    )


def recovery_codes(request, *, admin_site):
    """Replace the recovery codes (POST) after a confirmed login."""
    if not password_given(request) or not is_verified(request):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    codes = (
        services.recovery_codes_replace(user=request.user)
        if request.method == "POST"
        else None
    )
    return _page(
        request,
        admin_site,
        "twofactor/recovery_codes.html",
        codes=codes,
        title=_("Your recovery codes"),
    )
