"""Every e-mail the system sends, sent for the demo practice: no personal value of
any client in a subject, a body (every MIME part) or a header (issue 15, 3).

The messages are not built by hand: the real services and every scheduled task
run with the locmem backend, and the check reads django.core.mail.outbox. Two
guards keep the list whole: every `*_subject.txt` e-mail template must have been
rendered for a sent message, and every module that builds or sends an e-mail
must be one this driver knows. The breach notice carries the practice's general
description (breaches/mail.py); it is held to the same check.
"""

from __future__ import annotations

import email.header
import email.utils
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.test.signals import template_rendered
from django.utils import timezone

from breaches.tests.conftest import ready_to_send, record
from clients.models import Client, Organisation
from clients.phone import phone_normalise
from consent.models import PolicyVersion
from dossiers import services as dossier_services
from dossiers.models import Trajectory
from portal import services as portal_services
from portal.models import PortalAccount, PortalRequest
from refleact.accounts.models import User
from refleact.testing.factories import AppointmentFactory, EvaluationFactory
from tests.security.flows import drive_sweeps

pytestmark = pytest.mark.django_db(databases="__all__")

ROOT = Path(settings.BASE_DIR)
# The modules that build or send e-mail, each driven below. A new one fails
# test_every_module_that_sends_mail_is_driven until the driver sends its mail.
SENDERS = {
    "breaches/mail.py",  # the breach notice, per client (notices_send task)
    "breaches/escalation.py",  # the 24-hour alert to staff (escalate task)
    "consent/notices.py",  # the policy change (policy_change_notify task)
    "consent/services.py",
    "portal/notices.py",  # invitation, reset, e-mail change, news (requests,
    # appointments and evaluations, through dossiers.extensions)
    "portal/services.py",
}
_MAIL_API = re.compile(
    r"\b(EmailMessage|EmailMultiAlternatives|send_mail|send_mass_mail|mail_admins"
    r"|mail_managers)\b|\.send\(\)"
)
_LINK_TOKEN = re.compile(r"/e-mail/([^/\s]+)/")


def _build_demo() -> None:
    from clients import demo as client_demo
    from consent import demo as consent_demo
    from dossiers import demo as dossier_demo
    from portal import demo as portal_demo
    from refleact.accounts import demo as account_demo

    out = io.StringIO()
    for builder in (account_demo, client_demo, dossier_demo, consent_demo, portal_demo):
        builder.build(stdout=out)


def personal_values() -> set[str]:
    """Every client's names, e-mail, phone (as typed and normalised), organisation."""
    values = set()
    for client in Client.objects.all():
        first, last = client.first_name, client.last_name
        if isinstance(first, str) and isinstance(last, str):
            values.add(f"{first} {last}")
        for value in (first, last, client.email):
            if isinstance(value, str):
                values.add(value)
        if isinstance(client.phone, str) and client.phone:
            values |= {client.phone, phone_normalise(client.phone)}
            if client.phone.startswith("+31"):
                values.add("0" + client.phone[3:])
    values |= {o.name for o in Organisation.objects.all() if isinstance(o.name, str)}
    return {v.strip() for v in values if v and len(v.strip()) >= 3}


def _texts(message: EmailMessage) -> list[tuple[str, str]]:
    """Return (where, text) for every header and decoded MIME part of a message."""
    parsed = message.message()
    own = {email.utils.parseaddr(address)[1] for address in message.to}
    texts = []
    for name, raw in parsed.items():
        value = str(email.header.make_header(email.header.decode_header(raw)))
        if name.lower() == "to":
            # The recipient's own address is where it must be; nothing else is.
            for address in own:
                value = value.replace(address, "")
        texts.append((f"header {name}", value))
    for part in parsed.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        texts.append(
            (f"part {part.get_content_type()}", payload.decode(charset, "replace"))
        )
    # What Django holds before encoding, in case a part's encoding hid a value.
    texts.append(("subject", message.subject))
    texts.append(("body", message.body))
    for content, mimetype in getattr(message, "alternatives", []) or []:
        texts.append((f"alternative {mimetype}", str(content)))
    return texts


def leaks(messages: list[EmailMessage], values: set[str]) -> list[str]:
    """Return where each personal value shows in the messages, and extra recipients."""
    found = []
    patterns = [
        (v, re.compile(rf"(?<![\w@.+-]){re.escape(v)}(?![\w@-])", re.I)) for v in values
    ]
    for index, message in enumerate(messages):
        if len(message.to) != 1 or message.cc or message.bcc or message.reply_to:
            found.append(f"message {index}: more than its one recipient")
        for where, text in _texts(message):
            for value, pattern in patterns:
                if pattern.search(text):
                    found.append(
                        f"message {index} ({message.subject!r}) {where}: {value}"
                    )
    return found


def _staff_with_addresses() -> None:
    for user in User.objects.filter(is_staff=True):
        if not user.email:
            user.email = f"staff-{user.pk}@refleact.example"
            user.save(update_fields=["email"])


