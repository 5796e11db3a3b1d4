"""The proof suite's walk: every pattern, every method, filled with a victim's ids.

Each `walk_*` returns a list of problems (empty when all is well), so the planted
leaks in test_planted_leaks.py can show that the same walk catches them.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from refleact import publicpages
from tests.security.publicurls import public_urls
from tests.security.urlwalk import METHODS, Pattern, leaked, project_patterns


def _model_of(pattern: Pattern):
    """The model an admin URL name is about (admin:<app>_<model>_<view>), if any."""
    if not pattern.name or not pattern.name.startswith("admin:"):
        return None
    for model in admin.site._registry:
        if pattern.name.startswith(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        ):
            return model
    return None


def filled_urls(pattern: Pattern, objects: list) -> list[str]:
    """Return the pattern's URLs for each of `objects` its parameters can name."""
    params = pattern.params
    if not params:
        url = pattern.url({})
        return [url] if url else []
    model = _model_of(pattern)
    chosen = [o for o in objects if model is None or isinstance(o, model)] or objects
    urls = []
    for obj in chosen:
        values = {name: str(obj.pk) for name in params}
        values.update(
            {
                "app_label": obj._meta.app_label,
                "model_name": obj._meta.model_name,
                "content_type_id": str(ContentType.objects.get_for_model(obj).pk),
                "url": "anything/",
            }
        )
        url = pattern.url({k: v for k, v in values.items() if k in params})
        if url and url not in urls:
            urls.append(url)
    return urls


def public_paths() -> set[str]:
    return {path for _name, path in public_urls()}


def _is_public(pattern: Pattern) -> bool:
    return pattern.name in publicpages.PUBLIC_PAGES


def _login_paths() -> set[str]:
    return {reverse("admin:login"), *public_paths()}


def walk(http, objects: list, values: list[str], *, may_see_pattern) -> list[str]:
    """Request every URL with every method; return what went wrong.

    `may_see_pattern(pattern)` says whether this visitor may get a 200 there;
    nowhere may a response hold one of `values`, or be a server error.
    """
    problems = []
    logins = _login_paths()
    for pattern in project_patterns():
        for url in filled_urls(pattern, objects):
            for method in METHODS:
                response = getattr(http, method)(url)
                what = f"{method.upper()} {url} ({pattern.name})"
                status = response.status_code
                body = b"".join(response) if response.streaming else response.content
                if status >= 500:
                    problems.append(f"{what}: {status}")
                if found := leaked(body, values):
                    problems.append(f"{what}: shows {found}")
                if status in (301, 302, 303, 307, 308):
                    target = response.headers["Location"].split("?")[0]
                    if target not in logins and not may_see_pattern(pattern):
                        problems.append(f"{what}: redirects to {target}")
                elif status < 300 and method != "options":
                    if not may_see_pattern(pattern):
                        problems.append(f"{what}: {status} without access")
    return problems


def walk_anonymously(http, practice) -> list[str]:
    """Anonymous: the login page, a public page or a 4xx, and never data."""
    values = [*practice.victim_values, *practice.other_values]
    return walk(http, practice.objects, values, may_see_pattern=_is_public)


def walk_as_outsider(http, practice) -> list[str]:
    """Another coach (or another client) on the victim's ids: never their data."""

    def may_see(pattern: Pattern) -> bool:
        # Lists and forms without an id are the visitor's own pages; a URL that
        # names one of the victim's rows must refuse.
        return _is_public(pattern) or not pattern.params

    return walk(http, practice.objects, practice.victim_values, may_see_pattern=may_see)
