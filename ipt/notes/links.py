"""What the notes ask of the assessment and formulation apps: the initial-phase checklist, the
problem-area strategies of a note and the middle-phase gate."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from ipt.assessments.checklist import Task
from ipt.assessments.checklist import initial_phase_tasks as _initial_phase_tasks
from ipt.courses.models import Course
from ipt.formulations import areas, gate
from ipt.formulations import queries as formulations

from .templates import STRATEGIES_AREA, Choice


def current_area(course: Course) -> str:
    """The course's primary problem area now ("" until one is chosen)."""
    return formulations.primary_area_code(course) or ""


def note_area(course: Course, content: Mapping[str, Any] | None) -> str:
    """The problem area whose strategies a note records: the one stored with it when it was
    started or saved, else the course's primary area now."""
    stored = str((content or {}).get(STRATEGIES_AREA) or "")
    return stored or current_area(course)


def strategies(
    course: Course, *, area: str | None = None, ticked: Iterable[str] = ()
) -> tuple[Choice, ...]:
    """The strategies of the area (by default the course's primary one), followed by any ticked
    code that is not among them, so a ticked strategy is never dropped."""
    code = current_area(course) if area is None else area
    found = [Choice(item.code, item.text) for item in areas.strategies_for(code)] if code else []
    known = {choice.code for choice in found}
    found += [Choice(c, areas.strategy_text(code, c)) for c in ticked if c not in known]
    return tuple(found)


def strategy_texts(course: Course, *, area: str | None = None) -> Callable[[str], str]:
    """A function giving the wording of a strategy code of the area (by default the course's
    primary one)."""
    code = current_area(course) if area is None else area
    return lambda strategy: areas.strategy_text(code, strategy)


def problem_area_label(course: Course, *, area: str | None = None) -> str:
    code = current_area(course) if area is None else area
    return formulations.problem_area_label(course.service, code) if code else ""


def middle_phase_redirect(course: Course, next_url: str) -> str | None:
    """Where to send a therapist starting a middle-phase note before the course is ready for
    the middle phase (no agreed formulation and no recorded override), or None to go on."""
    if not gate.middle_phase_check(course).needs_confirmation:
        return None
    gate_url = reverse("formulations:middle_phase", args=[course.pk])
    return f"{gate_url}?{urlencode({'next': next_url})}"


def initial_phase_tasks(course: Course) -> list[Task]:
    """The course's initial-phase task checklist, from the assessment (shown read-only)."""
    return list(_initial_phase_tasks(course))
