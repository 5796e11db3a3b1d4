"""The query-string filter keeps log lines formattable and free of search terms."""

from __future__ import annotations

import logging

from refleact.logging import StripQueryStringFilter


def _record(msg: str, args) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, None)


def test_filter_strips_query_strings_from_positional_arguments():
    record = _record('"%s" %s', ("GET /admin/?q=Jansen HTTP/1.1", 200))

    StripQueryStringFilter().filter(record)

    assert record.getMessage() == '"GET /admin/ HTTP/1.1" 200'


def test_filter_keeps_a_mapping_argument_a_mapping():
    # Celery logs every task with one dict argument and %(name)s placeholders.
    record = _record("Task %(name)s: %(path)s", ({"name": "t", "path": "/x/?q=a"},))

    StripQueryStringFilter().filter(record)

    assert record.getMessage() == "Task t: /x/"
