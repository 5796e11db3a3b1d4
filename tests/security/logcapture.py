"""Capture every log record at DEBUG, SQL included, as the configured pipeline
would write it, and look for personal values in it."""

from __future__ import annotations

import contextlib
import io
import logging

from django.db import connections
from django.test.utils import CaptureQueriesContext

from refleact.structuredlog import (
    ClientErrorTracebackFilter,
    JsonFormatter,
    RedactFilter,
)
from tests.security.urlwalk import leaked


class _Capture(logging.Handler):
    """Keep each record's raw message (before any safety filter) and its line."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.raw: list[str] = []
        self.lines = io.StringIO()
        self.formatter_ = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        exc = (
            logging.Formatter().formatException(record.exc_info)
            if record.exc_info
            else ""
        )
        self.raw.append(f"{record.name}: {message} {record.exc_text or exc}")
        copy = logging.makeLogRecord(record.__dict__)
        for step in (ClientErrorTracebackFilter(), RedactFilter()):
            step.filter(copy)
        self.lines.write(self.formatter_.format(copy) + "\n")


@contextlib.contextmanager
def everything_at_debug():
    """Yield a capture of all loggers at DEBUG (django.template stays as set)."""
    capture = _Capture()
    changed = []
    loggers = [
        logging.getLogger(),
        *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict)),
    ]
    for logger in loggers:
        changed.append((logger, logger.level, logger.disabled))
        logger.disabled = False
        if logger.name != "django.template" and not logger.name.startswith(
            "django.template."
        ):
            logger.setLevel(logging.DEBUG)
        if logger is logging.getLogger() or not logger.propagate:
            logger.addHandler(capture)
    with contextlib.ExitStack() as stack:
        # The SQL logger writes each query with its parameters only when the
        # connection keeps queries: force it, on both databases.
        for alias in connections:
            stack.enter_context(CaptureQueriesContext(connections[alias]))
        try:
            yield capture
        finally:
            for logger, level, disabled in changed:
                logger.setLevel(level)
                logger.disabled = disabled
                logger.removeHandler(capture)


def personal_values_in(capture: _Capture, values: list[str]) -> list[str]:
    """Return each captured record or line that holds one of `values`."""
    found = []
    for text in [*capture.raw, *capture.lines.getvalue().splitlines()]:
        if hits := leaked(text, values):
            found.append(f"{hits}: {text[:300]}")
    return found
