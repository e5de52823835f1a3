"""Who may read and write session notes and the other records of this app.

Everything is reached through the course scope: anyone for whom the course is visible (and who
may see clinical notes: not administrators) may read; those who manage the course may write.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ipt.appointments.models import Appointment
from ipt.clients.access import can_see_clinical
from ipt.courses.access import can_manage_course, visible_courses
from ipt.courses.models import Course

from .models import HomeworkTask, SessionNote

__all__ = [
    "can_write",
    "readable_appointments",
    "readable_courses",
    "visible_homework",
    "visible_notes",
]


def readable_courses(user) -> QuerySet[Course]:
    """Courses whose notes the user may read."""
    if not can_see_clinical(user):
        return Course.objects.none()
    return visible_courses(user)


def readable_appointments(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(course__in=readable_courses(user).values("pk"))


def visible_notes(user) -> QuerySet[SessionNote]:
    return SessionNote.objects.filter(course__in=readable_courses(user).values("pk"))


def visible_homework(user) -> QuerySet[HomeworkTask]:
    return HomeworkTask.objects.filter(course__in=readable_courses(user).values("pk"))


def can_write(user, course: Course) -> bool:
    """Write notes, homework, reviews and the ending plan: whoever manages the course."""
    return can_see_clinical(user) and can_manage_course(user, course)
