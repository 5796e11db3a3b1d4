"""The retention sweep: closing in the admin, then delete or pseudonymise on time."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from clients.models import Client
from dossiers import retention
from dossiers.models import (
    DossierEntry,
    Invoice,
    KnowledgeCase,
    KnowledgeItem,
    Trajectory,
)
from refleact.crypto import keyring
from refleact.erasure import services as erasure_services
from refleact.erasure.journal import journal_path
from refleact.erasure.models import ErasureJournalEntry, RetentionLogEntry
from refleact.keystore.models import DataKey, Tombstone
from refleact.testing.factories import (
    ClientFactory,
    DossierEntryFactory,
    EvaluationFactory,
    InvoiceFactory,
    TrajectoryFactory,
)
from refleact.testing.retention import CLOCK_AND_JOURNAL, DUE, NOW

pytestmark = [pytest.mark.django_db(databases="__all__"), CLOCK_AND_JOURNAL]


@pytest.fixture
def client_row(coach):
    return ClientFactory(
        coaches=[coach],
        first_name="Amira",
        last_name="Bakker",
        email="amira.bakker@voorbeeld.nl",
    )


@pytest.fixture
def trajectory(coach, client_row):
    trajectory = TrajectoryFactory(
        client=client_row,
        coach=coach,
        learning_question="Amira Bakker wil rust vinden in haar werk.",
    )
    DossierEntryFactory(
        trajectory=trajectory,
        title="Sessie met Amira",
        body="Amira vertelde over haar team bij het werk.",
    )
    DossierEntryFactory(
        trajectory=trajectory,
        kind=DossierEntry.Kind.THEORY,
        title="Johari",
        body="Het Johari-venster.",
    )
    return trajectory


def close(coach_http, trajectory, retention_choice):
    response = coach_http.post(
        reverse("admin:dossiers_trajectory_close", args=[trajectory.pk]),
        {"retention": retention_choice},
    )
    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.closed_at is not None


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(**kwargs):
        out = StringIO()
        # The key destruction and the journal file run on commit.
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_retention", stdout=out, **kwargs)
        return out.getvalue()

    return run


def test_delete_path_end_to_end(sweep, coach_http, clock, trajectory, client_row):
    holder = client_row.holder_id
    invoice = InvoiceFactory(
        trajectory=trajectory,
        status=Invoice.Status.ISSUED,
        number="2026-0001",
        issue_date=NOW.date(),
    )
    draft = InvoiceFactory(trajectory=trajectory)
    close(coach_http, trajectory, "delete")

    clock.move_to(DUE)
    output = sweep()

    assert (
        f"traject {trajectory.pk}: verwijderd, cliënt of organisatie gewist" in output
    )
    assert "Amira" not in output
    assert not Trajectory.objects.filter(pk=trajectory.pk).exists()
    assert not Client.objects.filter(pk=client_row.pk).exists()
    assert not DossierEntry.objects.filter(holder_id=holder).exists()
    assert not KnowledgeItem.objects.exists()
    invoice.refresh_from_db()
    assert invoice.trajectory_id is None and invoice.billing_name
    assert not Invoice.objects.filter(pk=draft.pk).exists()
    assert Tombstone.objects.filter(holder_id=holder).exists()
    assert not DataKey.objects.filter(holder_id=holder).exists()
    entry = ErasureJournalEntry.objects.get(holder_id=holder)
    assert entry.key_destroyed_at is not None and entry.rule == "delete"
    line = json.loads(journal_path().read_text().splitlines()[0])
    assert line["holder_id"] == str(holder)
    assert "Amira" not in journal_path().read_text()
    log = RetentionLogEntry.objects.get(trajectory_id=trajectory.pk)
    assert log.holder_erased and log.rule == "delete"
    assert "Amira" not in json.dumps([log.removed, log.kept])


def test_pseudonymise_path_keeps_scrubbed_content(sweep, coach_http, clock, trajectory):
    close(coach_http, trajectory, "pseudonymise")

    clock.move_to(DUE)
    sweep()

    case = KnowledgeCase.objects.get()
    assert case.pseudonym.startswith("Cliënt ")
    assert case.closed_in == dt.date(2026, 12, 1)
    texts = json.dumps([item.content for item in KnowledgeItem.objects.all()])
    assert "Amira" not in texts and "Bakker" not in texts
    assert "Johari" in texts and "team" in texts
    assert {str(i.holder_id) for i in KnowledgeItem.objects.all()} == {
        "00000000-0000-4000-8000-000000000001"
    }
    assert not Trajectory.objects.filter(pk=trajectory.pk).exists()


def test_grace_period_and_reopening(sweep, coach_http, coach, clock, trajectory):
    close(coach_http, trajectory, "delete")

    clock.move_to(NOW + dt.timedelta(days=29))
    sweep()
    assert Trajectory.objects.filter(pk=trajectory.pk).exists()
    coach_http.force_login(coach)  # the first session expired meanwhile
    response = coach_http.post(
        reverse("admin:dossiers_trajectory_reopen", args=[trajectory.pk])
    )
    assert response.status_code == 302

    clock.move_to(DUE)
    sweep()
    trajectory.refresh_from_db()
    assert trajectory.closed_at is None
    assert DossierEntry.objects.filter(trajectory=trajectory).count() == 2


def test_holder_with_another_trajectory_stays(
    sweep, coach_http, clock, coach, trajectory
):
    other = TrajectoryFactory(client=trajectory.client, coach=coach)
    close(coach_http, trajectory, "delete")

    clock.move_to(DUE)
    sweep()

    trajectory.refresh_from_db()
    assert trajectory.retention_done_at is not None
    assert trajectory.learning_question == ""
    assert not trajectory.entries.exists()
    assert Client.objects.filter(pk=trajectory.client_id).exists()
    assert Trajectory.objects.filter(pk=other.pk).exists()
    assert not Tombstone.objects.filter(holder_id=trajectory.holder_id).exists()


def test_open_end_evaluation_holds_back_until_twice_the_grace(
    sweep, coach_http, clock, trajectory
):
    EvaluationFactory(trajectory=trajectory, moment="end")
    close(coach_http, trajectory, "delete")

    clock.move_to(DUE)
    sweep()
    assert Trajectory.objects.filter(pk=trajectory.pk).exists()

    clock.move_to(NOW + dt.timedelta(days=61))
    sweep()
    assert not Trajectory.objects.filter(pk=trajectory.pk).exists()


def test_dry_run_changes_nothing(sweep, coach_http, clock, trajectory):
    close(coach_http, trajectory, "pseudonymise")

    clock.move_to(DUE)
    output = sweep(dry_run=True)

    assert "zou worden gepseudonimiseerd" in output
    assert Trajectory.objects.filter(pk=trajectory.pk).exists()
    assert not KnowledgeCase.objects.exists()
    assert not ErasureJournalEntry.objects.exists()
    assert not Tombstone.objects.filter(holder_id=trajectory.holder_id).exists()


def test_rerun_changes_nothing(sweep, coach_http, clock, trajectory):
    close(coach_http, trajectory, "pseudonymise")
    clock.move_to(DUE)
    sweep()
    counts = (KnowledgeItem.objects.count(), RetentionLogEntry.objects.count())

    output = sweep()

    assert "0 trajecten verwerkt" in output
    assert (KnowledgeItem.objects.count(), RetentionLogEntry.objects.count()) == counts


def test_error_midway_leaves_the_trajectory_untouched(
    sweep, coach_http, clock, trajectory, monkeypatch
):
    close(coach_http, trajectory, "delete")
    clock.move_to(DUE)

    def fail(**kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(retention, "holder_erase", fail)
    with pytest.raises(RuntimeError):
        sweep()
    assert DossierEntry.objects.filter(trajectory=trajectory).count() == 2
    assert not RetentionLogEntry.objects.exists()

    monkeypatch.undo()
    sweep()
    assert not Trajectory.objects.filter(pk=trajectory.pk).exists()


def test_killed_between_commit_and_destroy_rerun_destroys_the_key(
    sweep, coach_http, clock, trajectory, monkeypatch
):
    holder = trajectory.holder_id
    close(coach_http, trajectory, "delete")
    clock.move_to(DUE)
    # The worker dies after the data commit: the on-commit destruction never runs.
    monkeypatch.setattr(erasure_services, "key_destroy", lambda **kwargs: None)
    sweep()
    assert DataKey.objects.filter(holder_id=holder).exists()
    assert not Trajectory.objects.filter(pk=trajectory.pk).exists()

    monkeypatch.undo()
    output = sweep()

    assert "1 uitgestelde sleutelvernietigingen voltooid" in output
    assert not DataKey.objects.filter(holder_id=holder).exists()
    assert Tombstone.objects.filter(holder_id=holder).exists()


def test_invoices_removed_after_seven_years_from_the_financial_year_end(
    sweep, coach_http, clock, trajectory
):
    invoice = InvoiceFactory(
        trajectory=trajectory,
        status=Invoice.Status.ISSUED,
        number="2026-0002",
        issue_date=NOW.date(),
    )
    close(coach_http, trajectory, "delete")
    clock.move_to(DUE)
    sweep()

    clock.move_to(dt.datetime(2033, 12, 31, 12, 0, tzinfo=dt.UTC))
    sweep()
    assert Invoice.objects.filter(pk=invoice.pk).exists()

    clock.move_to(dt.datetime(2034, 1, 1, 12, 0, tzinfo=dt.UTC))
    sweep()
    assert not Invoice.objects.filter(pk=invoice.pk).exists()


def test_beat_task_runs_the_sweep(sweep, coach_http, clock, trajectory):
    from dossiers.tasks import retention_sweep_task
    from refleact.celery import app

    assert (
        app.conf.beat_schedule["retention-sweep"]["task"] == "dossiers.retention_sweep"
    )
    close(coach_http, trajectory, "delete")
    clock.move_to(DUE)

    assert retention_sweep_task.delay().get() == 1
    assert retention_sweep_task.delay().get() == 0


def test_reapply_after_restore_erases_the_holder_again(
    sweep, coach_http, clock, trajectory, client_row
):
    from refleact.crypto.blind import search

    holder = client_row.holder_id
    close(coach_http, trajectory, "delete")
    clock.move_to(DUE)
    sweep()
    # A restore of both databases from before the sweep brings the rows and the
    # key back; the journal file survives outside the backups.
    Tombstone.objects.filter(holder_id=holder).delete()
    ErasureJournalEntry.objects.all().delete()  # the table came back without it
    keyring.clear_cache()
    restored = ClientFactory(
        holder_id=holder,
        first_name="Amira",
        last_name="Bakker",
        email="amira.bakker@voorbeeld.nl",
    )
    assert DataKey.objects.filter(holder_id=holder).exists()

    out = StringIO()
    call_command("reapply_erasures", stdout=out)

    assert "1 gewiste sleutelhouders opnieuw gewist" in out.getvalue()
    assert not Client.objects.filter(pk=restored.pk).exists()
    assert not DataKey.objects.filter(holder_id=holder).exists()
    assert Tombstone.objects.filter(holder_id=holder).exists()
    assert not search(Client.objects.all(), "email_index", "amira.bakker@voorbeeld.nl")


def test_reapply_refuses_a_missing_journal_file(tmp_path):
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("reapply_erasures", journal=str(tmp_path / "none.jsonl"))
