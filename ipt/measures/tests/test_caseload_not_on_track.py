"""The caseload names the courses that are not on track, for the therapist and their supervisor."""

import datetime as dt

import pytest
from django.urls import reverse

from ipt.courses import services as courses
from ipt.courses.tests.factories import add_appointment
from ipt.measures import services as measures
from ipt.measures.tests.test_progress import _gad7_total, _phq9_total

DETERIORATED = "PHQ-9 rose from 12 to 18: a reliable deterioration (6 points or more)"


@pytest.fixture
def deteriorating(course, therapist):
    courses.change_status(course=course, to_status="treatment", by=therapist)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(weeks=3)
    for week, phq in enumerate([12, 18]):
        appointment = add_appointment(course, starts_at=start + dt.timedelta(weeks=week))
        measures.submit_set(
            appointment=appointment,
            answers_by_instrument={"PHQ9": _phq9_total(phq), "GAD7": _gad7_total(8)},
            entry_mode="therapist_in_session",
            by=therapist,
            effective_at=appointment.starts_at,
        )
    return course


@pytest.mark.parametrize("who", ["therapist", "supervisor", "manager"])
def test_it_flags_the_course_on_the_caseload_with_the_reason(as_user, request, deteriorating, who):
    page = as_user(request.getfixturevalue(who)).get(reverse("clients:list")).content.decode()
    assert "1 client on this page has a course that is not on track" in page
    assert "Not on track" in page
    assert DETERIORATED in page


def test_it_keeps_clinical_progress_from_administrators(as_user, administrator, deteriorating):
    page = as_user(administrator).get(reverse("clients:list")).content.decode()
    assert "Not on track" not in page
    assert DETERIORATED not in page


def test_it_says_nothing_when_every_course_is_on_track(as_user, therapist, course):
    page = as_user(therapist).get(reverse("clients:list")).content.decode()
    assert "not on track" not in page.lower()
