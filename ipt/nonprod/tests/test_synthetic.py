import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count

from ipt.accounts.models import User
from ipt.appointments.models import Appointment
from ipt.appointments.sessions import number_sessions
from ipt.clients.models import Referral, ReferralStatus
from ipt.core.audit import verify_chain
from ipt.core.models import AuditEvent
from ipt.courses.models import Course
from ipt.courses.rules import ATTENDED_CODES, ENDED_STATUSES
from ipt.courses.services import current_contract
from ipt.measures import instruments
from ipt.measures.models import Response, RiskAlert
from ipt.measures.progress import outcome_of, series_of
from ipt.nonprod import synthetic

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def generated(db):
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command(
            "generate_synthetic", "--size", "small", "--scale", "0.05", "--seed", "7", stdout=out
        )
    return out.getvalue()


def test_it_reports_what_it_generated(generated):
    assert "Synthetic private IPT practice: generated in" in generated
    assert "courses:" in generated
    assert "appointments:" in generated


def test_it_builds_a_small_service_in_the_expected_ratios(generated):
    referrals = Referral.objects.count()
    courses = Course.objects.count()
    appointments = Appointment.objects.count()
    attended = Appointment.objects.attended().count()
    recorded = Appointment.objects.exclude(attendance="").count()
    responses = Response.objects.count()
    assert referrals == round(1250 * 0.05)
    assert 0.75 <= courses / referrals <= 0.97  # a private practice treats most it assesses
    assert 12 <= appointments / courses <= 20  # ~17k appointments for ~1,100 courses
    assert 0.78 <= attended / recorded <= 0.93  # about 85% attended, the rest DNAs and cancels
    assert 2.9 <= responses / attended <= 3.1  # PHQ-9, GAD-7 and WSAS at each attended one
    statuses = set(Course.objects.values_list("status", flat=True))
    assert {"completed", "dropped_out"} <= statuses
    assert set(Appointment.objects.values_list("attendance", flat=True)) >= {"5", "3", "2"}


def test_it_writes_one_audit_event_for_the_whole_service(generated):
    events = list(AuditEvent.objects.all())
    assert len(events) == 1
    assert events[0].actor_label == "generate_synthetic"
    assert "without audit events of their own" in events[0].summary
    assert verify_chain().intact


def test_it_refuses_to_generate_the_same_service_twice(generated):
    with pytest.raises(CommandError, match="exists already"):
        call_command("generate_synthetic", "--size", "small", "--scale", "0.05", stdout=StringIO())


def test_staff_can_sign_in_with_the_password_given(db):
    with time_machine.travel(NOW, tick=False):
        synthetic.generate(size="small", scale=0.02, password="synthetic-pass-1", refresh=False)
    therapist = User.objects.filter(is_therapist=True).first()
    assert therapist.check_password("synthetic-pass-1")
    assert therapist.sites.exists()
    assert User.objects.filter(is_service_manager=True).exists()


def test_courses_keep_the_course_rules(generated):
    for course in Course.objects.select_related("referral").prefetch_related("status_changes"):
        assert course.referral.status == ReferralStatus.ACCEPTED_FOR_IPT
        assert course.referral.allocated_therapist_id == course.therapist_id
        assert current_contract(course).version == 1
        history = [c.to_status for c in course.status_changes.all()]
        assert history[0] == "assessment"
        assert history[-1] == course.status
        assert (course.ended_on is not None) == (course.status in ENDED_STATUSES)
        if course.ended_on:
            assert course.ended_on < NOW.date()
            assert course.end_reason


def test_session_numbers_and_phases_follow_the_attended_sessions(generated):
    for course in Course.objects.all()[:20]:
        contract = current_contract(course)
        appointments = list(course.appointments.order_by("starts_at", "pk"))
        numbers = number_sessions(appointments, contract.terms)
        stamped = {
            r.appointment_id: (r.session_number, r.phase)
            for r in Response.objects.filter(course=course)
        }
        for appointment, number in zip(appointments, numbers, strict=True):
            if appointment.pk in stamped:
                assert appointment.attendance in ATTENDED_CODES
                expected = (number.number, number.phase.value) if number.phase else (None, "")
                assert stamped[appointment.pk] == expected


def test_appointments_carry_the_nhs_codes_once_recorded(generated):
    for appointment in Appointment.objects.exclude(attendance="")[:200]:
        assert appointment.consultation_mechanism == appointment.consultation_mechanism_code
        assert appointment.care_activity == "443730003"
        assert appointment.therapy_mode in {"01", "02", "03"}
        assert appointment.recorded_at is not None
    assert (
        not Appointment.objects.filter(attendance="", starts_at__lt=NOW)
        .exclude(course__status__in=["assessment", "treatment"])
        .exists()
    )


