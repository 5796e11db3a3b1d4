"""Deadlines of requests by calendar month (GDPR art. 12(3)).

"Within one month of receipt of the request. That period may be extended by two
further months where necessary." A month is a calendar month, not 30 days: 31
January plus one month is the last day of February (Regulation 1182/71 art.
3(2)(c): when the day does not exist in the last month, the period ends on that
month's last day).
"""

from __future__ import annotations

import calendar
from datetime import date

MONTHS_TO_ANSWER = 1
MONTHS_EXTENSION_MAX = 2


def add_months(day: date, months: int) -> date:
    """Return the same day ``months`` later, or that month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def request_due_on(received: date) -> date:
    return add_months(received, MONTHS_TO_ANSWER)


def request_extension_max(received: date) -> date:
    """The latest day an extended deadline may fall on: three months from receipt."""
    return add_months(received, MONTHS_TO_ANSWER + MONTHS_EXTENSION_MAX)
