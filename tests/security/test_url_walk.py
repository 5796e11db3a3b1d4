"""Every URL from the resolver, every HTTP method: anonymous visitors, another
coach and another client reach nothing of the victim's (issue 15, point 5)."""

from __future__ import annotations

import pytest

from tests.security.publicurls import public_urls
from tests.security.urlwalk import leaked, project_patterns
from tests.security.walkrules import walk_anonymously, walk_as_outsider

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_walk_reaches_every_app():
    names = {
        p.name.split(":")[0] for p in project_patterns() if p.name and ":" in p.name
    }
    assert {"admin", "consent"} <= names
    assert len(project_patterns()) > 100


def test_anonymous_visitors_get_the_login_page_or_a_refusal(practice, logged_in):
    problems = walk_anonymously(logged_in(None), practice)
    assert problems == []


def test_another_coach_never_reaches_the_victims_rows(practice, logged_in, outsider):
    problems = walk_as_outsider(logged_in(outsider), practice)
    assert problems == []


def test_another_client_never_reaches_the_victims_rows(practice, logged_in):
    problems = walk_as_outsider(logged_in(practice.other_login), practice)
    assert problems == []


def test_public_pages_answer_without_login_and_hold_no_personal_data(
    practice, logged_in
):
    http = logged_in(None)
    values = [*practice.victim_values, *practice.other_values]
    pages = public_urls()
    assert {"admin:login", "consent:policy", "consent:transparency"} <= {
        name for name, _ in pages
    }
    for name, path in pages:
        response = http.get(path)
        assert response.status_code in (200, 302, 404, 405), (
            name,
            response.status_code,
        )
        assert leaked(response.content, values) == [], name
