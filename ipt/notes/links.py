"""What the notes ask of the assessment and formulation apps: the initial-phase checklist, the
course's problem-area strategies and the middle-phase gate."""

from __future__ import annotations

from django.urls import reverse

from ipt.assessments.checklist import Task
from ipt.assessments.checklist import initial_phase_tasks as _initial_phase_tasks
from ipt.courses.models import Course
from ipt.formulations import areas, gate
from ipt.formulations import queries as formulations

from .templates import Choice


def strategies(course: Course) -> tuple[Choice, ...]:
    """The strategies of the course's primary problem area (none until one is chosen)."""
    code = formulations.primary_area_code(course)
    if code is None:
        return ()
    return tuple(Choice(item.code, item.text) for item in areas.strategies_for(code))


def strategy_texts(course: Course):
    """A function giving the wording of a strategy code of the course's primary area."""
    code = formulations.primary_area_code(course) or ""
    return lambda strategy: areas.strategy_text(code, strategy)


def problem_area_label(course: Course) -> str:
    code = formulations.primary_area_code(course)
    return formulations.problem_area_label(course.service, code) if code else ""


def middle_phase_redirect(course: Course, next_url: str) -> str | None:
    """Where to send a therapist starting a middle-phase note before the course is ready for
    the middle phase (no agreed formulation and no recorded override), or None to go on."""
    if not gate.middle_phase_check(course).needs_confirmation:
        return None
    return reverse("formulations:middle_phase", args=[course.pk]) + "?next=" + next_url


def initial_phase_tasks(course: Course) -> list[Task]:
    """The course's initial-phase task checklist, from the assessment (shown read-only)."""
    return list(_initial_phase_tasks(course))
