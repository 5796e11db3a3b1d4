"""The breach register in the admin: the record, its steps, its notices.

The record's form follows the AP's notification form. The steps (assess,
decide, select, release, report, PDF, close) are pages of their own, each one
form and one service call. Breaches are never deleted (GDPR art. 33(5)).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from breaches import escalation, forms, pdf, selectors, services
from breaches.models import ApReport, Breach, Notice, RiskAssessment, Selection
from clients.selectors import coaches_for_user
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record, audit_record_many
from refleact.practiceadmin import PracticeModelAdmin


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return getattr(request.user, "works_in_practice", False)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AssessmentInline(_ReadOnlyInline):
    model = RiskAssessment
    fields = (
        "version",
        "score",
        "band",
        "proposes_ap",
        "reasoning",
        "assessed_by",
        "assessed_at",
    )
    readonly_fields = fields


class ReportInline(_ReadOnlyInline):
    model = ApReport
    fields = ("kind", "reported_at", "ap_reference", "note", "recorded_by")
    readonly_fields = fields


class SelectionInline(_ReadOnlyInline):
    model = Selection
    fields = ("number", "proposed_by", "proposed_at", "confirmed_by", "confirmed_at")
    readonly_fields = fields


STEPS = ("assess", "decide", "select", "release", "report", "close")


@admin.register(Breach)
class BreachAdmin(PracticeModelAdmin):
    selector = selectors.breaches_for_user
    form = forms.BreachForm
    change_form_template = "breaches/breach_change_form.html"
    list_display = (
        "reference",
        "discovered_at",
        "client_deadline",
        "ap_deadline",
        "closed_at",
    )
    date_hierarchy = None
    inlines = (AssessmentInline, SelectionInline, ReportInline)
    readonly_fields = (
        "encryption_fact",
        "recorded_by",
        "recorded_at",
        "ap_decision",
        "clients_decision",
        "decision_reasoning",
        "decided_by",
        "decided_at",
        "notices_released_at",
        "escalated_at",
        "closed_at",
    )
    fieldsets = (
        (
            gettext_lazy("Discovery"),
            {"fields": ("discovered_at", "discovered_how", "occurred_at", "ongoing")},
        ),
        (
            gettext_lazy("Nature"),
            {
                "fields": (
                    "summary",
                    "nature",
                    "loss_of_confidentiality",
                    "loss_of_integrity",
                    "loss_of_availability",
                )
            },
        ),
        (
            gettext_lazy("Data and people affected"),
            {
                "fields": (
                    "data_categories",
                    "special_categories",
                    "special_categories_note",
                    "people_min",
                    "people_max",
                    "records_min",
                    "records_max",
                    "systems_affected",
                    "trajectory_kinds",
                )
            },
        ),
        (
            gettext_lazy("Measures beforehand"),
            {"fields": ("measures_before", "encryption_fact")},
        ),
        (
            gettext_lazy("Consequences"),
            {
                "fields": (
                    "consequences_established",
                    "consequences_expected",
                    "consequence_kinds",
                )
            },
        ),
        (
            gettext_lazy("Measures taken and planned"),
            {"fields": ("measures_taken", "measures_planned")},
        ),
        (
            gettext_lazy("Notice to clients"),
            {"fields": ("notice_text", "notice_text_en", "not_told_reason")},
        ),
        (
            gettext_lazy("Cross-border"),
            {"fields": ("cross_border", "cross_border_note")},
        ),
        (
            gettext_lazy("Reporter"),
            {
                "fields": (
                    "reporter_name",
                    "reporter_role",
                    "reporter_email",
                    "reporter_phone",
                )
            },
        ),
        (
            gettext_lazy("Decision and evidence"),
            {
                "fields": (
                    "recorded_by",
                    "recorded_at",
                    "ap_decision",
                    "clients_decision",
                    "decision_reasoning",
                    "decided_by",
                    "decided_at",
                    "notices_released_at",
                    "escalated_at",
                    "closed_at",
                )
            },
        ),
    )

    @admin.display(description=gettext_lazy("reference"))
    def reference(self, obj):
        return obj.reference

    @admin.display(description=gettext_lazy("clients told by"))
    def client_deadline(self, obj):
        return obj.client_deadline

    @admin.display(description=gettext_lazy("AP told by"))
    def ap_deadline(self, obj):
        return obj.ap_deadline

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # GDPR art. 33(5): every breach is kept

    def save_model(self, request, obj, form, change):
        if change:
            services.breach_update(breach=obj, actor=request.user, request=request)
        else:
            fields = {
                f.name: getattr(obj, f.name)
                for f in Breach._meta.concrete_fields
                if f.editable and not f.primary_key and f.name != "holder_id"
            }
            saved = services.breach_record(
                actor=request.user, request=request, **fields
            )
            obj.pk = saved.pk
            obj._state.adding = False

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            context["steps"] = [
                (reverse(f"admin:breaches_breach_{s}", args=[obj.pk]), label)
                for s, label in self._step_labels()
            ] + [
                (
                    reverse("admin:breaches_breach_pdf", args=[obj.pk]),
                    _("PDF for the AP"),
                )
            ]
            context["banner"] = escalation.needs_banner(obj, now=timezone.now())
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _step_labels():
        return [
            ("assess", _("Assess the risk")),
            ("decide", _("Decide")),
            ("select", _("Affected clients")),
            ("release", _("Send the notices")),
            ("report", _("Report to the AP")),
            ("close", _("Close")),
        ]

    # -- the steps -------------------------------------------------------------
    def get_urls(self):
        own = [
            path(
                f"<path:object_id>/{step}/",
                self.admin_site.admin_view(self._step_view(step)),
                name=f"breaches_breach_{step}",
            )
            for step in STEPS
        ]
        own.append(
            path(
                "<path:object_id>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="breaches_breach_pdf",
            )
        )
        return own + super().get_urls()

    def _step_view(self, step):
        def view(request, object_id):
            if request.method not in ("GET", "POST"):
                return HttpResponseNotAllowed(["GET", "POST"])
            if not getattr(request.user, "works_in_practice", False):
                raise PermissionDenied
            breach = selectors.breach_get_for_user(user=request.user, pk=object_id)
            handler = getattr(self, f"_{step}")
            try:
                return handler(request, breach)
            except (ValidationError, PermissionDenied) as exc:
                for message in getattr(exc, "messages", None) or [
                    str(exc) or _("Not allowed.")
                ]:
                    messages.error(request, message)
                return HttpResponseRedirect(request.path)

        return view

    def _page(self, request, breach, *, title, form=None, **context):
        return render(
            request,
            "breaches/breach_step.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": breach,
                "title": title,
                "form": form,
                "back": reverse("admin:breaches_breach_change", args=[breach.pk]),
                **context,
            },
        )

    def _done(self, request, breach, message):
        messages.success(request, message)
        return HttpResponseRedirect(
            reverse("admin:breaches_breach_change", args=[breach.pk])
        )

    def _assess(self, request, breach):
        form = forms.AssessForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            assessment = services.risk_assess(
                breach=breach, actor=request.user, request=request, **form.cleaned_data
            )
            return self._done(
                request,
                breach,
                _("Severity %(score)s (%(band)s).")
                % {"score": assessment.score, "band": assessment.get_band_display()},
            )
        return self._page(
            request, breach, title=_("Assess the risk (ENISA)"), form=form
        )

    def _decide(self, request, breach):
        latest = breach.assessments.order_by("-version").first()
        form = forms.DecideForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.breach_decide(
                breach=breach, actor=request.user, request=request, **form.cleaned_data
            )
            return self._done(request, breach, _("The decision was recorded."))
        return self._page(
            request, breach, title=_("Decide"), form=form, assessment=latest
        )

    def _select(self, request, breach):
        draft = breach.selections.filter(confirmed_at=None).first()
        form = forms.ProposeForm(
            request.POST or None, coaches=coaches_for_user(user=request.user)
        )
        if request.method == "POST":
            if "propose" in request.POST and form.is_valid():
                services.selection_propose(
                    breach=breach,
                    actor=request.user,
                    kinds=form.cleaned_data["kinds"],
                    coach_ids=[c.pk for c in form.cleaned_data["coaches"]],
                    categories=form.cleaned_data["categories"],
                    request=request,
                )
                return HttpResponseRedirect(request.path)
            if draft is not None and "remove" in request.POST:
                ids = [i for i in request.POST.getlist("member") if i.isdigit()]
                services.selection_members_remove(
                    selection=draft, actor=request.user, member_ids=ids, request=request
                )
                return HttpResponseRedirect(request.path)
            if draft is not None and "confirm" in request.POST:
                services.breach_confirm_affected(
                    selection=draft, actor=request.user, request=request
                )
                return self._done(request, breach, _("The selection was confirmed."))
        members = []
        if draft is not None:
            members = list(
                selectors.selection_members_for_user(user=request.user)
                .filter(selection=draft)
                .select_related("client")
                .order_by("pk")[:1000]
            )
            shown = [m.client for m in members if m.client is not None]
            audit_record_many(
                request=request, action=AuditEvent.Action.LIST, objs=shown
            )
        confirmed = breach.selections.exclude(confirmed_at=None)
        return self._page(
            request,
            breach,
            title=_("Affected clients"),
            form=form,
            draft=draft,
            members=members,
            member_count=draft.members.count() if draft else 0,
            confirmed=confirmed,
            template_part="breaches/select_part.html",
        )

    def _release(self, request, breach):
        if request.method == "POST":
            services.breach_notices_release(
                breach=breach, actor=request.user, request=request
            )
            return self._done(request, breach, _("The notices are being sent."))
        counts = {
            label: breach.notices.filter(status=value).count()
            for value, label in Notice.Status.choices
        }
        return self._page(
            request,
            breach,
            title=_("Send the notices"),
            counts=counts,
            confirm_only=True,
        )

    def _report(self, request, breach):
        form = forms.ReportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.ap_report_record(
                breach=breach, actor=request.user, request=request, **form.cleaned_data
            )
            return self._done(request, breach, _("The report was recorded."))
        return self._page(request, breach, title=_("Report to the AP"), form=form)

    def _close(self, request, breach):
        if request.method == "POST":
            services.breach_close(breach=breach, actor=request.user, request=request)
            return self._done(
                request, breach, _("The breach was closed; it stays in the register.")
            )
        return self._page(request, breach, title=_("Close"), confirm_only=True)

    def pdf_view(self, request, object_id):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not getattr(request.user, "works_in_practice", False):
            raise PermissionDenied
        breach = selectors.breach_get_for_user(user=request.user, pk=object_id)
        audit_record(request=request, action=AuditEvent.Action.EXPORT, obj=breach)
        response = HttpResponse(
            pdf.breach_pdf(breach=breach), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{breach.reference}.pdf"'
        )
        return response


@admin.register(Notice)
class NoticeAdmin(PracticeModelAdmin):
    selector = selectors.notices_for_user
    list_display = (
        "__str__",
        "breach_reference",
        "client",
        "status",
        "attempts",
        "interrupted_attempts",
        "last_attempt_at",
        "sent_at",
        "server_answer",
        "reached_by_phone_at",
    )
    list_filter = ("status",)
    list_select_related = ("client", "breach")
    actions = ("mark_reached_by_phone",)
    fields = list_display[1:] + ("message_id", "next_attempt_at", "reached_by_phone_by")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("breach"))
    def breach_reference(self, obj):
        return obj.breach.reference

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the evidence that the 48 hours were met

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=gettext_lazy("Reached by phone now"))
    def mark_reached_by_phone(self, request, queryset):
        for notice in queryset:
            services.notice_phone_reached(
                notice=notice, actor=request.user, request=request
            )
        messages.success(request, _("Recorded."))
