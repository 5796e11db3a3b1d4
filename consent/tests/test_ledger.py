"""The consent ledger: latest decision wins, per client, purpose and occasion; never
changed or deleted by the application; on PostgreSQL not by raw SQL either, except
through the named erasure path."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from consent import selectors, services
from consent.models import ConsentRecord, Disclosure, Occasion
from consent.models.append_only import AppendOnlyError
from consent.models.ledger import CONTACT_AFTER, PR_PUBLICATION, material_digest
from refleact.audit.models import AuditEvent
from refleact.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db(databases="__all__")

GIVEN = ConsentRecord.Decision.GIVEN
REFUSED = ConsentRecord.Decision.REFUSED
WITHDRAWN = ConsentRecord.Decision.WITHDRAWN
PORTAL = ConsentRecord.Method.PORTAL


def decide(client, decision, *, purpose=CONTACT_AFTER, occasion=None, at=None):
    return services.consent_decide(
        client=client,
        purpose=purpose,
        occasion=occasion,
        decision=decision,
        method=PORTAL,
        decided_at=at,
    )


def current(client, *, purpose=CONTACT_AFTER, occasion=None):
    return selectors.consent_current(client=client, purpose=purpose, occasion=occasion)


@pytest.fixture
def client_(db):
    return ClientFactory()


def test_give_then_withdraw(client_):
    decide(client_, GIVEN)
    assert current(client_)
    decide(client_, WITHDRAWN)
    assert not current(client_)


def test_withdraw_then_give_again(client_):
    decide(client_, GIVEN)
    decide(client_, WITHDRAWN)
    decide(client_, GIVEN)
    assert current(client_)
    assert ConsentRecord.objects.filter(client=client_).count() == 3


def test_latest_decision_wins_not_latest_recorded(client_):
    now = timezone.now()
    decide(client_, REFUSED, at=now)
    # Recorded later, decided earlier (an e-mail reply typed in afterwards).
    decide(client_, GIVEN, at=now - timedelta(days=2))
    assert not current(client_)
    state = selectors.consent_state(client=client_, purpose=CONTACT_AFTER)
    assert state.decision == REFUSED


def test_withdrawing_what_was_never_given_is_refused(client_):
    with pytest.raises(ValidationError):
        decide(client_, WITHDRAWN)
    assert not ConsentRecord.objects.exists()


def test_occasions_are_independent(client_, coach):
    first = services.occasion_create(
        actor=coach,
        client=client_,
        what="testimonial",
        medium="Nieuwsbrief",
        material="A",
    )
    second = services.occasion_create(
        actor=coach, client=client_, what="logo", medium="Website", material="B"
    )
    decide(client_, GIVEN, purpose=PR_PUBLICATION, occasion=first)
    assert current(client_, purpose=PR_PUBLICATION, occasion=first)
    assert not current(client_, purpose=PR_PUBLICATION, occasion=second)
    # A per-occasion consent never stands in for the purpose as a whole.
    assert not current(client_, purpose=PR_PUBLICATION)


def test_a_decision_on_one_client_never_affects_another(client_):
    other = ClientFactory()
    decide(client_, GIVEN)
    assert current(client_)
    assert not current(other)
    decide(other, GIVEN)
    decide(other, WITHDRAWN)
    assert current(client_)


def test_a_decision_records_version_digest_method_language_and_audit(client_, coach):
    occasion = services.occasion_create(
        actor=coach, client=client_, what="opinion", medium="Blog", material="Goed!"
    )
    record = services.consent_decide(
        client=client_,
        purpose=PR_PUBLICATION,
        occasion=occasion,
        decision=GIVEN,
        method=PORTAL,
        shown_digest=material_digest("Goed!"),
    )
    record.refresh_from_db()
    assert record.holder_id == client_.holder_id
    assert record.policy_version == 1  # the seed policy, in force since 2018
    assert record.material_digest == material_digest("Goed!")
    assert record.language == client_.language
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_id=str(record.pk)
    ).exists()


def test_a_decision_on_other_material_than_shown_is_refused(client_, coach):
    occasion = services.occasion_create(
        actor=coach, client=client_, what="opinion", medium="Blog", material="Goed!"
    )
    with pytest.raises(ValidationError):
        services.consent_decide(
            client=client_,
            purpose=PR_PUBLICATION,
            occasion=occasion,
            decision=GIVEN,
            method=PORTAL,
            shown_digest=material_digest("Heel goed!"),
        )


def test_a_decision_recorded_by_the_coach_needs_evidence(client_, coach):
    with pytest.raises(ValidationError) as error:
        services.consent_decide(
            client=client_,
            purpose=CONTACT_AFTER,
            decision=GIVEN,
            method=ConsentRecord.Method.COACH,
            actor=coach,
        )
    assert "evidence_note" in error.value.message_dict
    record = services.consent_decide(
        client=client_,
        purpose=CONTACT_AFTER,
        decision=GIVEN,
        method=ConsentRecord.Method.COACH,
        actor=coach,
        evidence_note="Getekend formulier, intake 3 maart",
    )
    assert record.recorded_by == coach


def test_the_application_refuses_updates_and_deletes(client_):
    record = decide(client_, GIVEN)
    record.decision = REFUSED
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.filter(pk=record.pk).update(decision=REFUSED)
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.filter(pk=record.pk).delete()
    assert ConsentRecord.objects.get(pk=record.pk).decision == GIVEN


def _raw(sql: str, params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_postgresql_trigger_refuses_raw_update_and_delete(client_, coach):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the append-only trigger is PostgreSQL's (SQLite has no session setting to let erasure through)"
        )
    record = decide(client_, GIVEN)
    disclosure = services.disclosure_record(
        actor=coach,
        client=client_,
        kind="invoice",
        recipient="Bedrijf BV",
        basis="agreement",
        categories=["financial"],
    )
    for sql, pk in (
        (
            "UPDATE consent_consentrecord SET decision = 'refused' WHERE id = %s",
            record.pk,
        ),
        ("DELETE FROM consent_consentrecord WHERE id = %s", record.pk),
        ("UPDATE consent_disclosure SET kind = 'other' WHERE id = %s", disclosure.pk),
        ("DELETE FROM consent_disclosure WHERE id = %s", disclosure.pk),
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(sql, [pk])
    assert ConsentRecord.objects.get(pk=record.pk).decision == GIVEN
    assert Disclosure.objects.filter(pk=disclosure.pk).exists()


def test_the_erasure_path_removes_one_holders_records_only(client_, coach):
    other = ClientFactory()
    decide(client_, GIVEN)
    occasion = services.occasion_create(
        actor=coach, client=client_, what="case", medium="Vakblad", material="Casus"
    )
    decide(client_, GIVEN, purpose=PR_PUBLICATION, occasion=occasion)
    services.disclosure_record(
        actor=coach,
        client=client_,
        kind="report",
        recipient="Werkgever",
        basis="agreement",
        categories=["content"],
    )
    decide(other, GIVEN)
    with transaction.atomic():
        removed = services.consent_records_erase(holder_id=client_.holder_id)
    assert removed == 5  # the request, two answers, the disclosure, the occasion
    assert not ConsentRecord.objects.filter(client=client_).exists()
    assert not Occasion.objects.filter(client=client_).exists()
    assert not Disclosure.objects.filter(client=client_).exists()
    assert current(other)
    if connection.vendor == "postgresql":
        # The setting lasted only for the erasure's transaction.
        record = ConsentRecord.objects.get(client=other)
        with pytest.raises(DatabaseError, match="append-only"):
            _raw("DELETE FROM consent_consentrecord WHERE id = %s", [record.pk])


def test_an_expired_consent_no_longer_holds_and_only_a_given_one_expires(client_):
    with pytest.raises(ValidationError):
        services.consent_expire(client=client_, purpose=CONTACT_AFTER)
    decide(client_, GIVEN)

    record = services.consent_expire(client=client_, purpose=CONTACT_AFTER)

    assert record.method == ConsentRecord.Method.SYSTEM
    assert selectors.consent_state(client=client_, purpose=CONTACT_AFTER).decision == (
        ConsentRecord.Decision.EXPIRED
    )
    assert not current(client_)