def drive_every_email(capture_on_commit) -> None:
    """Send each kind of e-mail for the demo practice through its real service."""
    owner = User.objects.get(username="eigenaar")
    _staff_with_addresses()
    # Portal: an invitation for every client who has none yet (so every client
    # is a recipient), then reset, e-mail change and news for the demo's login.
    for client in Client.objects.all():
        if isinstance(client.email, str) and client.email:
            if not PortalAccount.objects.filter(client=client).exists():
                with capture_on_commit(execute=True):
                    portal_services.account_invite(actor=owner, client=client)
    account = PortalAccount.objects.filter(activated_at__isnull=False).first()
    assert account is not None, "the demo has an activated portal login"
    # A new appointment and a new evaluation tell the portal client (news).
    trajectory = (
        Trajectory.objects.filter(client=account.client)
        .exclude(status=Trajectory.Status.CLOSED)
        .first()
    )
    assert trajectory is not None, "the demo's login has an open trajectory"
    with capture_on_commit(execute=True):
        dossier_services.appointment_save(
            actor=owner, appointment=AppointmentFactory.build(trajectory=trajectory)
        )
    with capture_on_commit(execute=True):
        dossier_services.evaluation_save(
            actor=owner, evaluation=EvaluationFactory.build(trajectory=trajectory)
        )
    with capture_on_commit(execute=True):
        portal_services.password_reset_request(account=account)
    with capture_on_commit(execute=True):
        portal_services.email_change_request(
            account=account, new_email="nieuw.adres@example.invalid"
        )
    (token,) = _LINK_TOKEN.findall(mail.outbox[-1].body)
    with capture_on_commit(execute=True):
        portal_services.email_change_confirm(token=token)
    with capture_on_commit(execute=True):
        row = portal_services.request_submit(
            account=account, kind=PortalRequest.Kind.QUESTION, text="Mijn gegevens."
        )
    with capture_on_commit(execute=True):
        portal_services.request_answer(
            actor=owner, portal_request=row, answer="Zie het portaal."
        )
    # Consent: a new policy version today, sent by its beat task below.
    PolicyVersion.objects.create(
        version=PolicyVersion.objects.order_by("-version").first().version + 1,
        language="nl",
        effective_on=timezone.localdate(),
        text="# Nieuw beleid",
    )
    # Breaches: one with notices to every client, one 25 hours old with no
    # decision (the escalation's alert to staff).
    breach = record(owner, data_categories=["content", "contact"])
    ready_to_send(breach, owner)
    from breaches import services as breach_services

    with capture_on_commit(execute=True):
        breach_services.breach_notices_release(breach=breach, actor=owner)
    record(owner, discovered_at=timezone.now() - timedelta(hours=25))
    with capture_on_commit(execute=True):
        drive_sweeps()  # every beat task: notices, escalation, policy change...


@pytest.fixture
def sent(django_capture_on_commit_callbacks) -> tuple[list, set[str]]:
    """Return the outbox of every e-mail sent, and the subject templates used."""
    _build_demo()
    mail.outbox.clear()
    used: set[str] = set()

    def note(sender, template, context, **kwargs):
        used.add(template.origin.template_name or "")

    template_rendered.connect(note)
    try:
        drive_every_email(django_capture_on_commit_callbacks)
    finally:
        template_rendered.disconnect(note)
    return list(mail.outbox), used


def test_no_email_the_system_sends_holds_a_client_s_personal_value(sent):
    messages, used = sent
    values = personal_values()
    assert len(values) > 30  # the demo's clients, organisations and phones
    recipients = {m.to[0] for m in messages}
    assert len(messages) > 30
    # Every client with an address got mail, so each one's values were tested
    # in a message to them as well as in messages to others.
    assert {c.email for c in Client.objects.all() if isinstance(c.email, str)} - {
        "nieuw.adres@example.invalid"
    } <= recipients
    bodies = "\n".join(m.body for m in messages)
    assert "/portal/afspraken/" in bodies and "/portal/evaluaties/" in bodies
    assert leaks(messages, values) == []

    subjects = {
        str(p.relative_to(ROOT / "templates"))
        for p in (ROOT / "templates").rglob("*_subject.txt")
    }
    assert subjects and subjects <= used, subjects - used


def test_every_module_that_sends_mail_is_driven():
    found = set()
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "venv/", "tests/", "bench/")) or (
            "/tests/" in relative or "/migrations/" in relative
        ):
            continue
        if _MAIL_API.search(path.read_text(encoding="utf-8")):
            found.add(relative)
    assert found - SENDERS == set(), "a new e-mail: drive it in drive_every_email"
    # Django's own error mails would carry a request's data: nobody gets them.
    assert settings.ADMINS == [] and settings.MANAGERS == []


def _planted(kind: str, client: Client, other: Client) -> EmailMessage:
    to = [client.email]
    if kind == "subject":
        return EmailMessage(subject=f"Voor {client.first_name}", body="-", to=to)
    if kind == "html":
        message = EmailMultiAlternatives(subject="Nieuw", body="Zie link", to=to)
        message.attach_alternative(f"<p>Bel {client.phone}</p>", "text/html")
        return message
    if kind == "header":
        return EmailMessage(
            subject="Nieuw", body="-", to=to, headers={"X-Client": other.email}
        )
    if kind == "display_name":
        return EmailMessage(
            subject="Nieuw", body="-", to=[f"{client.last_name} <{client.email}>"]
        )
    if kind == "own_address_in_body":
        return EmailMessage(subject="Nieuw", body=f"Voor {client.email}", to=to)
    if kind == "organisation":
        name = Organisation.objects.exclude(pk=None).first().name
        return EmailMessage(subject="Nieuw", body=f"Namens {name}", to=to)
    if kind == "second_recipient":
        return EmailMessage(subject="Nieuw", body="-", to=to, cc=[other.email])
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "subject",
        "html",
        "header",
        "display_name",
        "own_address_in_body",
        "organisation",
        "second_recipient",
    ],
)
def test_a_planted_leaky_email_is_caught(kind):
    _build_demo()
    client, other = [
        c for c in Client.objects.all() if isinstance(c.email, str) and c.phone
    ][:2]
    mail.outbox.clear()
    _planted(kind, client, other).send()
    assert leaks(list(mail.outbox), personal_values()) != []
