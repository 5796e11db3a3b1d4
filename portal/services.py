"""Writes of the portal: accounts, links, corrections, requests, and the client's
own answers, which go through the other apps' services.

Keyword-only, atomic, validated, audited; e-mails leave on commit and carry no
personal data (portal/notices.py).
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from clients.services import client_save
from consent.models import ConsentRecord
from consent.services import consent_decide, policy_notice_seen
from dossiers.models import DossierEntry, Evaluation, Quote, Trajectory
from dossiers.quote_services import quote_accept
from dossiers.services import dossier_entry_save, evaluation_save
from portal import deadlines, notices
from portal.models import PortalAccount, PortalRequest, PortalToken
from portal.tokens import token_digest, token_looks_valid, token_new
from refleact.accounts.services import login_records_forget
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record
from refleact.erasure.registry import Erasure, Rule
from refleact.erasure.services import holder_erase
from refleact.keystore.models import Tombstone

Purpose = PortalToken.Purpose
# Which page each kind of link opens (the token travels in the path, once).
LINK_VIEWS = {
    Purpose.INVITATION: "portal:invitation",
    Purpose.RESET: "portal:reset_confirm",
    Purpose.EMAIL: "portal:email_confirm",
}
EMAIL_KINDS = {
    Purpose.INVITATION: "invitation",
    Purpose.RESET: "reset",
    Purpose.EMAIL: "email_confirm",
}


def _send_on_commit(message) -> None:
    transaction.on_commit(lambda: message.send())


def _link_path(purpose: str, token: str) -> str:
    return reverse(LINK_VIEWS[purpose], kwargs={"token": token})


def _token_issue(
    *, account: PortalAccount, purpose: str, to: str, new_email: str = ""
) -> str:
    """Revoke the account's open links of this purpose, issue one, mail it."""
    now = timezone.now()
    # Only the newest link of a purpose works.
    PortalToken.objects.filter(
        account=account, purpose=purpose, used_at=None, revoked_at=None
    ).update(revoked_at=now)
    token = token_new()
    row = PortalToken(
        holder_id=account.holder_id,
        account=account,
        purpose=purpose,
        digest=token_digest(token),
        new_email=new_email,
        created_at=now,
        expires_at=now + timedelta(hours=settings.PORTAL_INVITATION_HOURS),
    )
    row.full_clean()
    row.save()
    _send_on_commit(
        notices.portal_email(
            kind=EMAIL_KINDS[purpose],
            to=to,
            language=account.client.language,
            path=_link_path(purpose, token),
        )
    )
    return token


def token_find(*, token: str, purpose: str, lock: bool = False) -> PortalToken | None:
    """Return the usable link for this token: not spent, revoked or expired."""
    if not token_looks_valid(token):
        return None
    rows = PortalToken.objects.select_related("account__client", "account__user")
    if lock:
        rows = rows.select_for_update()
    row = rows.filter(
        digest=token_digest(token), purpose=purpose, used_at=None, revoked_at=None
    ).first()
    if row is None or row.expires_at <= timezone.now():
        return None
    return row


@transaction.atomic
def account_invite(
    *, actor, client: Client, request=None, send_email: bool = True
) -> PortalAccount:
    """Give the client a portal account (if none) and e-mail a new invitation.

    The login's username is a random handle: nothing derived from e-mail or name.
    An account whose invitation was already used gets no new one (a reset does).
    """
    client = Client.objects.select_for_update().get(pk=client.pk)
    account = PortalAccount.objects.filter(client=client).first()
    if account is not None and account.activated_at is not None:
        raise ValidationError(
            _("This client already uses the portal; they can reset their password.")
        )
    if not isinstance(client.email, str) or not client.email:
        raise ValidationError(_("This client has no e-mail address to invite."))
    if account is None:
        user = get_user_model()(
            username="client-" + secrets.token_hex(8),
            holder_id=client.holder_id,
            is_staff=False,
            is_active=True,
        )
        user.set_unusable_password()
        user.save()
        account = PortalAccount(holder_id=client.holder_id, client=client, user=user)
        account.full_clean()
        account.save()
        audit_record(
            request=request, actor=actor, action=AuditEvent.Action.CREATE, obj=account
        )
    if send_email:  # the demo sets a password itself
        _token_issue(account=account, purpose=Purpose.INVITATION, to=client.email)
    return account


