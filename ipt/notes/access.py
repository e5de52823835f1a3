"""Who may read and write session notes and the other records of this app.

Everything is reached through the course scope (`ipt.courses.access`): anyone who may read the
course's clinical record may read (not administrators); those who manage it may write.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ipt.appointments.models import Appointment
from ipt.courses.access import can_write_clinical, clinical_courses
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
    return clinical_courses(user)


def readable_appointments(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(course__in=clinical_courses(user).values("pk"))


def visible_notes(user) -> QuerySet[SessionNote]:
    return SessionNote.objects.filter(course__in=clinical_courses(user).values("pk"))


def visible_homework(user) -> QuerySet[HomeworkTask]:
    return HomeworkTask.objects.filter(course__in=clinical_courses(user).values("pk"))


def can_write(user, course: Course) -> bool:
    """Write notes, homework, reviews and the ending plan: whoever manages the course."""
    return can_write_clinical(user, course)
