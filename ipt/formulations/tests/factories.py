"""Focus records made through the real services, so each has its audit events."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ipt.clients.tests.factories import BreakGlassAccessFactory
from ipt.formulations import services
from ipt.formulations.areas import ProblemArea


def choose_area(course, *, area=ProblemArea.ROLE_DISPUTE, rank="primary", by=None, **details):
    stage = details.pop("dispute_stage", "")
    return services.set_problem_area(
        course=course,
        rank=rank,
        area=area,
        details=details,
        dispute_stage=stage,
        by=by or course.therapist,
    )


def write_formulation(course, *, by=None, agreed_on: dt.date | None = None, text="v1"):
    version = services.write_formulation(
        course=course,
        clinician_text=f"Clinician's formulation {text}",
        client_text=f"Your formulation {text}",
        by=by or course.therapist,
    )
    if agreed_on is not None:
        version = services.agree_formulation(
            formulation=version, agreed_on=agreed_on, by=by or course.therapist
        )
    return version


def agreed_focus(course):
    """A primary role dispute and a formulation agreed today."""
    choose_area(course)
    return write_formulation(course, agreed_on=timezone.localdate())


def add_goal(course, text="Talk to my sister once a week", *, area=""):
    return services.add_goal(course=course, text=text, problem_area=area, by=course.therapist)


def break_glass(user, course):
    """Give `user` a current break-glass grant to the course's client (read-only access)."""
    return BreakGlassAccessFactory(user=user, client=course.client)
