"""The ENISA severity method on worked cases."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from breaches.enisa import severity


@pytest.mark.parametrize(
    ("dpc", "ei", "cb", "score", "band", "ap"),
    [
        # Encrypted laptop lost: simple data, hard to identify, no circumstance.
        (D(1), D("0.25"), (0, 0, 0, 0), D("0.25"), "low", False),
        # Contact list e-mailed to the wrong client: identification easy.
        (D(1), D(1), (D("0.5"), 0, 0, 0), D("1.50"), "low", False),
        # Dossier notes read by an outsider: behavioural data, easy to identify.
        (D(3), D(1), (D("0.5"), 0, 0, 0), D("3.50"), "high", True),
        # Progress notes stolen on purpose: sensitive, fully identifiable.
        (
            D(4),
            D(1),
            (D("0.5"), D("0.25"), D("0.25"), D("0.5")),
            D("5.50"),
            "very_high",
            True,
        ),
        # Exactly on a band's edge: 2 is medium.
        (D(2), D(1), (0, 0, 0, 0), D("2.00"), "medium", True),
    ],
)
def test_worked_cases(dpc, ei, cb, score, band, ap):
    result = severity(
        dpc=dpc,
        ei=ei,
        confidentiality=cb[0],
        integrity=cb[1],
        availability=cb[2],
        malicious=cb[3],
    )
    assert (result.score, result.band, result.proposes_ap) == (score, band, ap)
    # Policy: clients are told of every breach, whatever the score.
    assert result.proposes_clients


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dpc": D(5), "ei": D(1)},
        {"dpc": D("0.5"), "ei": D(1)},
        {"dpc": D(2), "ei": D("0.3")},
        {"dpc": D(2), "ei": D(1), "malicious": D("0.75")},
    ],
)
def test_out_of_range_inputs_are_refused(kwargs):
    with pytest.raises(ValidationError):
        severity(**kwargs)
