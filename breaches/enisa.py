"""The ENISA severity method for personal data breaches (ENISA, 2013).

SE = DPC x EI + CB: data processing context 1-4, ease of identification
0.25-1, circumstances of the breach each adding up to 0.5 (loss of
confidentiality, integrity, availability, malicious intent). Bands: low < 2,
medium 2-3, high 3-4, very high >= 4.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EASE_VALUES = (Decimal("0.25"), Decimal("0.5"), Decimal("0.75"), Decimal("1"))
CB_MAX = Decimal("0.5")


@dataclass(frozen=True)
class Severity:
    score: Decimal
    band: str  # RiskAssessment.Band value
    proposes_ap: bool
    proposes_clients: bool


def _band(score: Decimal) -> str:
    if score < 2:
        return "low"
    if score < 3:
        return "medium"
    if score < 4:
        return "high"
    return "very_high"


def severity(
    *,
    dpc: Decimal,
    ei: Decimal,
    confidentiality: Decimal = Decimal(0),
    integrity: Decimal = Decimal(0),
    availability: Decimal = Decimal(0),
    malicious: Decimal = Decimal(0),
) -> Severity:
    """Return the severity score, its band and what it proposes; refuse bad inputs."""
    dpc, ei = Decimal(dpc), Decimal(ei)
    circumstances = [Decimal(v) for v in (confidentiality, integrity, availability)]
    circumstances.append(Decimal(malicious))
    errors = {}
    if not Decimal(1) <= dpc <= Decimal(4):
        errors["dpc"] = _("The data processing context lies between 1 and 4.")
    if ei not in EASE_VALUES:
        errors["ei"] = _("The ease of identification is 0.25, 0.5, 0.75 or 1.")
    if any(not Decimal(0) <= v <= CB_MAX for v in circumstances):
        errors["cb_confidentiality"] = _(
            "Each circumstance of the breach adds between 0 and 0.5."
        )
    if errors:
        raise ValidationError(errors)
    score = (dpc * ei + sum(circumstances)).quantize(Decimal("0.01"))
    band = _band(score)
    return Severity(
        score=score,
        band=band,
        # GDPR art. 33(1): report unless unlikely to result in a risk; a low
        # score is ENISA's "will not be affected or a few inconveniences".
        proposes_ap=band != "low",
        # Policy: "een datalek (van welke aard dan ook)": clients are told of
        # every breach, not only the high-risk ones GDPR art. 34 requires.
        proposes_clients=True,
    )
