"""manage.py scrub_text FILE.jsonl [--report]: no database needed."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

RECORD = {
    "id": "t-1",
    "client": {
        "first_name": "Anouk",
        "last_name": "de Vries",
        "email": "",
        "phone": "",
        "organisation": "",
    },
    "text": "Anouk belde op 06-12345678 over de Roos van Leary.",
    "identifiers": [
        {"text": "Anouk", "type": "name"},
        {"text": "06-12345678", "type": "phone"},
    ],
    "keep": ["Roos van Leary"],
}


@pytest.fixture
def notes(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text(
        json.dumps(RECORD)
        + "\n\n"
        + json.dumps({"client": {}, "text": "Geen evaluatie."})
        + "\n"
    )
    return path


def test_each_record_comes_back_with_scrubbed_added(notes):
    out = StringIO()
    call_command("scrub_text", str(notes), stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 2
    assert lines[0]["id"] == "t-1" and lines[0]["text"] == RECORD["text"]
    assert (
        lines[0]["scrubbed"]
        == "De cliënt belde op [telefoonnummer] over de Roos van Leary."
    )


def test_report_prints_the_four_figures(notes):
    out = StringIO()
    call_command("scrub_text", str(notes), "--report", stdout=out)
    figures = dict(line.split(": ") for line in out.getvalue().splitlines())
    assert list(figures) == [
        "identifiers_removed",
        "keep_kept",
        "notes_per_second",
        "records",
    ]
    assert figures["identifiers_removed"] == "1.0" and figures["keep_kept"] == "1.0"
    assert figures["records"] == "1"


# The messages are in Dutch: the settings' language, and the catalog has them.
def test_a_missing_file_is_one_line_of_error(tmp_path):
    with pytest.raises(CommandError, match="Kan .* niet lezen"):
        call_command("scrub_text", str(tmp_path / "missing.jsonl"))


def test_a_line_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\nnot json\n')
    with pytest.raises(CommandError, match="regel 2 is geen JSON-object"):
        call_command("scrub_text", str(path))