def _password_set(*, token: str, purpose: str, password: str, request) -> PortalAccount:
    row = token_find(token=token, purpose=purpose, lock=True)
    if row is None:
        raise ValidationError(_("This link is no longer valid."), code="invalid_link")
    user = row.account.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    now = timezone.now()
    # Spent only now, by the form's submission: a GET (a mail scanner) spends nothing.
    PortalToken.objects.filter(pk=row.pk).update(used_at=now)
    account = row.account
    if account.activated_at is None:
        account.activated_at = now
        account.save(update_fields=["activated_at"])
    audit_record(
        request=request, actor=user, action=AuditEvent.Action.CHANGE, obj=account
    )
    return account


@transaction.atomic
def invitation_accept(*, token: str, password: str, request=None) -> PortalAccount:
    """Set the first password through the invitation link, which is then spent."""
    return _password_set(
        token=token, purpose=Purpose.INVITATION, password=password, request=request
    )


@transaction.atomic
def password_reset_request(*, account: PortalAccount | None) -> None:
    """E-mail a reset link to an activated account; nothing for anything else.

    The caller answers the same whatever happens here, so the page does not tell
    whether an address belongs to a client.
    """
    if account is None or account.activated_at is None:
        return
    _token_issue(account=account, purpose=Purpose.RESET, to=account.client.email)


@transaction.atomic
def password_reset_confirm(*, token: str, password: str, request=None) -> PortalAccount:
    account = _password_set(
        token=token, purpose=Purpose.RESET, password=password, request=request
    )
    _generation_raise(account)  # every other session of the account ends
    return account


def _generation_raise(account: PortalAccount) -> None:
    PortalAccount.objects.filter(pk=account.pk).update(
        session_generation=account.session_generation + 1
    )
    account.refresh_from_db(fields=["session_generation"])


@transaction.atomic
def account_logout_everywhere(*, account: PortalAccount, request=None) -> None:
    """End every session of this account, this one included."""
    _generation_raise(account)
    audit_record(
        request=request,
        actor=account.user,
        action=AuditEvent.Action.CHANGE,
        obj=account,
    )


@transaction.atomic
def email_change_request(
    *, account: PortalAccount, new_email: str, request=None
) -> None:
    """Mail a confirmation link to the new address; it takes effect only when used."""
    validate_email(new_email)
    if new_email.strip().lower() == str(account.client.email).strip().lower():
        raise ValidationError(_("This is already your e-mail address."))
    _token_issue(
        account=account, purpose=Purpose.EMAIL, to=new_email, new_email=new_email
    )
    audit_record(
        request=request,
        actor=account.user,
        action=AuditEvent.Action.CHANGE,
        obj=account,
    )


@transaction.atomic
def email_change_confirm(*, token: str, request=None) -> PortalAccount:
    """Make the new address the client's; the old one gets a notice without data."""
    row = token_find(token=token, purpose=Purpose.EMAIL, lock=True)
    if row is None:
        raise ValidationError(_("This link is no longer valid."), code="invalid_link")
    account = row.account
    client = Client.objects.select_for_update().get(pk=account.client_id)
    old = client.email
    client.email = row.new_email
    # The clients service validates, checks uniqueness and writes the audit row
    # the coach sees on the client's page.
    client_save(actor=account.user, client=client, request=request)
    PortalToken.objects.filter(pk=row.pk).update(used_at=timezone.now())
    if isinstance(old, str) and old and old != client.email:
        # The old address is recorded nowhere once replaced: its login records
        # (keyed digests of it, in the key store) go now, not at erasure.
        transaction.on_commit(lambda: login_records_forget(login_names=[old]))
        _send_on_commit(
            notices.portal_email(kind="email_changed", to=old, language=client.language)
        )
    return account


