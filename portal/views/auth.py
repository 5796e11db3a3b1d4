"""The portal's public pages: log in, links from e-mails, password reset, language.

None shows personal data; each is listed in refleact/publicpages.py. A link's
token is read from the path, checked, and kept in the session so the page's own
URL does not carry it further (like Django's password reset); a GET shows the
form and spends nothing: only the form's POST does.
"""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from portal import secondfactor, selectors, services
from portal.access import client_required, public_page, session_start
from portal.forms import EmailForm, LanguageForm, LoginForm, PasswordSetForm
from portal.models import PortalToken
from refleact.accounts.lockout import login_name_digest

LINK_SESSION = "portal_link_token"
LINK_PLACEHOLDER = "link"  # what the path holds once the token is in the session


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and target.startswith("/portal/"):
        return target
    return fallback


@public_page
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    if selectors.account_for_user(user=request.user) is not None:
        return redirect("portal:home")
    form = LoginForm(request.POST or None)
    failed = False
    if request.method == "POST" and form.is_valid():
        # The backend finds the client by e-mail through the blind index; axes
        # counts failures per digest of the typed address (refleact.accounts.lockout).
        user = authenticate(
            request,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        account = selectors.account_for_user(user=user) if user else None
        if account is not None:
            axes_reset(username=login_name_digest(request))
            if secondfactor.is_enabled(account=account):
                # Not a portal session until the code is given (portal/secondfactor.py).
                secondfactor.pending_start(request, account)
                code_url = reverse("portal:login_code")
                target = _safe_next(request, "")
                return redirect(
                    code_url + (f"?{urlencode({'next': target})}" if target else "")
                )
            login(request, user)
            session_start(request, account)
            return HttpResponseRedirect(_safe_next(request, reverse("portal:home")))
        failed = True
    elif request.method == "POST":
        failed = True
    context = {
        "form": form,
        "failed": failed,
        "expired": request.GET.get("expired") == "1",
        "next": _safe_next(request, ""),
    }
    return render(request, "portal/login.html", context, status=200)


@require_POST
@csrf_protect
def logout_view(request):
    logout(request)
    return redirect("portal:login")


@require_POST
@csrf_protect
@client_required
def logout_everywhere_view(request):
    services.account_logout_everywhere(account=request.portal_account, request=request)
    logout(request)
    return redirect("portal:login")


def _link_token(request, token: str) -> str | None:
    """Move a token from the path into the session; return the token in force."""
    if token != LINK_PLACEHOLDER:
        request.session[LINK_SESSION] = token
        return None
    return request.session.get(LINK_SESSION)


def _password_link(request, token: str, *, purpose: str, title: str):
    if token != LINK_PLACEHOLDER:
        _link_token(request, token)
        # The token leaves the address bar (and any Referer) at once.
        return redirect(request.path.replace(token, LINK_PLACEHOLDER))
    token = _link_token(request, token)
    if token is None or services.token_find(token=token, purpose=purpose) is None:
        return render(request, "portal/link_invalid.html", status=400)
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = (
            services.invitation_accept
            if purpose == PortalToken.Purpose.INVITATION
            else services.password_reset_confirm
        )
        try:
            accept(
                token=token, password=form.cleaned_data["password1"], request=request
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "invalid_link":
                return render(request, "portal/link_invalid.html", status=400)
            form.add_error("password1", exc)
        else:
            del request.session[LINK_SESSION]
            return redirect(reverse("portal:login") + "?done=1")
    return render(request, "portal/password_set.html", {"form": form, "title": title})


@public_page
@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_view(request, token: str):
    return _password_link(
        request,
        token,
        purpose=PortalToken.Purpose.INVITATION,
        title=_("Welcome: choose your password"),
    )


@public_page
@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def reset_confirm_view(request, token: str):
    return _password_link(
        request,
        token,
        purpose=PortalToken.Purpose.RESET,
        title=_("Choose a new password"),
    )


@public_page
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def reset_request_view(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = selectors.account_find_by_email(email=form.cleaned_data["email"])
        services.password_reset_request(account=account)
        # The same answer whether or not the address belongs to a client.
        return render(request, "portal/reset_sent.html")
    return render(request, "portal/reset_request.html", {"form": form})


@public_page
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def email_confirm_view(request, token: str):
    """Confirm a new e-mail address: the GET asks, the POST changes it."""
    if token != LINK_PLACEHOLDER:
        _link_token(request, token)
        return redirect(request.path.replace(token, LINK_PLACEHOLDER))
    token = _link_token(request, token)
    if (
        token is None
        or services.token_find(token=token, purpose=PortalToken.Purpose.EMAIL) is None
    ):
        return render(request, "portal/link_invalid.html", status=400)
    error = None
    if request.method == "POST":
        try:
            services.email_change_confirm(token=token, request=request)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            del request.session[LINK_SESSION]
            return render(request, "portal/email_confirmed.html")
    return render(request, "portal/email_confirm.html", {"error": error})


@public_page
@require_POST
@csrf_protect
def language_view(request):
    """Switch the portal's language; remembered in a cookie and, logged in, on the client."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect("portal:login")
    language = form.cleaned_data["language"]
    target = _safe_next(request, reverse("portal:login"))
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=not settings.DEBUG,
        httponly=True,
    )
    account = selectors.account_for_user(user=request.user)
    if account is not None:
        services.language_set(account=account, language=language, request=request)
    return response
