"""Read-only questions other apps may ask about a course's focus and formulation."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ipt.courses.models import Course

from .areas import ProblemArea
from .models import FocusArea, FormulationVersion, ProblemAreaLabel, Rank, StrategyAddressed


def primary_area_code(course: Course) -> str | None:
    """The code of the course's primary problem area (see areas.ProblemArea), or None."""
    return (
        FocusArea.objects.filter(course=course, rank=Rank.PRIMARY)
        .values_list("area", flat=True)
        .first()
    )


def focus_area_codes(course: Course) -> list[str]:
    """The course's problem area codes, primary first."""
    return list(
        FocusArea.objects.filter(course=course).order_by("rank").values_list("area", flat=True)
    )


def focus_areas_with_history(course: Course) -> QuerySet[FocusArea]:
    """The course's problem areas with their dispute stages and current strategy ticks (with
    who made them) fetched alongside."""
    return course.focus_areas.prefetch_related(
        "stage_changes__by",
        Prefetch(
            "strategies_addressed",
            queryset=StrategyAddressed.objects.current().select_related("by"),
        ),
    )


def current_formulation(course: Course) -> FormulationVersion | None:
    """The newest version of the course's formulation, or None if none was written."""
    return FormulationVersion.objects.filter(course=course).order_by("-version").first()


def formulation_agreed(course: Course) -> bool:
    """Whether the current version of the formulation has been agreed with the client."""
    current = current_formulation(course)
    return current is not None and current.is_agreed


def problem_area_labels(service) -> dict[str, str]:
    """{code: label} for the four problem areas, with the service's own labels where set."""
    labels = {str(area.value): str(area.label) for area in ProblemArea}
    if service is not None:
        labels.update(ProblemAreaLabel.objects.filter(service=service).values_list("code", "label"))
    return labels


def problem_area_label(service, code: str) -> str:
    """The label a service shows for a problem area code (the default if it set none)."""
    return problem_area_labels(service).get(code, code)
