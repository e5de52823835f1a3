"""What supervision reads: the same outcomes as the course page, and cases in priority order."""

import datetime as dt

from django.utils import timezone

from ipt.courses.tests.factories import open_course
from ipt.measures import outcomes, progress
from ipt.reports.models import OutcomeSummary
from ipt.supervision import queries

from .support import finish, in_treatment


def test_rates_count_the_course_pages_outcomes_of_finished_courses_only(
    supervisor, recovered, deteriorated, course, site, therapist
):
    ended_early = finish(in_treatment(course))  # no attended sessions: not a finished course
    older = finish(in_treatment(open_course(therapist=therapist, site=site)))
    OutcomeSummary.objects.filter(course=older).update(
        ended_on=timezone.localdate() - dt.timedelta(days=queries.OUTCOME_WINDOW_DAYS)
    )
    on_the_course_page = [
        progress.outcome_of(c, progress.series_of(c)) for c in (recovered, deteriorated)
    ]

    (caseload,) = queries.caseloads(supervisor)

    assert caseload.rates == outcomes.rates(on_the_course_page)
    assert not progress.outcome_of(ended_early, progress.series_of(ended_early)).finished
    assert caseload.rates.finished == 2  # neither the early ending nor the one a year ago


def test_each_supervisees_rates_count_only_their_finished_courses(
    supervisor, recovered, deteriorated
):
    (caseload,) = queries.caseloads(supervisor)

    assert caseload.rates == outcomes.rates(
        [progress.outcome_of(c, progress.series_of(c)) for c in (recovered, deteriorated)]
    )
    assert caseload.rates.finished == 2
    assert caseload.rates.recovery == outcomes.Rate(1, 2)
    assert caseload.rates.reliable_deterioration == outcomes.Rate(1, 2)
    assert caseload.cases == []


def test_cases_are_ordered_risk_then_not_on_track_then_by_name(
    supervisor, steady, worsening, at_risk
):
    (caseload,) = queries.caseloads(supervisor)

    assert [case.course for case in caseload.cases] == [at_risk, worsening, steady]
    assert [case.has_risk for case in caseload.cases] == [True, False, False]
    assert caseload.needing_attention == 2


def test_the_latest_scores_are_the_newest_current_complete_ones(steady, worsening):
    latest = queries.latest_scores([steady.pk, worsening.pk])

    assert latest == {steady.pk: {"PHQ9": 10, "GAD7": 8}, worsening.pk: {"PHQ9": 17, "GAD7": 9}}


def test_a_case_with_no_scores_yet_has_none(supervisor, course):
    in_treatment(course)

    (caseload,) = queries.caseloads(supervisor)

    (case,) = caseload.cases
    assert case.latest == {} and case.area_code is None and not case.needs_attention
