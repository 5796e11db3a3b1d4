"""`manage.py demo` speaks Dutch by default and says what it does and does not do."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(databases="__all__")


def test_demo_says_in_dutch_which_database_it_migrates_and_that_it_does_not_serve(
    settings,
):
    settings.DEBUG = True  # as in .env.local
    out = StringIO()

    call_command("demo", "--no-serve", stdout=out)

    output = out.getvalue()
    assert "Database default (de gegevens):" in output
    assert "Database keystore (de sleutelopslag, met de datasleutels):" in output
    assert output.index("Database default") < output.index("Database keystore")
    assert "De app is niet gestart (--no-serve)" in output
