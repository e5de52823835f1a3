"""The per-course outcome summary stays equal to what the course page says, after each kind of
write that can change it."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from ipt.appointments import services as appointments
from ipt.courses import services as courses
from ipt.courses.tests.factories import add_appointment, open_course
from ipt.measures import progress
from ipt.measures import services as measures
from ipt.measures.models import Response
from ipt.reports import summaries
from ipt.reports.models import OutcomeSummary

from .support import gad7_total, phq9_total


def _stored(course) -> OutcomeSummary:
    return OutcomeSummary.objects.get(course=course)


def _agrees_with_the_course_page(course) -> None:
    page = progress.panel(course).outcome
    summary = _stored(course)
    assert (
        summary.finished,
        summary.paired,
        summary.caseness_at_start,
        summary.recovered,
        summary.reliable_improvement,
        summary.reliable_deterioration,
        summary.reliable_recovery,
    ) == (
        page.finished,
        page.paired,
        page.caseness_at_start,
        page.recovery,
        page.reliable_improvement,
        page.reliable_deterioration,
        page.reliable_recovery,
    )


def _session(course, therapist, when, phq, gad, *, capture):
    appointment = add_appointment(course, starts_at=when, attendance="")
    with capture(execute=True):
        appointments.record_attendance(appointment=appointment, attendance="5", by=therapist)
    with capture(execute=True):
        measures.submit_set(
            appointment=appointment,
            answers_by_instrument={"PHQ9": phq9_total(phq), "GAD7": gad7_total(gad)},
            entry_mode="therapist_in_session",
            by=therapist,
            effective_at=when,
        )
    return appointment


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_it_makes_a_summary_when_a_course_opens(therapist, site, capture):
    with capture(execute=True):
        course = open_course(therapist=therapist, site=site)
    summary = _stored(course)
    assert summary.status == "assessment"
    assert summary.site == site
    assert summary.therapist == therapist
    assert summary.first_seen_on is None
    assert not summary.finished


def test_it_follows_attendance_scores_and_the_ending(course, therapist, capture):
    start = timezone.now() - dt.timedelta(days=3)
    _session(course, therapist, start, 18, 12, capture=capture)
    summary = _stored(course)
    assert summary.status == "treatment"
    assert summary.attended_treatment == 1
    assert summary.first_treatment_on == timezone.localtime(start).date()
    assert (
        summary.treatment_wait_days
        == (summary.first_treatment_on - course.referral.received_on).days
    )
    assert (summary.phq9_first, summary.phq9_last) == (18, None)
    _agrees_with_the_course_page(course)

    _session(course, therapist, start + dt.timedelta(days=1), 6, 5, capture=capture)
    assert (_stored(course).phq9_first, _stored(course).phq9_last) == (18, 6)
    assert not _stored(course).finished

    with capture(execute=True):
        courses.change_status(
            course=course, to_status="completed", reason_code="planned_ending", by=therapist
        )
    summary = _stored(course)
    assert summary.finished and summary.recovered and summary.reliable_recovery
    assert summary.ended_on == timezone.localdate()
    _agrees_with_the_course_page(course)


def test_a_correction_changes_the_outcome(course, therapist, capture):
    start = timezone.now() - dt.timedelta(days=3)
    _session(course, therapist, start, 18, 12, capture=capture)
    last = _session(course, therapist, start + dt.timedelta(days=1), 6, 5, capture=capture)
    with capture(execute=True):
        courses.change_status(
            course=course, to_status="completed", reason_code="planned_ending", by=therapist
        )
    assert _stored(course).recovered

    response = Response.objects.get(appointment=last, instrument_code="PHQ9")
    with capture(execute=True):
        measures.correct(
            response=response,
            answers=phq9_total(16),
            reason="Typed the wrong answers",
            by=therapist,
        )
    summary = _stored(course)
    assert summary.phq9_last == 16
    assert not summary.recovered
    _agrees_with_the_course_page(course)


def test_a_changed_attendance_takes_the_session_away(course, therapist, capture):
    start = timezone.now() - dt.timedelta(days=3)
    first = _session(course, therapist, start, 18, 12, capture=capture)
    assert _stored(course).attended_treatment == 1
    with capture(execute=True):
        appointments.record_attendance(
            appointment=first, attendance="3", by=therapist, reason="Entered on the wrong client"
        )
    assert _stored(course).attended_treatment == 0
    assert _stored(course).first_seen_on is None


def test_the_command_rebuilds_every_summary_like_one_by_one(course, therapist, site, capture):
    start = timezone.now() - dt.timedelta(days=3)
    _session(course, therapist, start, 18, 12, capture=capture)
    _session(course, therapist, start + dt.timedelta(days=1), 12, 9, capture=capture)
    other = open_course(therapist=therapist, site=site)
    one_by_one = {c.pk: summaries.summary_of(c) for c in (course, other)}
    OutcomeSummary.objects.all().delete()

    out = io.StringIO()
    call_command("refresh_outcome_summaries", stdout=out)

    assert "Refreshed 2 outcome summaries" in out.getvalue()
    assert OutcomeSummary.objects.count() == 2
    for course_id, expected in one_by_one.items():
        stored = OutcomeSummary.objects.get(course_id=course_id)
        for field in ("phq9_first", "phq9_last", "gad7_last", "attended_treatment", "medium"):
            assert getattr(stored, field) == getattr(expected, field)


def test_it_follows_the_primary_problem_area_as_it_is_chosen_and_changed(
    course, therapist, capture
):
    from ipt.formulations import services as formulations

    with capture(execute=True):
        summaries.refresh(course)
    assert _stored(course).ipt_problem_area == ""
    with capture(execute=True):
        formulations.set_problem_area(course=course, rank="primary", area="grief", by=therapist)
    assert _stored(course).ipt_problem_area == "grief"
    with capture(execute=True):
        formulations.set_problem_area(
            course=course, rank="secondary", area="role_dispute", by=therapist
        )
    assert _stored(course).ipt_problem_area == "grief"
    with capture(execute=True):
        formulations.set_problem_area(
            course=course,
            rank="primary",
            area="role_transition",
            by=therapist,
            reason="The move abroad matters more than the loss",
        )
    assert _stored(course).ipt_problem_area == "role_transition"
    assert summaries.summary_of(course).ipt_problem_area == "role_transition"


def test_migrate_rebuilds_summaries_counted_under_older_thresholds(course, therapist, capture):
    from django.core.management.sql import emit_post_migrate_signal

    start = timezone.now() - dt.timedelta(days=3)
    _session(course, therapist, start, 18, 12, capture=capture)
    _session(course, therapist, start + dt.timedelta(days=1), 6, 5, capture=capture)
    OutcomeSummary.objects.filter(course=course).update(thresholds_version="older", phq9_last=None)

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # as `migrate` does

    summary = _stored(course)
    assert summary.thresholds_version == progress.panel(course).outcome.thresholds_version
    assert summary.phq9_last == 6  # counted again, by the thresholds in force
    _agrees_with_the_course_page(course)
