"""The clock and the journal file every test of retention and erasure sets up.

A plugin (conftest.py's pytest_plugins), so neither fixture runs unless asked; a
test module takes both for every test with its mark, and NOW and DUE from here:

    from refleact.testing.retention import CLOCK_AND_JOURNAL, DUE

    pytestmark = [pytest.mark.django_db(databases="__all__"), CLOCK_AND_JOURNAL]

A module's own ``clock`` fixture wins.

- NOW: the moment the tests start at (2 December 2026, 09:00 UTC).
- DUE: a trajectory closed at NOW is due for its retention action then (30 days'
  grace, and one more day).
- clock: time stands still at NOW; the test moves it (``clock.move_to(DUE)``).
- fresh_journal: no erasure journal file before or after the test.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from refleact.erasure.journal import journal_path

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
DUE = NOW + dt.timedelta(days=31)
CLOCK_AND_JOURNAL = pytest.mark.usefixtures("clock", "fresh_journal")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def fresh_journal():
    journal_path().unlink(missing_ok=True)
    yield
    journal_path().unlink(missing_ok=True)
