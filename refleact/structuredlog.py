"""Structured logs: JSON lines that carry ids, never personal values.

Every line names its request id, user id and task id (from context variables set
by the middleware below and by refleact/celery.py), the logger and the message.
The filters are a safety net behind the rule that code logs ids only:

- `StripQueryStringFilter` (refleact/logging.py) drops query strings;
- `ClientErrorTracebackFilter` drops the traceback Django attaches to a 403 or 404
  (an ordinary refusal is not a fault to debug);
- `RedactFilter` replaces anything that looks like an e-mail address, a phone
  number, an IBAN or a BSN, in the message, its arguments and any traceback.

The settings module imports this one: it imports nothing from Django's apps.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
user_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "user_id", default=None
)
task_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "task_id", default=None
)
task_name_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "task_name", default=None
)

# Extra fields a log call may pass that the JSON line keeps; each is an id, a
# number or a fixed word. Anything else passed in `extra` is left out.
SAFE_EXTRA_FIELDS = (
    "status_code",
    "method",
    "path",
    "duration_ms",
    "model",
    "object_id",
    "holder_id",
    "task_name",
    "count",
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International (+31 6 1234 5678, 0031...) and Dutch national (06-12345678,
# 020 123 4567) numbers; a date or a duration never starts like these.
_PHONE = re.compile(
    r"(?<![\w.])(?:(?:\+|00)[1-9][\d ()-]{7,17}\d|0[1-9](?:[ -]?\d){8})(?![\w-])"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
_NINE_DIGITS = re.compile(r"(?<![\w.-])\d{3}[ .]?\d{2}[ .]?\d{2}[ .]?\d{2}(?![\w-])")
_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)


def _iban_valid(candidate: str) -> bool:
    value = candidate.replace(" ", "")
    digits = "".join(str(int(c, 36)) for c in value[4:] + value[:4])
    return int(digits) % 97 == 1


def _bsn_valid(candidate: str) -> bool:
    # The "elfproef": 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11.
    digits = [int(c) for c in candidate if c.isdigit()]
    total = sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True))
    return total - digits[8] > 0 and (total - digits[8]) % 11 == 0


def redact(text: str) -> str:
    """Return `text` with e-mail addresses, phone numbers, IBANs and BSNs replaced.

    Ids are left alone: a UUID's digit groups are neither phone numbers nor BSNs.
    """
    if not text:
        return text
    protected = [m.span() for m in _UUID.finditer(text)]

    def outside_ids(match: re.Match) -> bool:
        start, end = match.span()
        return not any(s <= start and end <= e for s, e in protected)

    def sub(pattern: re.Pattern, label: str, valid=None):
        def replace(match: re.Match) -> str:
            if outside_ids(match) and (valid is None or valid(match.group())):
                return f"[{label} removed]"
            return match.group()

        return pattern.sub(replace, text)

    text = sub(_EMAIL, "e-mail")
    text = sub(_IBAN, "IBAN", _iban_valid)
    text = sub(_PHONE, "phone")
    text = sub(_NINE_DIGITS, "BSN", _bsn_valid)
    return text


class RedactFilter(logging.Filter):
    """Replace what looks like an e-mail, phone number, IBAN or BSN in a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            # The formatter prints exc_text; the exception object (with its
            # message unredacted) is not kept for a handler that reformats it.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class ClientErrorTracebackFilter(logging.Filter):
    """Drop the traceback of a logged 4xx: Django attaches one to each 403/404."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message and ids."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
            "user_id": user_id_var.get(),
            "task_id": task_id_var.get(),
            "task_name": task_name_var.get(),
        }
        for field in SAFE_EXTRA_FIELDS:
            value = getattr(record, field, None)
            if isinstance(value, str | int | float | uuid.UUID):
                line[field] = str(value) if isinstance(value, uuid.UUID) else value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(
            {k: v for k, v in line.items() if v is not None}, ensure_ascii=False
        )


_REQUEST_ID = re.compile(r"[0-9a-f]{16,32}")
request_logger = logging.getLogger("refleact.request")


class RequestIdMiddleware:
    """Give each request an id for its log lines and an `X-Request-ID` header.

    A well-formed id from a proxy's header is kept, so its access log and ours
    can be joined; any other value is replaced. One line per request names the
    method, the path without its query string, the status and the duration.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        request_token = request_id_var.set(request_id)
        user_token = user_id_var.set(None)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response.headers["X-Request-ID"] = request_id
            request_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status_code": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000),
                },
            )
            return response
        finally:
            request_id_var.reset(request_token)
            user_id_var.reset(user_token)


class RequestUserMiddleware:
    """Name the logged-in user's id (never the username) on the request's lines."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(str(user.pk))
        return self.get_response(request)


def task_started(task_id: str | None, task_name: str | None = None) -> None:
    """Name the running Celery task on its log lines (refleact/celery.py)."""
    task_id_var.set(task_id)
    task_name_var.set(task_name)


def task_finished() -> None:
    """Stop naming a task: the worker's next lines belong to no task."""
    task_id_var.set(None)
    task_name_var.set(None)


def logging_config(*, level: str = "INFO") -> dict:
    """Return the LOGGING dict: JSON lines on stderr through the safety filters."""
    level = level.upper()
    at_least_info = (
        level if logging.getLevelName(level) >= logging.INFO else "INFO"
    )  # getLevelName maps a name to its number
    handler = {"handlers": ["console"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            # Search terms travel in query strings; request logs keep paths only.
            "strip_query": {"()": "refleact.logging.StripQueryStringFilter"},
            "no_client_error_traceback": {
                "()": "refleact.structuredlog.ClientErrorTracebackFilter"
            },
            "redact": {"()": "refleact.structuredlog.RedactFilter"},
        },
        "formatters": {"json": {"()": "refleact.structuredlog.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["strip_query", "no_client_error_traceback", "redact"],
                "formatter": "json",
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.server": {**handler, "level": "INFO"},
            "django.request": {**handler, "level": "WARNING"},
            "axes": {**handler, "level": "WARNING"},
            # STACK.md: at DEBUG it writes a whole template context when a
            # variable is missing, and a model's __str__ there can name a client.
            "django.template": {**handler, "level": at_least_info},
        },
    }
