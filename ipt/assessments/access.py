"""Who may read and write the initial-phase record of a course.

Read: clinicians and managers who may open the course (administrators see demographics only, so
the record is "not found" for them). Write: those who manage the course (its therapist, their
supervisor, service managers). The record settings: service managers and administrators.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ipt.clients.access import can_see_clinical
from ipt.courses.access import can_manage_course, visible_courses
from ipt.courses.models import Course


def readable_courses(user) -> QuerySet[Course]:
    if not can_see_clinical(user):
        return Course.objects.none()
    return visible_courses(user).select_related("service")


def course_to_read(user, pk: int) -> Course:
    """The course if the user may read its record; 404 otherwise."""
    return get_object_or_404(readable_courses(user), pk=pk)


def can_write(user, course: Course) -> bool:
    return can_see_clinical(user) and can_manage_course(user, course)


def course_to_write(user, pk: int) -> Course:
    """The course if the user may change its record; 404 if they cannot see it, 403 if they
    may only read it."""
    course = course_to_read(user, pk)
    if not can_write(user, course):
        raise PermissionDenied
    return course


def can_change_settings(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.service_id
        and (user.is_service_manager or user.is_administrator)
    )
