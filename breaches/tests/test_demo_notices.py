"""Every demo client's notice, e-mail and PDF, scanned for every personal value.

The demo builders make the practice a newcomer sees (clients, organisations,
trajectories, dossiers, consent, portal logins). A breach is recorded against
it, the selection narrowed by data category and then taken whole, and each
client's notice rendered as it would be sent.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest

from breaches import selectors, services
from breaches.mail import notice_email
from breaches.models import Notice
from breaches.pdf import notice_pdf
from breaches.tests.conftest import assess_and_decide, record
from clients.demo import ORGANISATIONS, demo_people
from clients.models import Client, Organisation
from clients.phone import phone_normalise
from refleact.accounts.models import User

pytestmark = pytest.mark.django_db(databases="__all__")


def _build_demo() -> None:
    from clients import demo as client_demo
    from consent import demo as consent_demo
    from dossiers import demo as dossier_demo
    from portal import demo as portal_demo
    from refleact.accounts import demo as account_demo

    out = io.StringIO()
    for builder in (account_demo, client_demo, dossier_demo, consent_demo, portal_demo):
        builder.build(stdout=out)


def _personal_values() -> set[str]:
    values = set(ORGANISATIONS)
    for p in demo_people():
        values |= {p["first_name"], p["last_name"], p["email"], p["phone"]}
        values.add(phone_normalise(p["phone"]))
    for client in Client.objects.all():
        for name in ("first_name", "last_name", "email", "phone"):
            value = getattr(client, name)
            if isinstance(value, str):
                values.add(value)
    values |= {o.name for o in Organisation.objects.all() if isinstance(o.name, str)}
    return {v for v in values if v and len(v) >= 3}


def _found(values: set[str], text: str) -> list[str]:
    return [v for v in values if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text, re.I)]


def test_no_demo_clients_notice_holds_a_personal_value():
    _build_demo()
    owner = User.objects.get(username="eigenaar")
    breach = record(owner, data_categories=["content", "contact"])
    assess_and_decide(breach, owner)
    everyone = {
        c.client_id for c in selectors.affected_candidates(at=breach.discovered_at)
    }
    content = {
        c.client_id
        for c in selectors.affected_candidates(
            at=breach.discovered_at, categories=["content"]
        )
    }
    assert content and content <= everyone  # the demo's dossiers narrow the set
    selection = services.selection_propose(breach=breach, actor=owner)
    services.breach_confirm_affected(selection=selection, actor=owner)
    notices = list(Notice.objects.filter(breach=breach).select_related("breach"))
    assert len(notices) == len(everyone) >= 10
    assert {n.language for n in notices} >= {"nl"}
    values = _personal_values()

    leaks = []
    for notice in notices:
        message = notice_email(
            breach=breach,
            message_id=notice.message_id,
            language=notice.language,
            to="someone@example.invalid",
            has_login=notice.client_id is not None,
        )
        leaks += _found(values, f"{message.subject}\n{message.body}")
    assert leaks == []

    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: bash scripts/setup installs poppler-utils")
    for language in {n.language for n in notices}:
        notice = next(n for n in notices if n.language == language)
        text = subprocess.run(
            ["pdftotext", "-", "-"],
            input=notice_pdf(notice=notice),
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert breach.reference in text
        assert _found(values, text) == []