def test_answers_totals_and_risk_flags_come_from_the_instruments(generated):
    for response in Response.objects.all()[:600]:
        instrument = instruments.get(response.instrument_code)
        assert response.total == instrument.total_score(response.answers)
        if response.total is not None:
            assert response.severity == instrument.severity(response.total)
        assert response.flags == instrument.risk_flags(response.answers)
    flagged = Response.objects.filter(version=1).exclude(flags=[]).count()
    assert RiskAlert.objects.count() == flagged


def test_the_outcome_rules_run_on_a_sample_of_courses(generated):
    finished = []
    for course in Course.objects.select_related("referral")[:40]:
        outcome = outcome_of(course, series_of(course))
        if outcome.finished:
            finished.append(outcome)
    assert finished
    assert any(o.reliable_improvement for o in finished)
    assert any(not o.recovery for o in finished)


def test_trajectories_improve_stall_and_deteriorate(db):
    with time_machine.travel(NOW, tick=False):
        synthetic.generate(size="small", scale=0.2, seed=11, refresh=False)
    outcomes = [
        outcome_of(course, series_of(course))
        for course in Course.objects.ended().select_related("referral")
    ]
    finished = [o for o in outcomes if o.finished]
    improved = sum(o.reliable_improvement for o in finished) / len(finished)
    deteriorated = sum(o.reliable_deterioration for o in finished) / len(finished)
    assert 0.45 <= improved <= 0.8
    assert 0 < deteriorated <= 0.15


def test_clients_can_return_with_a_second_referral(db):
    with time_machine.travel(NOW, tick=False):
        synthetic.generate(size="small", scale=0.4, seed=5, refresh=False)
    returning = Referral.objects.values("client_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    assert returning > 0


def test_courses_past_the_initial_phase_have_a_primary_problem_area(generated):
    from ipt.formulations.models import FocusArea

    for course in Course.objects.all():
        terms = current_contract(course).terms
        attended = course.appointments.treatment().attended().order_by("starts_at")
        areas = list(FocusArea.objects.filter(course=course))
        if attended.count() >= terms.initial_last:
            assert [a.rank for a in areas] == ["primary"]
            assert areas[0].chosen_on == attended[terms.initial_last - 1].starts_at.date()
        else:
            assert areas == []
    chosen = set(FocusArea.objects.values_list("area", flat=True))
    assert {"grief", "role_dispute", "role_transition"} <= chosen


def test_diaries_fall_within_treatment_and_follow_the_mood(db):
    from ipt.diaries.models import DiaryEntry

    with time_machine.travel(NOW, tick=False):
        synthetic.generate(size="small", scale=0.2, seed=11, refresh=False)
    entries = DiaryEntry.objects.select_related("course")
    assert entries.count() > 100
    for entry in entries[:300]:
        sessions = entry.course.appointments.treatment().attended().order_by("starts_at")
        assert sessions.first().starts_at.date() <= entry.happened_on <= NOW.date()
        assert entry.happened_on <= sessions.last().starts_at.date()
        assert entry.client_id == entry.course.client_id
        assert 0 <= entry.mood <= 10
    # Mood in the diary tracks the questionnaires: better late in improving courses.
    improved = [
        course
        for course in Course.objects.ended().select_related("referral")
        if course.diary_entries.exists() and outcome_of(course, series_of(course)).recovery
    ]
    assert improved
    early = [c.diary_entries.order_by("happened_on").first().mood for c in improved]
    late = [c.diary_entries.order_by("happened_on").last().mood for c in improved]
    assert sum(late) / len(late) > sum(early) / len(early) + 2


def test_it_gives_every_client_their_own_valid_nhs_number(generated):
    from ipt.clients.models import Client
    from ipt.clients.nhs_number import is_valid

    numbers = list(Client.objects.values_list("nhs_number", flat=True))
    assert len(set(numbers)) == len(numbers) > 50
    assert all(number.startswith("999") and is_valid(number) for number in numbers)


def test_it_leaves_the_query_planner_statistics_of_the_tables_it_filled(generated):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'appointments_appointment'")
        else:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = 'appointments_appointment'"
            )
        rows = cursor.fetchall()
    assert rows, "no statistics: the planner would plan for empty tables"
    if connection.vendor == "postgresql":
        assert rows[0][0] == Appointment.objects.count()
