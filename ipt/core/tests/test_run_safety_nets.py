"""One command runs every safety-net sweep, so a timer needs only one line."""

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from ipt.courses.tests.factories import add_appointment
from ipt.measures import services as measures
from ipt.measures.models import RiskAlert
from ipt.measures.tests.support import phq9


def test_it_escalates_a_due_risk_alert_and_reports_each_sweep(course, therapist):
    appointment = add_appointment(course, starts_at=timezone.now() - dt.timedelta(days=3))
    measures.submit(
        appointment=appointment,
        instrument_code="PHQ9",
        answers=phq9(q9=2),
        entry_mode="therapist_in_session",
        by=therapist,
        effective_at=appointment.starts_at,
    )
    alert = RiskAlert.objects.get(course=course)

    out = StringIO()
    with time_machine.travel(alert.escalate_at + dt.timedelta(minutes=1)):
        call_command("run_safety_nets", stdout=out)

    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert "Escalated 1 risk alert(s)" in out.getvalue()
    assert "reminder" in out.getvalue().lower()
