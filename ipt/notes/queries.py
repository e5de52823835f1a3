"""Reads shared by the notes pages and services: which sessions a course has, each one's phase
template, the mid-point session, and the homework to review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from ipt.appointments.models import Appointment, Kind
from ipt.appointments.sessions import SessionNumber, number_sessions
from ipt.courses import services as courses
from ipt.courses.models import Course
from ipt.courses.rules import ATTENDANCE_CODES

from .models import HomeworkTask, SessionNote
from .templates import Template, template_for

NOTE_KINDS = frozenset({Kind.TREATMENT.value, Kind.BOOSTER.value})


@dataclass(frozen=True)
class Session:
    """A treatment or booster appointment that can have a note, or that has one. `template` is
    the note's own when it has been started, else its phase's. `outcome` is set when the
    appointment has a note but no longer counts as a session (later recorded as missed or
    cancelled): the outcome it is recorded with now."""

    appointment: Appointment
    number: SessionNumber
    template: Template
    is_midpoint: bool
    outcome: str = ""

    @property
    def label(self) -> str:
        """ "Session 6", "Booster 2", or "Booster appointment" once it has no number."""
        if self.number.label:
            return self.number.label
        kind = "Booster" if self.appointment.kind == Kind.BOOSTER else "Treatment"
        return f"{kind} appointment"

    @property
    def is_booster(self) -> bool:
        return self.appointment.kind == Kind.BOOSTER

    def not_held_reason(self, now: dt.datetime | None = None) -> str:
        """Why no note can be written or signed yet (the session has not happened, or its
        attendance is not recorded), or "" if it can."""
        if self.appointment.starts_at > (now or timezone.now()):
            return "The session has not happened yet. Write its note after the session"
        if self.number.projected:
            return "Record that the client attended the session before writing its note"
        return ""


def note_templates(course: Course) -> dict[int, str]:
    """The template of each started note of the course, by appointment."""
    return dict(course.session_notes.values_list("appointment_id", "template"))


def sessions_of(
    course: Course,
    appointments: list[Appointment] | None = None,
    notes: Mapping[int, str] | None = None,
) -> list[Session]:
    """The course's numbered treatment and booster appointments, oldest first, and any other
    appointment that has a note (cancelled and missed ones have no number, so no new note, but
    a note written before is never hidden). `notes` maps appointment to note template; three
    queries when neither is given: the contract, the appointments and the notes."""
    contract = courses.current_contract(course)
    if appointments is None:
        appointments = list(course.appointments.order_by("starts_at", "pk"))
    if notes is None:
        notes = note_templates(course)
    numbers = number_sessions(appointments, contract.terms)
    found = []
    for appointment, number in zip(appointments, numbers, strict=True):
        stored = notes.get(appointment.pk)
        if appointment.kind not in NOTE_KINDS and stored is None:
            continue
        template = (
            Template(stored)
            if stored
            else template_for(number.phase, booster=number.booster)
            if number.number is not None
            else None
        )
        if template is None:
            continue
        outcome = ""
        if appointment.kind not in NOTE_KINDS:
            outcome = f"a {Kind(appointment.kind).label.lower()} appointment"
        elif number.number is None:
            outcome = ATTENDANCE_CODES.get(appointment.attendance, "not a session")
        found.append(
            Session(
                appointment=appointment,
                number=number,
                template=template,
                is_midpoint=number.number is not None
                and not number.booster
                and number.number == contract.mid_point_review,
                outcome=outcome,
            )
        )
    return found


def session_for(appointment: Appointment) -> Session | None:
    """The appointment as a session with a note template, or None if it is not a session and
    has no note."""
    course = appointment.course
    notes = dict(
        SessionNote.objects.filter(appointment=appointment).values_list(
            "appointment_id", "template"
        )
    )
    if appointment.kind not in NOTE_KINDS and not notes:
        return None
    for session in sessions_of(course, notes=notes):
        if session.appointment.pk == appointment.pk:
            return session
    return None


def midpoint_appointment(course: Course) -> Appointment | None:
    """The appointment numbered as the contract's mid-point review session, if booked."""
    return next((s.appointment for s in sessions_of(course, notes={}) if s.is_midpoint), None)


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
