"""The admin site asks staff for the second factor (STAFF_TWO_FACTOR_REQUIRED)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from refleact.twofactor import views


class TwoFactorAdminSiteMixin:
    """Mix into an AdminSite: no admin page without the second factor."""

    def needs_second_factor(self, request) -> bool:
        return (
            getattr(settings, "STAFF_TWO_FACTOR_REQUIRED", True)
            and views.password_given(request)
            and not views.is_verified(request)
        )

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and not self.needs_second_factor(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def second_factor_first(request, *args, **kwargs):
            if self.needs_second_factor(request):
                if getattr(view, "__name__", "") == "logout":
                    return view(request, *args, **kwargs)
                return redirect_to_login(
                    request.get_full_path(),
                    reverse("admin:twofactor_verify", current_app=self.name),
                )
            return inner(request, *args, **kwargs)

        return second_factor_first

    def login(self, request, extra_context=None):
        if request.method == "GET" and self.needs_second_factor(request):
            return redirect_to_login(
                request.GET.get("next")
                or reverse("admin:index", current_app=self.name),
                reverse("admin:twofactor_verify", current_app=self.name),
            )
        return super().login(request, extra_context)

    def _second_factor_view(self, view):
        @never_cache
        @csrf_protect
        @require_http_methods(["GET", "POST"])
        @functools.wraps(view)
        def wrapped(request):
            return view(request, admin_site=self)

        return wrapped

    def get_urls(self):
        return [
            path(
                "second-factor/",
                self._second_factor_view(views.verify),
                name="twofactor_verify",
            ),
            path(
                "second-factor/setup/",
                self._second_factor_view(views.setup),
                name="twofactor_setup",
            ),
            path(
                "second-factor/recovery-codes/",
                self._second_factor_view(views.recovery_codes),
                name="twofactor_recovery_codes",
            ),
            *super().get_urls(),
        ]
