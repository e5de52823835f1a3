"""What the portal pages read, always starting from the signed-in client's own scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from ipt.appointments.models import Appointment
from ipt.courses.models import Course, TreatmentContract
from ipt.courses.rules import Phase
from ipt.courses.services import progress as course_progress

from . import auth


def current_course(request) -> Course | None:
    """The client's open course, or their most recent one."""
    courses = auth.client_courses(request)
    return courses.open().first() or courses.first()


def next_appointment(request) -> Appointment | None:
    return (
        auth.client_appointments(request)
        .filter(starts_at__gte=timezone.now(), attendance="")
        .order_by("starts_at", "pk")
        .first()
    )


def appointment_for(request, pk: int) -> Appointment | None:
    """One of the client's own appointments; None for anyone else's."""
    return auth.client_appointments(request).filter(pk=pk).first()


def appointments_split(request) -> tuple[list[Appointment], list[Appointment]]:
    """(upcoming soonest first, past newest first)."""
    now = timezone.now()
    everything = list(auth.client_appointments(request).order_by("starts_at", "pk"))
    upcoming = [a for a in everything if a.starts_at >= now and not a.attendance]
    past = [a for a in reversed(everything) if not (a.starts_at >= now and not a.attendance)]
    return upcoming, past


def open_request_appointment_ids(request) -> set[int]:
    client = request.client
    if client is None:
        return set()
    return set(client.appointment_requests.open().values_list("appointment_id", flat=True))


def homework_due(course: Course | None) -> list[Any]:
    """Tasks set at the course's most recent session that set any, not yet reviewed."""
    if course is None:
        return []
    tasks = course.homework.filter(reviewed_at__isnull=True).select_related("set_at")
    latest = tasks.order_by("-set_at__starts_at").values_list("set_at_id", flat=True).first()
    if latest is None:
        return []
    return list(tasks.filter(set_at_id=latest).order_by("pk"))


def homework_task_for(request, pk: int) -> Any:
    """One homework task of the client's own courses; None for anyone else's."""
    from ipt.notes.models import HomeworkTask

    return (
        HomeworkTask.objects.filter(course__in=auth.client_courses(request), pk=pk)
        .select_related("set_at", "course")
        .first()
    )


@dataclass(frozen=True)
class ProgressView:
    course: Course
    label: str
    charts: list[Any]
    sentences: list[str]
    goals: list[Any]
    formulation_text: str
    relapse_plan: Any


def in_ending(course: Course) -> bool:
    if not course.is_open:
        return True
    try:
        return course_progress(course).phase == Phase.ENDING
    except TreatmentContract.DoesNotExist:
        return False


def progress_of(course: Course) -> ProgressView:
    """Everything the client's progress page shows, read through their course."""
    from ipt.formulations.models import GoalRating
    from ipt.formulations.queries import current_formulation
    from ipt.measures import instruments
    from ipt.measures.progress import CHARTED, charts_of, series_of

    from .presenters import score_sentence

    series = series_of(course)
    charts = charts_of(course, series)
    sentences = []
    for code in CHARTED:
        if code in series and series[code].points:
            points = series[code].points
            last = points[-1].score if len(points) > 1 else None
            sentences.append(
                score_sentence(code, instruments.get(code).name, points[0].score, last)
            )
    goals = list(
        course.goals.order_by("created_at", "pk").prefetch_related(
            Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_on", "pk"))
        )
    )
    formulation = current_formulation(course)
    formulation_text = (
        formulation.client_text if formulation is not None and formulation.is_agreed else ""
    )
    plan = getattr(course, "relapse_prevention_plan", None) if in_ending(course) else None
    return ProgressView(
        course=course,
        label=course_progress(course).label,
        charts=charts,
        sentences=sentences,
        goals=goals,
        formulation_text=formulation_text,
        relapse_plan=plan,
    )


def crisis_blocks(service_id: int | None) -> list[dict[str, Any]]:
    """The service's crisis information as paragraphs and lists (the NHS defaults without one)."""
    from ipt.measures.models import MeasuresSettings
    from ipt.measures.presenters import crisis_paragraphs
    from ipt.measures.services import settings_for

    found = settings_for(service_id) if service_id else MeasuresSettings()
    return crisis_paragraphs(found.crisis_information)
