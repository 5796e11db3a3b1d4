"""The breach record as a PDF for the AP and the practice's files (WeasyPrint).

Laid out by the sections of the AP's notification form, with the assessments,
the decision, the selections, the notices' times and the reports as dated
additions. Counts of notices, never a client's name. Caller has checked access.
"""

from __future__ import annotations

from django.db.models import Count, Max, Min
from django.template.loader import render_to_string
from django.utils import timezone, translation

from breaches.models import Breach, Notice
from breaches.models.register import Consequence, DataCategory, Nature
from dossiers.models import PracticeDetails, Trajectory


def _labels(values, choices) -> list[str]:
    names = dict(choices)
    return [str(names.get(v, v)) for v in values or []]


def breach_pdf(*, breach: Breach) -> bytes:
    """Return the PDF of a breach record. Caller must have checked access."""
    from weasyprint import HTML

    with translation.override("nl"):
        notices = breach.notices.values("status").annotate(
            n=Count("id"), first=Min("sent_at"), last=Max("sent_at")
        )
        html = render_to_string(
            "breaches/breach_pdf.html",
            {
                "breach": breach,
                "practice": PracticeDetails.load(),
                "nature": _labels(breach.nature, Nature.choices),
                "categories": _labels(breach.data_categories, DataCategory.choices),
                "consequence_kinds": _labels(
                    breach.consequence_kinds, Consequence.choices
                ),
                "trajectory_kinds": _labels(
                    breach.trajectory_kinds, Trajectory.Kind.choices
                ),
                "assessments": breach.assessments.order_by("version"),
                "selections": breach.selections.annotate(n=Count("members")),
                "notices": [
                    {**row, "label": Notice.Status(row["status"]).label}
                    for row in notices
                ],
                "phoned": breach.notices.exclude(reached_by_phone_at=None).count(),
                "reports": breach.reports.order_by("reported_at"),
                "printed_at": timezone.now(),
            },
        )
    return HTML(string=html).write_pdf()
