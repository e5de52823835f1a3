"""Who may see and change a course's focus, formulation and goals.

All of it is clinical, so the clinical record's shared rules apply (`ipt.courses.access`):
administrators never see it; those who manage the course (its therapist, their supervisor,
service managers) may change it; anyone else who can open the course (a break-glass grant)
only reads it. The names here are thin wrappers kept for this app's callers.
"""

from __future__ import annotations

from ipt.courses.access import (
    can_write_clinical,
    clinical_course_to_read,
    clinical_course_to_write,
)
from ipt.courses.models import Course


def clinical_course(user, pk: int) -> Course:
    """The course if the user may read its clinical record, else 404."""
    return clinical_course_to_read(user, pk)


def can_edit(user, course: Course) -> bool:
    return can_write_clinical(user, course)


def editable_course(user, pk: int) -> Course:
    """The course if the user may change its focus: 404 when out of sight, 403 when read-only."""
    return clinical_course_to_write(user, pk)


def can_set_labels(user, service_id: int | None = None) -> bool:
    """Active service managers and administrators choose their service's problem area labels
    (`service_id`, if given, must be their service)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.service_id
        and (service_id is None or user.service_id == service_id)
        and (user.is_service_manager or user.is_administrator)
    )
