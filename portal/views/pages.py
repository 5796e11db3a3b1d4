"""The client's pages. Each starts with ``client_required``: the session's client,
and only theirs; every selector below takes that client, and a pk of anything
else is a 404. Every page that shows personal data records it in the access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from consent.models import ConsentRecord
from consent.models.ledger import CONTACT_AFTER
from consent.selectors import consent_state, purpose_get
from portal import secondfactor, selectors, services
from portal.access import client_required
from portal.forms import (
    EmailForm,
    EvaluationForm,
    PhoneForm,
    RequestForm,
    ShareForm,
)
from portal.snapshot import client_snapshot, retention_plan
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record_many

Decision = ConsentRecord.Decision


def _seen(request, objs) -> list:
    objs = [o for o in objs if o is not None]
    audit_record_many(request=request, action=AuditEvent.Action.VIEW, objs=objs)
    return objs


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_safe
@client_required
def home_view(request):
    client = request.client
    account = request.portal_account
    context = {
        "open_evaluations": selectors.evaluations_for_client(client=client)
        .filter(submitted_at=None)
        .count(),
        "open_quotes": selectors.quotes_for_client(client=client)
        .filter(status="draft")
        .count(),
        "open_occasions": len(_open_occasions(client)),
        "unseen_policy": selectors.policy_notices_for_account(account=account)
        .filter(seen_at=None)
        .count(),
        "breach_notices": len(selectors.breach_notices_for_client(client=client)),
        "open_requests": selectors.requests_for_client(client=client)
        .filter(status="open")
        .count(),
    }
    return render(request, "portal/home.html", context)


@require_safe
@client_required
def data_view(request):
    """Mijn gegevens: the whole snapshot, the same one the export holds."""
    client = request.client
    sections = []
    shown = []
    for section in client_snapshot(client=client):
        rows = list(section.rows())
        shown.extend(row.obj for row in rows)
        sections.append((section, rows))
    _seen(request, shown)
    plans = [
        (t, retention_plan(t))
        for trajectories in (
            selectors.trajectories_for_client(client=client),
            selectors.trainings_for_participant(client=client),
        )
        for t in trajectories
    ]
    return render(request, "portal/data.html", {"sections": sections, "plans": plans})


@require_http_methods(["GET", "POST"])
@client_required
def profile_view(request):
    account, client = request.portal_account, request.client
    email_form = EmailForm(prefix="email")
    phone_form = PhoneForm(prefix="phone", initial={"phone": client.phone})
    if request.method == "POST" and "email-email" in request.POST:
        email_form = EmailForm(request.POST, prefix="email")
        if email_form.is_valid():
            try:
                services.email_change_request(
                    account=account,
                    new_email=email_form.cleaned_data["email"],
                    request=request,
                )
            except ValidationError as exc:
                email_form.add_error("email", exc)
            else:
                messages.success(
                    request,
                    _(
                        "We sent a link to the new address. It takes effect once "
                        "you open that link and confirm."
                    ),
                )
                return redirect("portal:profile")
    elif request.method == "POST":
        phone_form = PhoneForm(request.POST, prefix="phone")
        if phone_form.is_valid():
            try:
                services.phone_change(
                    account=account,
                    phone=phone_form.cleaned_data["phone"],
                    request=request,
                )
            except ValidationError as exc:
                phone_form.add_error("phone", _errors(exc))
            else:
                messages.success(request, _("Your phone number has been saved."))
                return redirect("portal:profile")
    _seen(request, [client])
    context = {"email_form": email_form, "phone_form": phone_form}
    return render(request, "portal/profile.html", context)


@require_http_methods(["GET", "POST"])
@client_required
def dossier_view(request):
    client = request.client
    open_trajectories = [
        t
        for t in selectors.trajectories_for_client(client=client)
        if t.status != "closed" and t.kind == "coaching"
    ]
    form = ShareForm(
        request.POST or None, request.FILES or None, trajectories=open_trajectories
    )
    if request.method == "POST" and form.is_valid():
        trajectory = selectors.trajectory_get_for_client(
            client=client, pk=form.cleaned_data["trajectory"]
        )
        try:
            services.dossier_share(
                account=request.portal_account,
                trajectory=trajectory,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data.get("attachment"),
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Shared with your coach."))
            return redirect("portal:dossier")
    entries = _seen(request, selectors.entries_for_client(client=client))
    context = {"entries": entries, "form": form, "can_share": bool(open_trajectories)}
    return render(request, "portal/dossier.html", context)


@require_safe
@client_required
def appointments_view(request):
    appointments = _seen(
        request, selectors.appointments_for_client(client=request.client)
    )
    return render(request, "portal/appointments.html", {"appointments": appointments})


@require_safe
@client_required
def evaluations_view(request):
    evaluations = _seen(
        request, selectors.evaluations_for_client(client=request.client)
    )
    return render(request, "portal/evaluations.html", {"evaluations": evaluations})


@require_http_methods(["GET", "POST"])
@client_required
def evaluation_view(request, pk):
    evaluation = selectors.evaluation_get_for_client(client=request.client, pk=pk)
    if evaluation.submitted_at is not None:
        _seen(request, [evaluation])
        return render(request, "portal/evaluation.html", {"evaluation": evaluation})
    form = EvaluationForm(request.POST or None, questions=evaluation.question_list())
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(
                account=request.portal_account,
                evaluation=evaluation,
                answers=form.answers(),
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Thank you: your answers have been sent."))
            return redirect("portal:evaluations")
    return render(
        request, "portal/evaluation.html", {"evaluation": evaluation, "form": form}
    )


@require_safe
@client_required
def quotes_view(request):
    quotes = _seen(request, selectors.quotes_for_client(client=request.client))
    return render(request, "portal/quotes.html", {"quotes": quotes})


@require_POST
@client_required
def quote_accept_view(request, pk):
    quote = selectors.quote_get_for_client(client=request.client, pk=pk)
    try:
        services.quote_accept_by_client(
            account=request.portal_account, quote=quote, request=request
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("You accepted the quote."))
    return redirect("portal:quotes")


def _open_occasions(client) -> list:
    """The PR requests the client has not answered yet."""
    return [
        occasion
        for occasion in selectors.occasions_for_client(client=client)
        if consent_state(
            client=client, purpose=occasion.purpose, occasion=occasion
        ).decision
        is None
    ]


@require_safe
@client_required
def consents_view(request):
    client = request.client
    contact = consent_state(client=client, purpose=CONTACT_AFTER)
    occasions = [
        (o, consent_state(client=client, purpose=o.purpose, occasion=o))
        for o in selectors.occasions_for_client(client=client)
    ]
    records = list(selectors.consent_records_for_client(client=client))
    disclosures = list(selectors.disclosures_of(client=client))
    _seen(request, [*[o for o, _s in occasions], *records, *disclosures])
    context = {
        "contact": contact,
        "contact_purpose": purpose_get(key=CONTACT_AFTER),
        "occasions": occasions,
        "records": records,
        "disclosures": disclosures,
    }
    return render(request, "portal/consents.html", context)


@require_POST
@client_required
def consent_contact_view(request):
    decision = request.POST.get("decision")
    if decision not in (Decision.GIVEN, Decision.WITHDRAWN, Decision.REFUSED):
        messages.error(request, _("Choose an answer."))
        return redirect("portal:consents")
    try:
        services.consent_answer(
            account=request.portal_account,
            purpose=CONTACT_AFTER,
            decision=decision,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Your answer has been recorded."))
    return redirect("portal:consents")


@require_POST
@client_required
def consent_occasion_view(request, pk):
    occasion = selectors.occasion_get_for_client(client=request.client, pk=pk)
    decision = request.POST.get("decision")
    if decision not in (Decision.GIVEN, Decision.WITHDRAWN, Decision.REFUSED):
        messages.error(request, _("Choose an answer."))
        return redirect("portal:consents")
    try:
        services.consent_answer(
            account=request.portal_account,
            purpose=occasion.purpose,
            occasion=occasion,
            decision=decision,
            # The digest of the material the page showed: an answer to other
            # material than the occasion now holds is refused by consent.
            shown_digest=request.POST.get("digest", ""),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Your answer has been recorded."))
    return redirect("portal:consents")


@require_http_methods(["GET", "POST"])
@client_required
def notices_view(request):
    account, client = request.portal_account, request.client
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        if (
            version is not None
            and selectors.policy_notices_for_account(account=account)
            .filter(version=version)
            .exists()
        ):
            services.policy_notice_acknowledge(account=account, version=version)
            messages.success(request, _("Thank you: marked as read."))
        return redirect("portal:notices")
    context = {
        "policy_notices": list(selectors.policy_notices_for_account(account=account)),
        "breach_notices": _seen(
            request, selectors.breach_notices_for_client(client=client)
        ),
    }
    return render(request, "portal/notices.html", context)


@require_http_methods(["GET", "POST"])
@client_required
def requests_view(request):
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind, text = form.cleaned_data["kind"], form.cleaned_data["text"].strip()
        if not text and kind not in ("copy", "deletion"):
            form.add_error("text", _("Say what your request is about."))
        else:
            row = services.request_submit(
                account=request.portal_account, kind=kind, text=text, request=request
            )
            messages.success(request, _("Your request has been received."))
            return redirect("portal:request", pk=row.pk)
    rows = _seen(request, selectors.requests_for_client(client=request.client))
    return render(request, "portal/requests.html", {"requests": rows, "form": form})


@require_safe
@client_required
def request_view(request, pk):
    row = selectors.request_get_for_client(client=request.client, pk=pk)
    _seen(request, [row])
    return render(request, "portal/request.html", {"row": row})


@require_safe
@client_required
def account_view(request):
    account = request.portal_account
    context = {"second_factor": secondfactor.is_enabled(account=account)}
    if context["second_factor"]:
        context["codes_left"] = secondfactor.recovery_codes_left(account=account)
    return render(request, "portal/account.html", context)
