"""The client's second factor: the code at login, turning it on and off, new codes.

The code page belongs to a login that is not one yet: the password was right,
the session holds only the pending login (portal/secondfactor.py), and no page
with personal data opens until the code is given. Wrong codes count for
django-axes under the login's random handle (never the e-mail address), as the
staff's second factor does, and django-otp throttles the device itself.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from portal import secondfactor
from portal.access import client_required, public_page, session_start
from portal.forms import SecondFactorOffForm
from portal.views.auth import _safe_next
from refleact.twofactor.forms import TokenForm as CodeForm

Outcome = secondfactor.Outcome
BACKEND = "portal.backends.ClientEmailBackend"


def _credentials(account) -> dict:
    # The random login handle, digested by axes like every login name
    # (refleact/accounts/lockout.py): no e-mail address is needed at this step.
    return {"username": account.user.get_username()}


def _locked(request, account):
    """Return axes' lockout response if the login is locked, else None."""
    if AxesProxyHandler.is_locked(request, _credentials(account)):
        secondfactor.pending_clear(request)
        return get_lockout_response(request, None, _credentials(account))
    return None


def _wrong(request, form, account, outcome: Outcome, *, field: str = "token"):
    """Count a wrong code for axes; return the lockout response once locked."""
    credentials = _credentials(account)
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    locked = _locked(request, account)
    if locked:
        return locked
    if outcome == Outcome.THROTTLED:
        error = _("Too many wrong codes. Wait a moment, then type the code again.")
    elif field == "password":
        error = _("This password is not right.")
    else:
        error = _(
            "This code is not valid. Type the code your app shows now, "
            "or one of your recovery codes."
        )
    form.add_error(field, error)
    return None


def _confirmed(request, form, account) -> tuple[bool, HttpResponse | None]:
    """Check the valid form's code, or else its password, for a second factor on.

    Returns whether it was right, and axes' lockout response once a wrong one
    (counted by _wrong, with its form error) has locked the login.
    """
    token = form.cleaned_data["token"]
    if token:
        outcome = secondfactor.second_factor_verify(account=account, token=token)
    else:
        right = account.user.check_password(form.cleaned_data["password"])
        outcome = Outcome.ACCEPTED if right else Outcome.WRONG
    if outcome == Outcome.ACCEPTED:
        return True, None
    field = "token" if token else "password"
    return False, _wrong(request, form, account, outcome, field=field)


@public_page
@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code_view(request):
    """The login's second step: a code from the app, or a recovery code."""
    account = secondfactor.pending_account(request)
    if account is None:
        return redirect_to_login(
            _safe_next(request, reverse("portal:home")), reverse("portal:login")
        )
    locked = _locked(request, account)
    if locked:
        return locked
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        outcome = secondfactor.second_factor_verify(
            account=account, token=form.cleaned_data["token"]
        )
        if outcome == Outcome.ACCEPTED:
            secondfactor.pending_clear(request)
            login(request, account.user, backend=BACKEND)
            session_start(request, account)
            return HttpResponseRedirect(_safe_next(request, reverse("portal:home")))
        locked = _wrong(request, form, account, outcome)
        if locked:
            return locked
    context = {"form": form, "next": _safe_next(request, "")}
    return render(request, "portal/login_code.html", context)


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
@client_required
def second_factor_setup_view(request):
    """Turn the second factor on: QR code and secret, then one right code."""
    account = request.portal_account
    if secondfactor.is_enabled(account=account):
        return redirect("portal:account")
    form = CodeForm(request.POST if request.method == "POST" else None)
    device = secondfactor.totp_pending(account=account)
    if device is not None and form.is_valid():
        codes = secondfactor.totp_enrol_confirm(
            account=account, token=form.cleaned_data["token"], request=request
        )
        if codes is not None:
            session_start(request, account)  # the other sessions have ended
            return render(request, "portal/second_factor_codes.html", {"codes": codes})
        form.add_error("token", _("This code is not valid; type the next one."))
    if device is None or request.method != "POST":
        device = secondfactor.totp_enrol_start(account=account)
    context = {
        "form": form,
        "qr_code": secondfactor.qr_data_uri(device),
        "manual_key": secondfactor.manual_key(device),
    }
    return render(request, "portal/second_factor_setup.html", context)


def _with_code_or_password(request, template: str, confirmed):
    """A step the client confirms with a valid code or the password.

    GET shows ``template``'s form; a right code or password calls
    ``confirmed(account)`` and returns its response. Wrong tries count for
    django-axes and the device's throttle (``_confirmed``), as at login.
    """
    account = request.portal_account
    if not secondfactor.is_enabled(account=account):
        return redirect("portal:account")
    locked = _locked(request, account)
    if locked:
        return locked
    form = SecondFactorOffForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        right, locked = _confirmed(request, form, account)
        if locked:
            return locked
        if right:
            return confirmed(account)
    return render(request, template, {"form": form})


@sensitive_post_parameters("token", "password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
@client_required
def second_factor_off_view(request):
    """Turn the second factor off, with a valid code or the password."""

    def turn_off(account):
        secondfactor.second_factor_disable(account=account, request=request)
        messages.success(request, _("The second factor is off."))
        return redirect("portal:account")

    return _with_code_or_password(request, "portal/second_factor_off.html", turn_off)


@sensitive_post_parameters("token", "password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
@client_required
def recovery_codes_new_view(request):
    """Replace the recovery codes, with a valid code or the password."""

    def renew(account):
        codes = secondfactor.recovery_codes_renew(account=account, request=request)
        if codes is None:  # turned off meanwhile
            return redirect("portal:account")
        context = {"codes": codes, "renewed": True}
        return render(request, "portal/second_factor_codes.html", context)

    return _with_code_or_password(request, "portal/recovery_codes_new.html", renew)
