"""Who may see supervision pages and write supervision notes.

The caseloads page is for supervisors: it lists their supervisees' open courses. Notes about a
case are read by the course's therapist, their supervisors and the service's managers; only the
supervisors and managers write them. Anyone else gets a 404, as for anything out of scope.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from ipt.accounts.models import Supervision, User
from ipt.clients.access import can_see_clinical
from ipt.courses.access import clinical_courses
from ipt.courses.models import Course


def is_supervising(user) -> bool:
    """A clinician who holds the supervisor role: the caseloads page is theirs."""
    return can_see_clinical(user) and bool(user.is_supervisor)


def supervisees_of(user) -> QuerySet[User]:
    """The members of the user's service whom the user supervises, by name: the active ones,
    and any who have left with courses still open (those cases stay with their supervisor until
    they are reallocated, so they must not drop out of sight)."""
    if not is_supervising(user):
        return User.objects.none()
    ids = Supervision.objects.filter(supervisor=user).values("supervisee_id")
    still_open = Course.objects.open().values("therapist_id")
    return User.objects.filter(pk__in=ids, service_id=user.service_id).filter(
        Q(is_active=True) | Q(pk__in=still_open)
    )


def supervises(user, therapist_id: int) -> bool:
    """Whether the user supervises this therapist (who may since have left: their cases stay
    with their supervisor until they are reallocated)."""
    return (
        is_supervising(user)
        and Supervision.objects.filter(supervisor=user, supervisee_id=therapist_id).exists()
    )


def can_write_notes(user, course: Course) -> bool:
    """The course therapist's supervisor, or a service manager of the course's service."""
    if not can_see_clinical(user) or user.service_id != course.service_id:
        return False
    return bool(user.is_service_manager) or supervises(user, course.therapist_id)


def can_read_notes(user, course: Course) -> bool:
    """Those who write them, and the course's own therapist (notes about their own cases)."""
    if not can_see_clinical(user) or user.service_id != course.service_id:
        return False
    return course.therapist_id == user.pk or can_write_notes(user, course)


def course_to_read(user, pk: int) -> Course:
    """The course if the user may read its supervision notes; 404 otherwise."""
    course = get_object_or_404(clinical_courses(user).select_related("service"), pk=pk)
    if not can_read_notes(user, course):
        raise Http404
    return course


def course_to_write(user, pk: int) -> Course:
    """The course if the user may add a supervision note; 404 if they may not read its notes,
    403 if they may only read them."""
    course = course_to_read(user, pk)
    if not can_write_notes(user, course):
        raise PermissionDenied
    return course
