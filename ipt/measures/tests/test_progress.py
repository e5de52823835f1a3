"""A course's scores put to use: series, outcome, charts and the not-on-track rule."""

import datetime as dt

import pytest

from ipt.courses import services as courses
from ipt.courses.tests.factories import add_appointment
from ipt.measures import progress
from ipt.measures import services as measures


def _phq9_total(total: int) -> dict[str, int]:
    """PHQ-9 answers adding up to `total` (q9 kept at 0), difficulty 'somewhat'."""
    answers, left = {}, total
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, left)
        left -= answers[f"q{n}"]
    assert left == 0
    return answers | {"q9": 0, "q10": 1 if total else 0}


def _gad7_total(total: int) -> dict[str, int]:
    answers, left = {}, total
    for n in range(1, 8):
        answers[f"q{n}"] = min(3, left)
        left -= answers[f"q{n}"]
    return answers


def _sessions(course, therapist, scores: list[tuple[int, int]]):
    """One attended weekly session per (PHQ-9, GAD-7) pair, each with its questionnaires."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(weeks=len(scores) + 1)
    for week, (phq, gad) in enumerate(scores):
        appointment = add_appointment(course, starts_at=start + dt.timedelta(weeks=week))
        measures.submit_set(
            appointment=appointment,
            answers_by_instrument={"PHQ9": _phq9_total(phq), "GAD7": _gad7_total(gad)},
            entry_mode="therapist_in_session",
            by=therapist,
            effective_at=appointment.starts_at,
        )


@pytest.fixture
def treated(course, therapist):
    courses.change_status(course=course, to_status="treatment", by=therapist)
    return course


def test_it_gives_each_measures_scores_in_session_order(treated, therapist):
    _sessions(treated, therapist, [(18, 12), (15, 10), (9, 6)])
    series = progress.series_of(treated)
    assert [p.score for p in series["PHQ9"].points] == [18, 15, 9]
    assert [p.session for p in series["GAD7"].points] == [1, 2, 3]
    assert series["PHQ9"].pair == (18, 9)


def test_a_finished_course_that_recovered_says_why_with_the_numbers(treated, therapist):
    _sessions(treated, therapist, [(18, 12), (12, 9), (6, 5)])
    courses.change_status(
        course=treated, to_status="completed", reason_code="planned_ending", by=therapist
    )
    outcome = progress.outcome_of(treated, progress.series_of(treated))
    assert outcome.finished and outcome.recovery and outcome.reliable_improvement
    assert outcome.reliable_recovery
    assert "18" in outcome.explanation and "6" in outcome.explanation


def test_a_course_still_in_treatment_is_not_finished(treated, therapist):
    _sessions(treated, therapist, [(18, 12), (6, 5)])
    outcome = progress.outcome_of(treated, progress.series_of(treated))
    assert not outcome.finished
    assert not outcome.recovery


def test_it_draws_three_charts_with_the_courses_phases(treated, therapist):
    _sessions(treated, therapist, [(18, 12), (15, 10)])
    charts = progress.charts_of(treated, progress.series_of(treated))
    assert [c.caption.split(":")[0] for c in charts] == ["PHQ-9", "GAD-7", "WSAS"]
    assert charts[0].svg.count('class="ipt-chart__point"') == 2
    assert "no scores yet" in charts[2].caption
    assert charts[0].svg.count('class="ipt-chart__phase"') == 2


def test_a_reliable_deterioration_puts_the_course_off_track(treated, therapist):
    _sessions(treated, therapist, [(10, 8), (17, 8)])
    reasons = progress.not_on_track(treated, progress.series_of(treated))
    assert reasons == ["PHQ-9 rose from 10 to 17: a reliable deterioration (6 points or more)"]


def test_no_reliable_improvement_by_the_mid_point_puts_the_course_off_track(treated, therapist):
    _sessions(treated, therapist, [(16, 12)] + [(13, 10)] * 7)  # session 8 is the mid-point
    reasons = progress.not_on_track(treated, progress.series_of(treated))
    assert reasons == [
        "No reliable improvement on PHQ-9 or GAD-7 by the mid-point review (session 8)"
    ]


def test_before_the_mid_point_slow_progress_is_not_flagged(treated, therapist):
    _sessions(treated, therapist, [(16, 12)] + [(13, 10)] * 6)
    assert progress.not_on_track(treated, progress.series_of(treated)) == []


def test_a_reliable_improvement_by_the_mid_point_is_on_track(treated, therapist):
    _sessions(treated, therapist, [(16, 12)] + [(13, 10)] * 6 + [(10, 9)])
    assert progress.not_on_track(treated, progress.series_of(treated)) == []


def test_the_course_page_shows_the_charts_and_the_outcome_to_clinicians(
    treated, therapist, administrator, as_user
):
    from django.urls import reverse

    _sessions(treated, therapist, [(18, 12), (16, 11)])
    page = as_user(therapist).get(reverse("courses:detail", args=[treated.pk])).content.decode()
    assert page.count('class="ipt-chart"') == 3
    assert "PHQ-9 scores as a table" in page
    assert "Outcome when the course ends" in page
    hidden = (
        as_user(administrator).get(reverse("courses:detail", args=[treated.pk])).content.decode()
    )
    assert 'class="ipt-chart"' not in hidden


def test_the_client_record_shows_the_latest_courses_charts_to_clinicians_only(
    treated, therapist, administrator, as_user
):
    from django.urls import reverse

    _sessions(treated, therapist, [(18, 12), (16, 11), (13, 9)])
    url = reverse("clients:detail", args=[treated.client_id])
    page = as_user(therapist).get(url).content.decode()
    assert page.count('class="ipt-chart"') == 3
    assert page.count('class="ipt-chart__point"') == 6  # PHQ-9 and GAD-7, three sessions each
    assert 'class="ipt-chart"' not in as_user(administrator).get(url).content.decode()


def test_it_finds_not_on_track_courses_in_a_caseload_as_the_course_page_does(
    treated, therapist, other_therapist, site, manager, django_assert_num_queries
):
    from ipt.courses.tests.factories import open_course

    _sessions(treated, therapist, [(12, 8), (18, 8)])
    steady = open_course(therapist=other_therapist, site=site, by=manager)
    courses.change_status(course=steady, to_status="treatment", by=other_therapist)
    _sessions(steady, other_therapist, [(14, 9), (13, 9)])

    with django_assert_num_queries(3):
        found = progress.not_on_track_by_course([treated, steady])

    assert found[treated.pk] == progress.not_on_track(treated, progress.series_of(treated))
    assert found[treated.pk] == [
        "PHQ-9 rose from 12 to 18: a reliable deterioration (6 points or more)"
    ]
    assert found[steady.pk] == []


def test_it_leaves_ended_courses_out_of_the_caseload_check(treated, therapist):
    _sessions(treated, therapist, [(12, 8), (18, 8)])
    courses.change_status(
        course=treated, to_status="dropped_out", by=therapist, reason_code="stopped_attending"
    )
    assert progress.not_on_track_by_course([treated]) == {}
