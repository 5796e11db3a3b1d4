"""Admin list search whose term stays out of every URL and off the server.

A search term is often a client's name. Django's admin carries it in the query
string (``?q=``): into browser history, into ``_changelist_filters`` on every
change link, into the redirect after saving, and into any log of URLs. Here:

- the search box posts the term to ``<changelist>/search/``, which seals it into
  a cookie of its own (``refleact.sealedcookie``: AES-GCM under a key derived
  from SECRET_KEY) and redirects to the list without it;
- the cookie is scoped to that list's path, ends with the browser session, and
  opens only for the login it was made in (the session key and user are its
  associated data) and for at most SESSION_COOKIE_AGE: after logging out it is
  noise;
- nothing is kept on the server: not in the session (sessions live in the
  database and its backups), not in a table;
- a ``?q=`` that arrives anyway (an old bookmark) is moved into the cookie and
  the list reloaded without it, and ``q`` is stripped from preserved filters, so
  no URL the app builds carries a term.

The admin using this implements ``search(request=, queryset=, term=)``, returning
an object with ``rows`` (a queryset) and ``exact_only`` (True when only exact
lookups ran; the list page then says so). The autocomplete pickers call the same
``get_search_results``.
"""

from __future__ import annotations

import hashlib
import json
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from refleact import sealedcookie

MAX_TERM_LENGTH = 100
_PURPOSE = "admin-search"
# Fields of the search form that are not the list's own parameters.
_FORM_ONLY = (SEARCH_VAR, PAGE_VAR, "csrfmiddlewaretoken", "_clear")


class _SealedSearchChangeList(ChangeList):
    """A ChangeList that searches for the term from the sealed cookie."""

    sealed_query = ""
    search_url = ""

    def get_queryset(self, request, exclude_parameters=None):
        self.query = self.sealed_query
        return super().get_queryset(request, exclude_parameters)


def _without(params: QueryDict, names) -> str:
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


class SealedSearchMixin:
    """Put before the ModelAdmin base; see the module docstring."""

    def search(self, *, request, queryset, term: str):
        """Return the result of searching queryset for term (``rows``, ``exact_only``)."""
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        found = self.search(request=request, queryset=queryset, term=term)
        if found.exact_only:
            self._say_exact_only(request)
        return queryset.filter(pk__in=found.rows.values("pk")), False

    def _say_exact_only(self, request) -> None:
        match = request.resolver_match
        on_list = match is not None and match.url_name == self._url_name("changelist")
        if on_list and not getattr(request, "_refleact_exact_only_said", False):
            request._refleact_exact_only_said = True  # facets search again
            messages.info(
                request,
                _(
                    "There are more than %(max)s rows to search here, so only "
                    "whole words of a name and the exact e-mail address are found. "
                    "A filter (such as the coach) narrows the search."
                )
                % {"max": settings.SEARCH_OPEN_ROWS_MAX},
            )

    # -- the term, sealed in a cookie ------------------------------------------
    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def _cookie_name(self) -> str:
        return f"refleact_search_{self.opts.app_label}_{self.opts.model_name}"

    def _cookie_path(self) -> str:
        return reverse(f"{self.admin_site.name}:{self._url_name('changelist')}")

    def _context(self, request) -> bytes:
        # Bound to this login: logging out or in again changes the session key.
        session_key = request.session.session_key or ""
        login = f"{self.opts.label_lower}|{request.user.pk}|{session_key}"
        return hashlib.sha256(login.encode()).digest()

    def _remembered(self, request) -> str:
        value = request.COOKIES.get(self._cookie_name())
        if not value:
            return ""
        opened = sealedcookie.unseal(
            value, purpose=_PURPOSE, context=self._context(request)
        )
        if opened is None:
            return ""
        try:
            data = json.loads(opened)
            term, expires = str(data["term"]), float(data["expires"])
        except (ValueError, KeyError, TypeError):
            return ""
        return term if time.time() < expires else ""

    def _remember(self, request, response, term: str) -> None:
        name, cookie_path = self._cookie_name(), self._cookie_path()
        if not term:
            response.delete_cookie(name, path=cookie_path)
            return
        payload = json.dumps(
            {"term": term, "expires": time.time() + settings.SESSION_COOKIE_AGE}
        ).encode()
        response.set_cookie(
            name,
            sealedcookie.seal(
                payload, purpose=_PURPOSE, context=self._context(request)
            ),
            path=cookie_path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )  # no max_age: gone when the browser closes

    # -- views -----------------------------------------------------------------
    def get_urls(self):
        return [
            path(
                "search/",
                self.admin_site.admin_view(self.search_view),
                name=self._url_name("search"),
            ),
            *super().get_urls(),
        ]

    def search_view(self, request):
        """Keep the posted term in the sealed cookie; back to the list without it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = _without(request.POST, _FORM_ONLY)
        response = HttpResponseRedirect(
            self._cookie_path() + (f"?{query}" if query else "")
        )
        term = "" if "_clear" in request.POST else request.POST.get(SEARCH_VAR, "")
        term = term.strip()
        if len(term) > MAX_TERM_LENGTH:
            messages.error(
                request,
                _("A search term has at most %(max)d characters.")
                % {"max": MAX_TERM_LENGTH},
            )
            return response
        self._remember(request, response, term)
        return response

    def changelist_view(self, request, extra_context=None):
        if SEARCH_VAR in request.GET and self.has_view_or_change_permission(request):
            # A link or bookmark with the term: keep it sealed, and reload without
            # it, so history and every link the page builds stay free of it.
            query = _without(request.GET, (SEARCH_VAR,))
            response = HttpResponseRedirect(
                request.path + (f"?{query}" if query else "")
            )
            term = request.GET.get(SEARCH_VAR, "").strip()
            self._remember(request, response, term[:MAX_TERM_LENGTH])
            return response
        response = super().changelist_view(request, extra_context)
        if request.COOKIES.get(self._cookie_name()) and not self._remembered(request):
            # From an earlier login, stale or damaged: drop it.
            response.delete_cookie(self._cookie_name(), path=self._cookie_path())
        return response

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)
        return type(
            base.__name__,
            (_SealedSearchChangeList, base),
            {
                "sealed_query": self._remembered(request),
                "search_url": reverse(
                    f"{self.admin_site.name}:{self._url_name('search')}"
                ),
            },
        )

    def get_preserved_filters(self, request):
        preserved = super().get_preserved_filters(request)
        if not preserved:
            return preserved
        filters = QueryDict(preserved).get("_changelist_filters", "")
        kept = _without(QueryDict(filters), (SEARCH_VAR,))
        return urlencode({"_changelist_filters": kept}) if kept else ""
