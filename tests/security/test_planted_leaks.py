"""Proof that the suite can fail: a leaky view and a leaky log line, planted
here only, are each caught by the same checks the other tests run."""

from __future__ import annotations

import logging

import pytest
from django.urls import clear_url_caches

from refleact.audit import services as audit_services
from tests.security.flows import drive_admin
from tests.security.logcapture import everything_at_debug, personal_values_in
from tests.security.walkrules import walk_anonymously, walk_as_outsider

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def leaky_urlconf(settings):
    settings.ROOT_URLCONF = "tests.security.leaky_urls"
    clear_url_caches()
    yield
    clear_url_caches()


def test_the_walk_catches_a_planted_leaky_view(
    leaky_urlconf, practice, logged_in, outsider
):
    anonymous = walk_anonymously(logged_in(None), practice)
    assert any("leaky" in problem and "shows" in problem for problem in anonymous)
    other_coach = walk_as_outsider(logged_in(outsider), practice)
    assert any("leaky" in problem for problem in other_coach)


def test_the_log_capture_catches_a_planted_leaky_log_line(
    monkeypatch, practice, logged_in, coach
):
    original = audit_services.audit_record_many

    def leaky_audit_record_many(**kwargs):
        objs = list(kwargs.pop("objs"))
        for obj in objs:
            # The bug the suite must catch: logging an instance (its __str__).
            logging.getLogger("refleact.audit").debug("recorded %s", obj)
        return original(objs=objs, **kwargs)

    monkeypatch.setattr(
        "refleact.practiceadmin.audit_record_many", leaky_audit_record_many
    )
    with everything_at_debug() as capture:
        drive_admin(logged_in(coach), practice)
    assert personal_values_in(capture, practice.victim_values) != []
