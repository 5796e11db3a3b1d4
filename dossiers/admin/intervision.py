"""The intervision export on a trajectory's page: choose entries, preview, download.

Three steps, nothing stored between them (dossiers/intervision.py): the choice of
entries (GET), the preview of their scrubbed text with a field per entry to
remove more by hand (POST, posted back to itself to look again), and the PDF
(POST). Each pass scrubs again whatever the form carries.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from dossiers import intervision, selectors
from dossiers.models import Trajectory
from refleact.audit.models import AuditEvent

MAX_ENTRIES = 50
MAX_TEXT = 50_000


class EntryChoiceForm(forms.Form):
    entries = forms.ModelMultipleChoiceField(
        label=_("Entries for the case"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one entry.")},
    )

    def __init__(self, *args, trajectory: Trajectory, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["entries"]
        field.queryset = trajectory.entries.order_by("created_at")
        field.label_from_instance = _entry_label

    def clean_entries(self):
        entries = self.cleaned_data["entries"]
        if len(entries) > MAX_ENTRIES:
            raise forms.ValidationError(
                _("Choose at most %(count)d entries.") % {"count": MAX_ENTRIES}
            )
        return entries


def _entry_label(entry) -> str:
    when = date_format(timezone.localtime(entry.created_at), "SHORT_DATE_FORMAT")
    return f"{entry.get_kind_display().capitalize()} · {when} · {entry.title}"


class CaseEntryForm(forms.Form):
    entry = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    text = forms.CharField(
        label=_("text"),
        max_length=MAX_TEXT,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, trajectory: Trajectory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = trajectory.entries.all()


CaseEntryFormSet = forms.formset_factory(
    CaseEntryForm,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_ENTRIES,
    validate_max=True,
    absolute_max=MAX_ENTRIES,
)


class CaseForm(forms.Form):
    question = forms.CharField(
        label=_("Your learning question for the peer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What do you want to learn from this intervision?"),
    )


def _scrubbed_rows(formset, scrub) -> list:
    """Return (entry, title, text) per posted form, the texts scrubbed again."""
    return [
        (
            f.cleaned_data["entry"],
            scrub(f.cleaned_data["title"]),
            scrub(f.cleaned_data["text"]),
        )
        for f in formset.forms
    ]


def _case_form(data, scrub) -> CaseForm:
    """Return the question's form: with the question scrubbed again, or its errors."""
    form = CaseForm(data)
    if form.is_valid():
        question = scrub(form.cleaned_data["question"]).text
        form = CaseForm({"question": question})
        form.is_valid()
    return form


