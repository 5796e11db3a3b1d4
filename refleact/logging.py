"""Logging pieces that keep personal data out of log lines."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

_QUERY = re.compile(r"\?[^\s\"']*")


class StripQueryStringFilter(logging.Filter):
    """Drop query strings from request log lines: an admin search term may be a name."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            # A single mapping argument (Celery's task log lines) formats by key.
            record.args = {
                key: _QUERY.sub("", value) if isinstance(value, str) else value
                for key, value in record.args.items()
            }
        elif record.args:
            record.args = tuple(
                _QUERY.sub("", arg) if isinstance(arg, str) else arg
                for arg in (
                    record.args if isinstance(record.args, tuple) else (record.args,)
                )
            )
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("", record.msg)
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.request = request.path
        return True
