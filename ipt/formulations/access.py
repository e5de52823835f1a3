"""Who may see and change a course's focus, formulation and goals.

All of it is clinical: administrators never see it. Anyone else reaches it through the courses
they may open; those who manage the course (its therapist, their supervisor, service managers)
may change it, anyone else who can open the course (a break-glass grant) only reads it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from ipt.clients.access import can_see_clinical
from ipt.courses.access import can_manage_course, visible_courses
from ipt.courses.models import Course


def clinical_course(user, pk: int) -> Course:
    """The course if the user may read its clinical record, else 404."""
    if not can_see_clinical(user):
        raise Http404
    return get_object_or_404(visible_courses(user).select_related("service"), pk=pk)


def can_edit(user, course: Course) -> bool:
    return can_see_clinical(user) and can_manage_course(user, course)


def editable_course(user, pk: int) -> Course:
    """The course if the user may change its focus: 404 when out of sight, 403 when read-only."""
    course = clinical_course(user, pk)
    if not can_edit(user, course):
        raise PermissionDenied
    return course


def can_set_labels(user) -> bool:
    """Service managers and administrators choose the service's problem area labels."""
    return bool(
        user.is_authenticated
        and user.service_id
        and (user.is_service_manager or user.is_administrator)
    )
