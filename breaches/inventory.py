"""Personal data held by the breaches app: purpose, legal basis, retention, end.

GDPR art. 33(5): "The controller shall document any personal data breaches,
comprising the facts relating to the personal data breach, its effects and the
remedial action taken." The register describes breaches, not clients; its free
text is sealed all the same, since a typed text may hold a name by mistake.
"""

from django.utils.translation import gettext_lazy as _

from refleact.inventory.declarations import Basis, Category, End, Subjects, declare

KEPT = _(
    "Kept as the documentation GDPR art. 33(5) requires, for 5 years after the "
    "breach is closed."
)

declare(
    "breaches.Breach",
    [
        "discovered_how",
        "summary",
        "special_categories_note",
        "systems_affected",
        "measures_before",
        "consequences_established",
        "consequences_expected",
        "measures_taken",
        "measures_planned",
        "notice_text",
        "notice_text_en",
        "cross_border_note",
        "decision_reasoning",
    ],
    purpose=_(
        "Document a data breach, report it to the Autoriteit Persoonsgegevens and "
        "tell the clients affected."
    ),
    basis=Basis.LEGAL_OBLIGATION,
    category=Category.SECURITY,
    retention=KEPT,
    end=End.KEEP_YEARS,
    keep_years=5,
)
declare(
    "breaches.Breach",
    ["reporter_name", "reporter_role", "reporter_email", "reporter_phone"],
    purpose=_("The contact the Autoriteit Persoonsgegevens asks for in a report."),
    basis=Basis.LEGAL_OBLIGATION,
    category=Category.CONTACT,
    retention=KEPT,
    end=End.KEEP_YEARS,
    keep_years=5,
    subjects=Subjects.STAFF,
)
declare(
    "breaches.RiskAssessment",
    "reasoning",
    purpose=_("Record why a breach was assessed as it was (ENISA severity)."),
    basis=Basis.LEGAL_OBLIGATION,
    category=Category.SECURITY,
    retention=KEPT,
    end=End.KEEP_YEARS,
    keep_years=5,
)
declare(
    "breaches.ApReport",
    "note",
    purpose=_("Record what was reported to the Autoriteit Persoonsgegevens, and when."),
    basis=Basis.LEGAL_OBLIGATION,
    category=Category.SECURITY,
    retention=KEPT,
    end=End.KEEP_YEARS,
    keep_years=5,
)
