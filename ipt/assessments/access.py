"""Who may read and write the initial-phase record of a course.

The course-level rules are the clinical record's shared ones (`ipt.courses.access`): read —
clinicians and managers who may open the course (administrators see demographics only, so the
record is "not found" for them); write — those who manage the course (its therapist, their
supervisor, service managers). The names here are thin wrappers kept for this app's callers.
The record settings: service managers and administrators of the service.
"""

from __future__ import annotations

from ipt.courses.access import (
    can_write_clinical,
    clinical_course_to_read,
    clinical_course_to_write,
)
from ipt.courses.models import Course


def course_to_read(user, pk: int) -> Course:
    """The course if the user may read its record; 404 otherwise."""
    return clinical_course_to_read(user, pk)


def can_write(user, course: Course) -> bool:
    return can_write_clinical(user, course)


def course_to_write(user, pk: int) -> Course:
    """The course if the user may change its record; 404 if they cannot see it, 403 if they
    may only read it."""
    return clinical_course_to_write(user, pk)


def can_change_settings(user, service_id: int | None = None) -> bool:
    """Whether the user may change the record settings of their service (or of `service_id`,
    which must be theirs)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.service_id
        and (service_id is None or user.service_id == service_id)
        and (user.is_service_manager or user.is_administrator)
    )
