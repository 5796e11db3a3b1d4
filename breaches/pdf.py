"""Breach PDFs (WeasyPrint): the record for the AP, and one client's notice.

The record is laid out by the sections of the AP's notification form, with the
assessments, the decision, the selections, the notices' times and the reports
as dated additions: counts of notices, never a client's name. The notice PDF
holds what the e-mail holds (the practice's general text, checked by
breaches/check.py), for the portal and for a client who asks for it. Callers
have checked access.
"""

from __future__ import annotations

from django.db.models import Count, Max, Min
from django.template.loader import render_to_string
from django.utils import timezone, translation

from breaches.mail import notice_text_for
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


def notice_pdf(*, notice: Notice) -> bytes:
    """Return the PDF of one client's notice. Caller must have checked access."""
    from weasyprint import HTML

    breach = notice.breach
    language = notice.language if notice.language in ("nl", "en") else "nl"
    with translation.override(language):
        html = render_to_string(
            "breaches/notice_pdf.html",
            {
                "language": language,
                "text": notice_text_for(breach=breach, language=language),
                "practice": PracticeDetails.load(),
                "reference": breach.reference,
                "discovered_at": breach.discovered_at,
                "sent_at": notice.sent_at,
            },
        )
    return HTML(string=html).write_pdf()