class IntervisionViewsMixin:
    """The intervision pages of TrajectoryAdmin (it provides admin_site, audit_shown)."""

    def intervision_urls(self) -> list:
        return [
            path(
                "<path:object_id>/intervision/",
                self.admin_site.admin_view(self.intervision_view),
                name="dossiers_trajectory_intervision",
            ),
            path(
                "<path:object_id>/intervision/pdf/",
                self.admin_site.admin_view(self.intervision_pdf_view),
                name="dossiers_trajectory_intervision_pdf",
            ),
        ]

    def _case_trajectory(self, request, object_id) -> Trajectory:
        # 404 outside the access rule, and for trainings: a case is of a client.
        trajectory = selectors.trajectory_get_for_user(user=request.user, pk=object_id)
        if trajectory.kind != Trajectory.Kind.COACHING or trajectory.client_id is None:
            raise Http404
        if not self.has_view_permission(request, trajectory):
            raise PermissionDenied
        return trajectory

    def intervision_view(self, request, object_id):
        """Choose entries (GET); preview them scrubbed (POST from either step)."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        trajectory = self._case_trajectory(request, object_id)
        if request.method == "POST" and "form-TOTAL_FORMS" in request.POST:
            return self._case_preview_again(request, trajectory)
        form = EntryChoiceForm(
            request.POST if request.method == "POST" else None, trajectory=trajectory
        )
        if not form.is_valid():
            return self._case_choice(request, trajectory, form)
        scrub = intervision.case_scrubber(trajectory=trajectory)
        rows = [
            (entry, scrub(str(entry.title)), scrub(str(entry.body)))
            for entry in form.cleaned_data["entries"]
        ]
        return self._case_preview(request, trajectory, rows, CaseForm())

    def _case_choice(self, request, trajectory, form):
        entries = list(form.fields["entries"].queryset)
        self.audit_shown(request, AuditEvent.Action.LIST, [trajectory, *entries])
        return self._case_render(
            request,
            trajectory,
            "admin/dossiers/trajectory/intervision_choose.html",
            {"form": form, "entries": entries, "title": _("Intervision case")},
            status=400 if form.is_bound else 200,
        )

    def _case_preview_again(self, request, trajectory):
        formset = CaseEntryFormSet(request.POST, form_kwargs={"trajectory": trajectory})
        if not formset.is_valid():
            return self._case_refused(request, trajectory)
        scrub = intervision.case_scrubber(trajectory=trajectory)
        case_form = _case_form(request.POST, scrub)
        return self._case_preview(
            request, trajectory, _scrubbed_rows(formset, scrub), case_form
        )

    def _case_refused(self, request, trajectory):
        # Malformed or foreign entries: said once, without echoing the posted text.
        return self._case_render(
            request,
            trajectory,
            "admin/dossiers/trajectory/intervision_refused.html",
            {"title": _("Intervision case")},
            status=400,
        )

    def _case_preview(self, request, trajectory, rows, case_form, *, status=200):
        """Show the scrubbed texts, each in a field the coach may shorten."""
        formset = CaseEntryFormSet(
            initial=[
                {"entry": entry.pk, "title": title.text, "text": text.text}
                for entry, title, text in rows
            ],
            form_kwargs={"trajectory": trajectory},
        )
        self.audit_shown(
            request, AuditEvent.Action.VIEW, [trajectory], plain=[r[0] for r in rows]
        )
        return self._case_render(
            request,
            trajectory,
            "admin/dossiers/trajectory/intervision_preview.html",
            {
                "title": _("Intervision case: preview"),
                "case_title": intervision.case_title(trajectory=trajectory),
                "formset": formset,
                "case_form": case_form,
                "rows": [
                    (form, *row) for form, row in zip(formset.forms, rows, strict=True)
                ],
            },
            status=status,
        )

    def _case_render(self, request, trajectory, template, context, *, status=200):
        change_url = reverse("admin:dossiers_trajectory_change", args=[trajectory.pk])
        response = TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "trajectory": trajectory,
                "change_url": change_url,
                **context,
            },
            status=status,
        )
        # The preview holds case text: never kept by a browser or a proxy.
        response["Cache-Control"] = "private, no-store"
        return response

    def intervision_pdf_view(self, request, object_id):
        """Return the case as a PDF (POST only), its texts scrubbed once more."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        trajectory = self._case_trajectory(request, object_id)
        formset = CaseEntryFormSet(request.POST, form_kwargs={"trajectory": trajectory})
        if not formset.is_valid():
            return self._case_refused(request, trajectory)
        scrub = intervision.case_scrubber(trajectory=trajectory)
        rows = _scrubbed_rows(formset, scrub)
        case_form = _case_form(request.POST, scrub)
        if case_form.errors:
            return self._case_preview(request, trajectory, rows, case_form, status=400)
        title = intervision.case_title(trajectory=trajectory)
        pdf = intervision.case_pdf(
            title=title,
            question=scrub(case_form.cleaned_data["question"]),
            entries=[
                intervision.CaseEntry(entry=entry, title=t, body=b)
                for entry, t, b in rows
            ],
        )
        intervision.intervision_case_export(
            actor=request.user,
            trajectory=trajectory,
            entries=[r[0] for r in rows],
            request=request,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        name = title.split(" ")[1]  # "2026-12": no name, nothing of the client
        response["Content-Disposition"] = (
            f'attachment; filename="intervisie-casus-{name}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
