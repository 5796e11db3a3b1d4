"""The public pages: the privacy policy and what data is kept for what (no login)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from consent import register, selectors
from consent.policy_text import policy_html


def _language(request) -> str:
    """The page's language: ?lang=en or the browser's, Dutch by default."""
    asked = request.GET.get("lang")
    if asked in ("nl", "en"):
        return asked
    return translation.get_language() or "nl"


@require_safe
def policy_page(request):
    language = _language(request)
    with translation.override(language):
        current = selectors.policy_current(language=language)
        if current is None:
            raise Http404
        context = {
            "language": language,
            "current": current,
            "html": policy_html(current.text),
            "earlier": selectors.policy_versions_earlier(
                current=current, language=language
            ),
        }
        return render(request, "consent/policy_page.html", context)


@require_safe
def policy_version_page(request, version: int):
    language = _language(request)
    with translation.override(language):
        current = selectors.policy_current(language=language)
        shown = next(
            (
                v
                for v in selectors.policy_versions_earlier(
                    current=current, language=language
                )
                if v.version == version
            ),
            None,
        )
        if shown is None:
            raise Http404
        context = {
            "language": language,
            "current": shown,
            "html": policy_html(shown.text),
            "earlier": [],
        }
        return render(request, "consent/policy_page.html", context)


@require_safe
def transparency_page(request):
    language = _language(request)
    with translation.override(language):
        context = {
            "language": language,
            "groups": register.field_groups(),
            "controller": register.controller(),
        }
        return render(request, "consent/transparency_page.html", context)
