"""Cases made through the real services: sessions with scores, endings, problem areas."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from ipt.courses import services as courses
from ipt.courses.tests.factories import add_appointment
from ipt.measures import services as measures


def phq9_total(total: int, *, q9: int = 0) -> dict[str, int]:
    """PHQ-9 answers adding up to `total` with question 9 answered `q9`."""
    answers, left = {}, total - q9
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, left)
        left -= answers[f"q{n}"]
    assert left == 0
    return answers | {"q9": q9, "q10": 1 if total else 0}


def gad7_total(total: int) -> dict[str, int]:
    answers, left = {}, total
    for n in range(1, 8):
        answers[f"q{n}"] = min(3, left)
        left -= answers[f"q{n}"]
    assert left == 0
    return answers


def in_treatment(course):
    courses.change_status(course=course, to_status="treatment", by=course.therapist)
    return course


def sessions(course, scores: list[tuple[int, int]], *, q9_at_last: int = 0) -> None:
    """One attended weekly session per (PHQ-9, GAD-7) pair, each with its questionnaires; the
    last PHQ-9 has question 9 answered `q9_at_last` (1 or more raises a risk alert)."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(weeks=len(scores) + 1)
    for week, (phq, gad) in enumerate(scores):
        appointment = add_appointment(course, starts_at=start + dt.timedelta(weeks=week))
        q9 = q9_at_last if week == len(scores) - 1 else 0
        measures.submit_set(
            appointment=appointment,
            answers_by_instrument={"PHQ9": phq9_total(phq, q9=q9), "GAD7": gad7_total(gad)},
            entry_mode="therapist_in_session",
            by=course.therapist,
            effective_at=appointment.starts_at,
        )


def finish(course):
    """End the course as planned, running what waits for the commit (its outcome summary)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        courses.change_status(
            course=course, to_status="completed", reason_code="planned_ending", by=course.therapist
        )
    course.refresh_from_db()
    return course
