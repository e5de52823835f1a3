"""Fetching a course or a session through the user's scope, and the context every page shares."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from ipt.clients.presenters import full_name
from ipt.core.dates import long_datetime
from ipt.courses.access import clinical_course_to_read, clinical_course_to_write

from .. import access, presenters, queries


def scoped_course(request, pk: int, *, write: bool = False):
    """The course: 404 if the user may not read its clinical record, 403 to write it if they
    may only read it."""
    if write:
        return clinical_course_to_write(request.user, pk)
    return clinical_course_to_read(request.user, pk)


def scoped_session(request, pk: int, *, write: bool = False):
    """The appointment, its course and its session: 404 if it is neither a session nor has a
    note (a note stays reachable after its appointment is recorded as missed or cancelled)."""
    appointment = get_object_or_404(
        access.readable_appointments(request.user).select_related(
            "course__client", "course__service", "course__variant"
        ),
        pk=pk,
    )
    course = appointment.course
    if write and not access.can_write(request.user, course):
        raise PermissionDenied
    session = queries.session_for(appointment)
    if session is None:
        raise Http404
    return appointment, course, session


def scoped_note(request, appointment):
    return (
        access.visible_notes(request.user)
        .select_related("author", "updated_by", "signed_by")
        .filter(appointment=appointment)
        .first()
    )


def page_context(course, session=None, **extra) -> dict:
    context = {"course": course, "name": full_name(course.client), **extra}
    if session is not None:
        appointment = session.appointment
        context.update(
            appointment=appointment,
            session=session,
            heading=session.label,
            when=long_datetime(appointment.starts_at),
            template_label=session.template.label,
            outcome=presenters.outcome_text(session.outcome),
            note_href=reverse("notes:note", args=[appointment.pk]),
        )
    return context