@transaction.atomic
def phone_change(*, account: PortalAccount, phone: str, request=None) -> Client:
    """Correct the client's phone number (normalised and audited by clients)."""
    client = Client.objects.select_for_update().get(pk=account.client_id)
    client.phone = phone
    return client_save(actor=account.user, client=client, request=request)


@transaction.atomic
def language_set(*, account: PortalAccount, language: str, request=None) -> None:
    """Remember the client's language: the portal's pages and e-mails use it."""
    if language not in ("nl", "en"):
        raise ValidationError(_("Choose Dutch or English."))
    client = Client.objects.select_for_update().get(pk=account.client_id)
    if client.language != language:
        client.language = language
        client_save(actor=account.user, client=client, request=request)


# -- what the client adds or answers ----------------------------------------------


def dossier_share(
    *,
    account: PortalAccount,
    trajectory: Trajectory,
    title: str,
    body: str = "",
    attachment=None,
    request=None,
) -> DossierEntry:
    """Add what the client chooses to share to their dossier (client information).

    Policy: "De cliënt beslist zelf welke inhoudelijke en persoonlijke gegevens
    hij of zij aan Refleact ter beschikking stelt." Sealed under the client's
    key by the dossiers service; their coach sees it in the admin.
    """
    entry = DossierEntry(
        trajectory=trajectory,
        kind=DossierEntry.Kind.CLIENT_INFORMATION,
        title=title,
        body=body,
        attachment=attachment,
    )
    return dossier_entry_save(actor=account.user, entry=entry, request=request)


def evaluation_answers_text(evaluation: Evaluation, answers: list[str]) -> str:
    """Return the answers as stored: each question, then its answer."""
    parts = []
    for question, answer in zip(evaluation.question_list(), answers, strict=True):
        parts.append(f"{question}\n{answer.strip()}")
    return "\n\n".join(parts)


@transaction.atomic
def evaluation_submit(
    *, account: PortalAccount, evaluation: Evaluation, answers: list[str], request=None
) -> Evaluation:
    """Submit the client's answers to an open evaluation, once."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.submitted_at is not None:
        raise ValidationError(_("This evaluation was already submitted."))
    if not any(a.strip() for a in answers):
        raise ValidationError(_("Answer at least one question."))
    evaluation.answers = evaluation_answers_text(evaluation, answers)
    return evaluation_save(actor=account.user, evaluation=evaluation, request=request)


def quote_accept_by_client(
    *, account: PortalAccount, quote: Quote, request=None
) -> Quote:
    return quote_accept(actor=account.user, quote=quote, request=request)


def consent_answer(
    *,
    account: PortalAccount,
    purpose,
    decision: str,
    occasion=None,
    shown_digest: str | None = None,
    request=None,
) -> ConsentRecord:
    """Record the client's own answer through the consent ledger (method: portal)."""
    return consent_decide(
        client=account.client,
        purpose=purpose,
        occasion=occasion,
        decision=decision,
        method=ConsentRecord.Method.PORTAL,
        actor=account.user,
        language=account.client.language,
        shown_digest=shown_digest,
        request=request,
    )


def policy_notice_acknowledge(*, account: PortalAccount, version: int) -> bool:
    return policy_notice_seen(user=account.user, version=version)


# -- requests (GDPR arts. 12(3), 15-21) -------------------------------------------


@transaction.atomic
def request_submit(
    *, account: PortalAccount, kind: str, text: str, request=None, now=None
) -> PortalRequest:
    """Record a request; its deadline is one calendar month from receipt."""
    now = now or timezone.now()
    row = PortalRequest(
        holder_id=account.holder_id,
        client=account.client,
        kind=kind,
        text=text,
        received_at=now,
        due_on=deadlines.request_due_on(timezone.localdate(now)),
    )
    row.full_clean()
    row.save()
    audit_record(
        request=request, actor=account.user, action=AuditEvent.Action.CREATE, obj=row
    )
    return row


