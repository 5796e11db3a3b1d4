"""Forms of the breach pages: they parse and normalise; services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from breaches.enisa import EASE_VALUES
from breaches.models import ApReport, Breach
from breaches.models.register import (
    Consequence,
    DataCategory,
    Decision,
    Nature,
    NotToldReason,
)
from dossiers.models import Trajectory

_CHOICE_LISTS = {
    "nature": Nature.choices,
    "data_categories": DataCategory.choices,
    "trajectory_kinds": Trajectory.Kind.choices,
    "consequence_kinds": Consequence.choices,
}


class BreachForm(forms.ModelForm):
    """The register's form: lists of choices as checkboxes."""

    class Meta:
        model = Breach
        fields = (
            "discovered_at",
            "discovered_how",
            "occurred_at",
            "ongoing",
            "summary",
            "nature",
            "loss_of_confidentiality",
            "loss_of_integrity",
            "loss_of_availability",
            "data_categories",
            "special_categories",
            "special_categories_note",
            "people_min",
            "people_max",
            "records_min",
            "records_max",
            "systems_affected",
            "trajectory_kinds",
            "measures_before",
            "consequences_established",
            "consequences_expected",
            "consequence_kinds",
            "measures_taken",
            "measures_planned",
            "notice_text",
            "notice_text_en",
            "not_told_reason",
            "cross_border",
            "cross_border_note",
            "reporter_name",
            "reporter_role",
            "reporter_email",
            "reporter_phone",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in _CHOICE_LISTS.items():
            if name in self.fields:
                field = self.fields[name]
                self.fields[name] = forms.MultipleChoiceField(
                    label=field.label,
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
                if self.instance.pk:
                    self.initial[name] = list(getattr(self.instance, name) or [])


_CB = [(Decimal(v), v) for v in ("0", "0.25", "0.5")]


class AssessForm(forms.Form):
    dpc = forms.DecimalField(
        label=_("Data processing context (1-4)"),
        min_value=1,
        max_value=4,
        decimal_places=2,
        help_text=_("1 simple data (names, contact) ... 4 sensitive data."),
    )
    ei = forms.TypedChoiceField(
        label=_("Ease of identification"),
        choices=[(str(v), str(v)) for v in EASE_VALUES],
        coerce=Decimal,
    )
    cb_confidentiality = forms.TypedChoiceField(
        label=_("Loss of confidentiality"), choices=_CB, coerce=Decimal, initial="0"
    )
    cb_integrity = forms.TypedChoiceField(
        label=_("Loss of integrity"), choices=_CB, coerce=Decimal, initial="0"
    )
    cb_availability = forms.TypedChoiceField(
        label=_("Loss of availability"), choices=_CB, coerce=Decimal, initial="0"
    )
    cb_malicious = forms.TypedChoiceField(
        label=_("Malicious intent"), choices=_CB, coerce=Decimal, initial="0"
    )
    reasoning = forms.CharField(label=_("Reasoning"), widget=forms.Textarea)


class DecideForm(forms.Form):
    _choices = [
        (Decision.NOTIFY, Decision.NOTIFY.label),
        (Decision.DO_NOT_NOTIFY, Decision.DO_NOT_NOTIFY.label),
    ]
    ap_decision = forms.ChoiceField(label=_("Report to the AP"), choices=_choices)
    clients_decision = forms.ChoiceField(label=_("Notify clients"), choices=_choices)
    not_told_reason = forms.ChoiceField(
        label=_("If clients are not told: why"),
        choices=NotToldReason.choices,
        required=False,
    )
    reasoning = forms.CharField(label=_("Reasoning"), widget=forms.Textarea)


class ProposeForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Only trajectories of these kinds"),
        choices=Trajectory.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=_("Only clients with data of these categories"),
        choices=DataCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Dossier content and evaluations narrow to the clients who have them; "
            "the other categories every held client may have."
        ),
    )
    coaches = forms.ModelMultipleChoiceField(
        label=_("Only trajectories of these coaches"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coaches"].queryset = coaches


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ApReport.Kind.choices)
    reported_at = forms.DateTimeField(label=_("Reported at"))
    ap_reference = forms.CharField(
        label=_("AP reference number"), max_length=64, required=False
    )
    note = forms.CharField(
        label=_("What was reported"), widget=forms.Textarea, required=False
    )
