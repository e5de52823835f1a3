"""The worker escalates risk alerts on time: the task is queued when an alert is committed, runs
at its escalation time, and escalates whatever is due."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from ipt.measures import services
from ipt.measures.models import EntryMode, RiskAlert
from ipt.measures.tasks import escalate_risk_alerts

from .support import NOW, phq9, sixth_session


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def alert(course, therapist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(
            appointment=sixth_session(course),
            instrument_code="PHQ9",
            answers=phq9(q9=1),
            entry_mode=EntryMode.CLIENT_ONLINE,
            by=None,
        )
    return RiskAlert.objects.get()


def test_it_queues_the_task_for_the_escalation_time(alert):
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "ipt.measures.tasks.escalate_risk_alerts"
    assert queued.run_after == alert.escalate_at == NOW + dt.timedelta(hours=24)
    assert queued.args_kwargs == {"args": [], "kwargs": {}}


def test_the_task_escalates_what_is_due_and_nothing_else(alert, supervisor, _now):
    assert escalate_risk_alerts.call() == 0
    _now.move_to(alert.escalate_at, tick=False)
    assert escalate_risk_alerts.call() == 1
    alert.refresh_from_db()
    assert alert.escalated_at == alert.escalate_at
    assert list(alert.escalated_to.all()) == [supervisor]


def test_the_worker_runs_the_task_once_it_is_due(alert, supervisor, _now, monkeypatch):
    # Between tasks the worker closes connections that are no longer usable. Inside the test's
    # transaction that would close the test's own connection (on PostgreSQL), so it is skipped.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert DBTaskResult.objects.get().status == "READY"
    assert RiskAlert.objects.get().escalated_at is None

    _now.move_to(alert.escalate_at + dt.timedelta(seconds=1), tick=False)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert RiskAlert.objects.get().escalated_at is not None


def test_the_command_escalates_what_is_due(alert, supervisor, _now):
    _now.move_to(alert.escalate_at, tick=False)
    out = StringIO()
    call_command("escalate_risk_alerts", stdout=out)
    assert out.getvalue().splitlines() == [
        "Sent 0 unsent questionnaire(s) holding a risk answer",
        "Escalated 1 risk alert(s)",
    ]
    assert RiskAlert.objects.get().escalated_at == alert.escalate_at
