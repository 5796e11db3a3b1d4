"""Erasing a client who was notified keeps the evidence and nothing that names them."""

from __future__ import annotations

import pytest
from django.core import checks

from breaches import sending
from breaches.models import Notice, SelectionMember
from breaches.tests.conftest import ready_to_send, record, release
from refleact.audit.models import AuditEvent
from refleact.erasure.registry import Erasure, Rule, covered_models
from refleact.erasure.services import holder_erase
from refleact.testing.factories import ClientFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def test_breach_models_are_covered_by_the_erasure_registry():
    assert {"breaches.notice", "breaches.selectionmember"} <= covered_models()
    assert [e for e in checks.run_checks() if e.id.startswith("erasure.")] == []


def test_erasing_a_notified_client_leaves_the_evidence_and_no_identifying_value(
    owner, coach
):
    person = ClientFactory(
        first_name="Wiebrich",
        last_name="Terpstra",
        phone="+31611122233",
        coaches=[coach],
    )
    other = ClientFactory(coaches=[coach])
    for c in (person, other):
        TrajectoryFactory(client=c, coach=coach)
    breach = record(owner)
    ready_to_send(breach, owner)
    release(breach, owner)
    sending.breach_notices_send()
    notice = Notice.objects.get(client=person)
    values = {person.first_name, person.last_name, person.email, person.phone}

    holder_erase(
        erasure=Erasure(
            holder_id=person.holder_id, kind="clients.Client", rule=Rule.DELETE
        )
    )

    notice.refresh_from_db()
    assert notice.client_id is None and notice.status == Notice.Status.SENT
    assert notice.sent_at is not None  # the 48 hours can still be proven
    member = SelectionMember.objects.get(holder_id=person.holder_id)
    assert member.client_id is None
    stored = " ".join(
        str(v)
        for row in Notice.objects.filter(holder_id=person.holder_id).values()
        for v in row.values()
    ) + " ".join(
        str(v)
        for row in SelectionMember.objects.filter(holder_id=person.holder_id).values()
        for v in row.values()
    )
    assert not [v for v in values if v and v in stored]
    assert str(person.pk) not in stored
    assert Notice.objects.get(client=other).status == Notice.Status.SENT
    # The access log names rows by holder, never by value.
    logged = " ".join(str(r) for r in AuditEvent.objects.values_list())
    assert not [v for v in values if v and v in logged]