@transaction.atomic
def request_extend(
    *, actor, portal_request: PortalRequest, due_on: date, reason: str, request=None
) -> PortalRequest:
    """Extend a request's deadline once, by up to two further months, with a reason.

    GDPR art. 12(3): "That period may be extended by two further months where
    necessary ... The controller shall inform the data subject of any such
    extension ... together with the reasons for the delay." The client sees it.
    """
    row = PortalRequest.objects.select_for_update().get(pk=portal_request.pk)
    if row.extended_at is not None:
        raise ValidationError(_("A request's deadline can be extended only once."))
    if not row.is_open:
        raise ValidationError(_("This request has been answered."))
    if not reason or not reason.strip():
        raise ValidationError({"extension_reason": _("Give the reason for the delay.")})
    latest = deadlines.request_extension_max(timezone.localdate(row.received_at))
    if not row.due_on < due_on <= latest:
        raise ValidationError(
            {
                "due_on": _(
                    "The new deadline must fall after the current one and no later "
                    "than three months after receipt."
                )
            }
        )
    row.due_on = due_on
    row.extended_at = timezone.now()
    row.extension_reason = reason.strip()
    row.full_clean()
    row.save(update_fields=["due_on", "extended_at", "extension_reason"])
    audit_record(request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=row)
    _send_on_commit(
        notices.client_news_email(
            client=row.client, path=reverse("portal:request", args=[row.pk])
        )
    )
    return row


@transaction.atomic
def request_answer(
    *, actor, portal_request: PortalRequest, answer: str, request=None
) -> PortalRequest:
    """Answer a request; the client reads the answer in the portal."""
    row = PortalRequest.objects.select_for_update().get(pk=portal_request.pk)
    if not row.is_open:
        raise ValidationError(_("This request has been answered."))
    if not answer or not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    row.answer = answer.strip()
    row.status = PortalRequest.Status.ANSWERED
    row.answered_at = timezone.now()
    row.answered_by = actor
    row.full_clean()
    row.save(update_fields=["answer", "status", "answered_at", "answered_by"])
    audit_record(request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=row)
    _send_on_commit(
        notices.client_news_email(
            client=row.client, path=reverse("portal:request", args=[row.pk])
        )
    )
    return row


@transaction.atomic
def request_deletion_approve(
    *, actor, portal_request: PortalRequest, request=None
) -> Erasure:
    """Approve an open deletion request: erase the client (GDPR art. 17).

    Only the owner approves. The erasure is the retention sweep's own
    (``holder_erase``): every app's rows of the client go, the request with
    them (its inventory: erased with the client), invoices stay unlinked for
    their legal term; the key is destroyed on commit. A request to erase
    everything withdraws every consent (``keep_consented=False``): no contact
    record and no PR material is kept. Their mentions in what others hold (the
    trainings they took part in, the trajectories of the organisation they are
    a contact person of) are replaced (dossiers/participants.py). What outlives
    the client is the access-log row of the approval and the erasure journal
    entry, which hold no personal data, and the issued invoices.
    """
    if not getattr(actor, "is_owner", False):
        raise PermissionDenied
    row = PortalRequest.objects.select_for_update().get(pk=portal_request.pk)
    if row.kind != PortalRequest.Kind.DELETION:
        raise ValidationError(_("Only a deletion request can be approved."))
    if not row.is_open:
        raise ValidationError(_("This request has been answered."))
    client = Client.objects.select_for_update().get(pk=row.client_id)
    # Written before the rows go; it names ids only and is kept (art. 5(2)).
    audit_record(request=request, actor=actor, action=AuditEvent.Action.CHANGE, obj=row)
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.DELETE, obj=client
    )
    erasure = Erasure(
        holder_id=client.holder_id,
        kind="clients.Client",
        rule=Rule.DELETE,
        keep_consented=False,
        actor=actor,
    )
    # The trainings an organisation holds keep going without them: the dossiers
    # handler's ``prepare`` takes out their participation, their evaluations and
    # their mentions while the identification can still name them.
    return holder_erase(erasure=erasure, reason=Tombstone.Reason.ERASURE_REQUEST)
