"""A task's log lines name its id and name, as JSON lines, never a personal value
(issue 15, 3): Celery's signals set them (refleact/celery.py)."""

from __future__ import annotations

import json
import logging

import pytest
from celery.signals import setup_logging

from refleact.accounts.tasks import login_records_purge as login_records_purge_task
from refleact.celery import app as celery_app
from refleact.structuredlog import JsonFormatter, task_id_var
from tests.security.flows import drive_sweeps
from tests.security.logcapture import everything_at_debug, personal_values_in

pytestmark = pytest.mark.django_db(databases="__all__")


def _lines(capture) -> list[dict]:
    return [json.loads(line) for line in capture.lines.getvalue().splitlines()]


def test_a_task_s_log_lines_carry_its_id_and_name():
    with everything_at_debug() as capture:
        result = login_records_purge_task.apply()
    assert result.successful()
    mine = [line for line in _lines(capture) if line.get("task_id") == result.id]
    assert mine, "no record named the task's id"  # its SQL, at least
    assert {line["task_name"] for line in mine} == {"accounts.login_records_purge"}
    # After the task, lines name no task.
    assert task_id_var.get() is None


def test_an_eager_task_inside_another_gives_the_outer_its_id_back():
    seen = {}

    @celery_app.task(name="tests.inner_probe", bind=True)
    def inner(self):
        seen["inner"] = task_id_var.get()

    @celery_app.task(name="tests.outer_probe", bind=True)
    def outer(self):
        inner.apply()
        seen["after_inner"] = task_id_var.get()
        return self.request.id

    try:
        outer_id = outer.apply().get()
    finally:
        celery_app.tasks.unregister("tests.inner_probe")
        celery_app.tasks.unregister("tests.outer_probe")
    assert seen["inner"] not in (None, outer_id)
    assert seen["after_inner"] == outer_id


def test_every_scheduled_task_logs_no_personal_value(practice):
    with everything_at_debug() as capture:
        drive_sweeps()
    lines = _lines(capture)
    named = {line["task_name"] for line in lines if "task_name" in line}
    # Every beat task that logged at all named itself.
    assert named <= {e["task"] for e in celery_app.conf.beat_schedule.values()}
    assert named, "no scheduled task's line named its task"
    assert personal_values_in(capture, practice.victim_values) == []


def test_the_worker_logs_through_django_s_json_pipeline(settings):
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        # What a worker does at start: the receiver applies Django's LOGGING
        # and Celery leaves the root logger alone.
        setup_logging.send(sender=None, loglevel="INFO", logfile=None, format="")
        formatters = {type(h.formatter) for h in root.handlers}
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in before:
            root.addHandler(handler)
    assert celery_app.conf.worker_hijack_root_logger is False
    assert formatters == {JsonFormatter}
