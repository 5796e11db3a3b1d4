"""No personal value in any log record, SQL included, at DEBUG (issue 15, 3)."""

from __future__ import annotations

import logging

import pytest

from refleact.structuredlog import redact
from tests.security.flows import drive_admin, drive_refusals, drive_sweeps
from tests.security.logcapture import everything_at_debug, personal_values_in

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_main_flows_log_no_personal_value(practice, logged_in, owner, coach):
    with everything_at_debug() as capture:
        drive_admin(logged_in(owner), practice)
        drive_admin(logged_in(coach), practice)
        drive_refusals(practice)
        drive_sweeps()
    assert len(capture.raw) > 50  # the SQL logger and the request lines spoke
    assert any("SELECT" in line for line in capture.raw)
    assert personal_values_in(capture, practice.victim_values) == []


def test_a_403_or_404_is_logged_without_a_traceback(coach_http):
    with everything_at_debug() as capture:
        coach_http.get(
            "/admin/clients/client/00000000-0000-0000-0000-000000000001/change/"
        )
        coach_http.get("/admin/clients/client/hand-over/")
    lines = capture.lines.getvalue()
    assert "Traceback" not in lines


def test_the_template_logger_never_runs_at_debug():
    from django.conf import settings

    assert settings.LOGGING["loggers"]["django.template"]["level"] != "DEBUG"
    assert logging.getLogger("django.template").getEffectiveLevel() >= logging.INFO


@pytest.mark.parametrize(
    "value",
    [
        "jan.jansen@voorbeeld.nl",
        "+31 6 12345678",
        "06-12345678",
        "020 123 4567",
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "111222333",  # a valid BSN (elfproef)
    ],
)
def test_the_safety_filter_replaces_what_looks_personal(value):
    assert value not in redact(f"opened {value} today")


@pytest.mark.parametrize(
    "value",
    [
        "8c12b470-2fd1-468b-b7c8-1e0bb3101cca",
        "2026-12-01 10:37:31",
        "duration 104857600 bytes",
        "/admin/clients/client/8c12b470-2fd1-468b-b7c8-1e0bb3101cca/change/",
    ],
)
def test_the_safety_filter_leaves_ids_and_dates_alone(value):
    assert redact(value) == value
