"""Reads shared by the notes pages and services: which sessions a course has, each one's phase
template, the mid-point session, and the homework to review."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from ipt.appointments.models import Appointment, Kind
from ipt.appointments.sessions import SessionNumber, number_sessions
from ipt.courses import services as courses
from ipt.courses.models import Course

from .models import HomeworkTask
from .templates import Template, template_for

NOTE_KINDS = frozenset({Kind.TREATMENT.value, Kind.BOOSTER.value})


@dataclass(frozen=True)
class Session:
    """A treatment or booster appointment that can have a note."""

    appointment: Appointment
    number: SessionNumber
    template: Template
    is_midpoint: bool


def sessions_of(course: Course, appointments: list[Appointment] | None = None) -> list[Session]:
    """The course's numbered treatment and booster appointments, oldest first (cancelled and
    missed ones have no number, so no note). Two queries: the contract and the appointments."""
    contract = courses.current_contract(course)
    if appointments is None:
        appointments = list(course.appointments.order_by("starts_at", "pk"))
    numbers = number_sessions(appointments, contract.terms)
    found = []
    for appointment, number in zip(appointments, numbers, strict=True):
        if appointment.kind not in NOTE_KINDS or number.number is None:
            continue
        template = template_for(number.phase, booster=number.booster)
        if template is None:
            continue
        found.append(
            Session(
                appointment=appointment,
                number=number,
                template=template,
                is_midpoint=not number.booster and number.number == contract.mid_point_review,
            )
        )
    return found


def session_for(appointment: Appointment) -> Session | None:
    """The appointment as a session with a note template, or None if it cannot have a note."""
    if appointment.kind not in NOTE_KINDS:
        return None
    for session in sessions_of(appointment.course):
        if session.appointment.pk == appointment.pk:
            return session
    return None


def midpoint_appointment(course: Course) -> Appointment | None:
    """The appointment numbered as the contract's mid-point review session, if booked."""
    return next((s.appointment for s in sessions_of(course) if s.is_midpoint), None)


def homework_to_review(appointment: Appointment) -> QuerySet[HomeworkTask]:
    """Tasks set at earlier sessions of the course and not yet reviewed, and those reviewed at
    this one."""
    return (
        HomeworkTask.objects.filter(
            course_id=appointment.course_id, set_at__starts_at__lt=appointment.starts_at
        )
        .filter(Q(reviewed_at__isnull=True) | Q(reviewed_at=appointment))
        .select_related("set_at", "reviewed_by")
        .order_by("created_at", "pk")
    )
