"""The measure of issue 11, point 6."""

from refleact.pseudonymiser.score import identifier_left, report, score_record

RECORD = {
    "identifiers": [{"text": "Roos", "type": "name"}, {"text": "Jan", "type": "name"}],
    "keep": ["Roos van Leary", "maandag"],
}


def test_an_identifier_inside_a_keep_string_does_not_count():
    assert not identifier_left(
        "Roos", "We bespraken de Roos van Leary.", ["Roos van Leary"]
    )
    assert identifier_left("Roos", "Roos las de Roos van Leary.", ["Roos van Leary"])


def test_occurrences_are_case_sensitive_and_word_bounded():
    assert not identifier_left("Jan", "jan kwam in januari", [])
    assert not identifier_left("Jan", "Jansen en Janneke", [])
    assert identifier_left("Jan", "Toen kwam Jan.", [])
    assert identifier_left("Klaas'", "Klaas' dochter", [])


def test_score_counts_identifiers_removed_and_keep_strings_kept():
    score = score_record(
        RECORD, "De cliënt las de Roos van Leary op dinsdag; Jan niet."
    )
    assert (score.identifiers, score.identifiers_removed) == (2, 1)
    assert (score.keep, score.keep_kept) == (2, 1)


def test_report_uses_only_records_with_identifiers_or_keep():
    records = [RECORD | {"text": "Roos op maandag."}, {"text": "geen evaluatie"}]
    lines = report(records, lambda record: record["text"].replace("Roos", "X"))
    assert lines["records"] == 1
    assert lines["identifiers_removed"] == 1.0 and lines["keep_kept"] == 0.5
    assert lines["notes_per_second"] > 0
