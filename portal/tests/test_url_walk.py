"""Every portal URL pattern, from the resolver: another client's ids are a 404,
an anonymous visitor is sent to the login, except the pages in refleact/publicpages.py.
A new portal URL is covered without touching this file."""

from __future__ import annotations

import pytest
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

from refleact.publicpages import is_public

pytestmark = pytest.mark.django_db(databases="__all__")


def portal_patterns() -> list[tuple[str, URLPattern]]:
    (portal,) = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "portal"
    ]
    return [(f"portal:{p.name}", p) for p in portal.url_patterns]


PATTERNS = portal_patterns()
PRIVATE = [(name, p) for name, p in PATTERNS if not is_public(name)]


def _path(pattern: URLPattern, values: dict) -> str:
    from django.urls import reverse

    name = f"portal:{pattern.name}"
    params = list(pattern.pattern.converters)
    return reverse(name, kwargs={k: values[k] for k in params})


def _victim_ids(full_b) -> list[str]:
    from consent.models import ConsentRecord

    ids = [str(obj.pk) for obj in full_b.values()]
    ids += [
        str(r.receipt_id)
        for r in ConsentRecord.objects.filter(client=full_b["trajectory"].client)
    ]
    return ids


def test_the_walk_sees_every_portal_url():
    assert len(PATTERNS) >= 25
    assert any(name == "portal:export" for name, _p in PATTERNS)


@pytest.mark.parametrize(("name", "pattern"), PRIVATE, ids=[n for n, _p in PRIVATE])
def test_anonymous_is_sent_to_the_login(client, full_b, name, pattern):
    for value in _victim_ids(full_b)[:1] or ["x"]:
        values = {k: value for k in pattern.pattern.converters}
        values = {k: ("json" if k == "fmt" else v) for k, v in values.items()}
        path = _path(pattern, values)
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code in (302, 405), (name, method)
            if response.status_code == 302:
                assert response.url.startswith("/portal/inloggen/"), name


WITH_IDS = [(n, p) for n, p in PRIVATE if set(p.pattern.converters) - {"fmt"}]


@pytest.mark.parametrize(("name", "pattern"), WITH_IDS, ids=[n for n, _p in WITH_IDS])
def test_another_clients_ids_are_a_404(http_a, full_a, full_b, name, pattern):
    for value in _victim_ids(full_b):
        values = {
            k: ("pdf" if k == "fmt" else value) for k in pattern.pattern.converters
        }
        path = _path(pattern, values)
        for method in (http_a.get, http_a.post):
            response = method(path, {"decision": "given"})
            assert response.status_code in (404, 405), (
                name,
                path,
                response.status_code,
            )


@pytest.mark.parametrize(("name", "pattern"), PRIVATE, ids=[n for n, _p in PRIVATE])
def test_own_pages_answer_without_an_error(http_a, full_a, name, pattern):
    own = {
        "pk": None,
        "fmt": "json",
    }
    params = set(pattern.pattern.converters)
    if params - {"fmt"}:
        return  # covered by the flow tests with the client's own ids
    response = http_a.get(_path(pattern, {**own}))
    assert response.status_code in (200, 302, 405), name


@pytest.mark.parametrize(
    ("name", "pattern"),
    [(n, p) for n, p in PATTERNS if is_public(n)],
    ids=[n for n, _p in PATTERNS if is_public(n)],
)
def test_public_pages_show_no_personal_data(client, client_a, full_a, name, pattern):
    values = {k: "x" * 43 for k in pattern.pattern.converters}
    response = client.get(_path(pattern, values), follow=True)
    assert response.status_code in (200, 400, 405), name
    text = response.content.decode()
    for value in (client_a.first_name, client_a.last_name, client_a.email):
        assert value not in text
