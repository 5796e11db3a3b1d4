"""CSRF is enforced on every state-changing request to every URL (issue 15, 5)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import Resolver404, resolve

from refleact.health import _PROBES
from tests.security.urlwalk import STATE_CHANGING, project_patterns
from tests.security.walkrules import filled_urls

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize("persona", ["owner", "other_login", None])
def test_no_state_changing_request_passes_without_the_csrf_token(
    request, practice, persona
):
    http = HttpClient(enforce_csrf_checks=True)
    user = (
        getattr(practice, persona)
        if persona == "other_login"
        else request.getfixturevalue(persona)
        if persona
        else None
    )
    if user is not None:
        http.force_login(user)
    passed = []
    for pattern in project_patterns():
        for url in filled_urls(pattern, practice.objects):
            try:
                resolve(url)
            except Resolver404:
                continue  # the id does not fit the converter: no view runs
            for method in STATE_CHANGING:
                response = getattr(http, method)(url, {"post": "yes"})
                # The health probes are answered before the CSRF middleware (a
                # load balancer has no session) and take GET and HEAD only.
                refused = 405 if url in _PROBES else 403
                if response.status_code != refused:
                    passed.append(f"{method.upper()} {url}: {response.status_code}")
    assert passed == []
