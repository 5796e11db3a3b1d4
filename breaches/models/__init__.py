"""The breach register (GDPR art. 33(5)), its risk assessments and its notices."""

from breaches.models.notices import Notice, Selection, SelectionMember
from breaches.models.register import ApReport, Breach, RiskAssessment

__all__ = [
    "ApReport",
    "Breach",
    "Notice",
    "RiskAssessment",
    "Selection",
    "SelectionMember",
]
