"""Breaches' test helpers: a recorded breach, a practice of clients, a mail server."""

from __future__ import annotations

import logging
import socket
from decimal import Decimal

import pytest
from django.utils import timezone

from breaches import services
from breaches.models.register import Decision, NotToldReason  # noqa: F401

NOTICE_TEXT = (
    "Op maandag is een laptop van de praktijk gestolen. De gegevens op de laptop "
    "waren versleuteld. Mogelijk getroffen zijn namen en e-mailadressen van "
    "cliënten. Wij hebben de wachtwoorden gewijzigd en de laptop op afstand gewist."
)


def record(actor, *, discovered_at=None, **extra):
    fields = {
        "discovered_at": discovered_at or timezone.now(),
        "discovered_how": "De coach merkte de diefstal op.",
        "summary": "Laptop gestolen uit de auto.",
        "nature": ["stolen"],
        "loss_of_confidentiality": True,
        "reporter_name": "Olga Eigenaar",
        "reporter_role": "eigenaar",
        "reporter_email": "olga@refleact.nl",
        "notice_text": NOTICE_TEXT,
    }
    fields.update(extra)
    return services.breach_record(actor=actor, **fields)


def assess_and_decide(breach, owner, *, notify=True):
    services.risk_assess(
        breach=breach,
        actor=owner,
        dpc=Decimal(1),
        ei=Decimal("0.75"),
        cb_confidentiality=Decimal("0.5"),
        reasoning="Versleutelde laptop, eenvoudige gegevens.",
    )
    return services.breach_decide(
        breach=breach,
        actor=owner,
        ap_decision=Decision.NOTIFY,
        clients_decision=Decision.NOTIFY if notify else Decision.DO_NOT_NOTIFY,
        not_told_reason="" if notify else NotToldReason.UNINTELLIGIBLE,
        reasoning="Beleid: elke cliënt wordt geïnformeerd.",
    )


def ready_to_send(breach, owner):
    """Assess, decide, propose and confirm; return the confirmed selection."""
    assess_and_decide(breach, owner)
    selection = services.selection_propose(breach=breach, actor=owner)
    return services.breach_confirm_affected(selection=selection, actor=owner)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback, in this process."""
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.messages = []
            self.refuse_rcpt = set()  # addresses answered with 550
            self.busy = 0  # the next n messages are answered with 451

        async def handle_RCPT(self, server, session, envelope, address, options):
            if address in self.refuse_rcpt:
                return f"550 5.1.1 <{address}> no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            if self.busy:
                self.busy -= 1
                return "451 4.3.0 try again later"
            self.messages.append(envelope)
            return f"250 2.0.0 queued as {len(self.messages)}"

    handler = Handler()
    handler.port = free_port()
    # aiosmtpd logs each connection at INFO from its own thread, into whatever
    # handler an earlier test's captured stream left on the root logger (a
    # closed file by then: "--- Logging error ---" in the run's output).
    server_log = logging.getLogger("mail.log")
    level = server_log.level
    server_log.setLevel(logging.WARNING)
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()
    server_log.setLevel(level)


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    return smtp_server


def release(breach, owner):
    """Release the notices and run what the release enqueued on commit."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.breach_notices_release(breach=breach, actor=owner)
