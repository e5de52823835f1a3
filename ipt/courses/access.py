"""Who may see and change courses. Courses are reached through the client scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ipt.accounts.models import Supervision, User
from ipt.clients.access import can_see_clinical, visible_client_ids
from ipt.clients.models import Referral

from .models import Course, TherapyVariant


def visible_courses(user, among_clients: Iterable[int] | None = None) -> QuerySet[Course]:
    """Courses of the clients the user may open (of those among the given clients, if given:
    cheaper for a page of rows than narrowing every visible course afterwards)."""
    return Course.objects.filter(
        client_id__in=visible_client_ids(user, among=among_clients)
    ).select_related("client", "therapist", "variant")


def _supervises(user, therapist_id: int) -> bool:
    return (
        bool(user.is_supervisor)
        and Supervision.objects.filter(supervisor=user, supervisee_id=therapist_id).exists()
    )


def can_manage_course(user, course: Course) -> bool:
    """Open, renegotiate and end courses: the therapist, their supervisor, service managers."""
    if not user.is_authenticated or user.service_id != course.service_id:
        return False
    return (
        course.therapist_id == user.pk
        or user.is_service_manager
        or _supervises(user, course.therapist_id)
    )


def clinical_courses(user) -> QuerySet[Course]:
    """Courses whose clinical record (assessment, formulation, notes…) the user may read:
    visible to them, and they hold a clinical role (administrators never do)."""
    if not can_see_clinical(user):
        return Course.objects.none()
    return visible_courses(user)


def can_write_clinical(user, course: Course) -> bool:
    """Change a course's clinical record: a clinical role, and they manage the course."""
    return can_see_clinical(user) and can_manage_course(user, course)


def clinical_course_to_read(user, pk: int) -> Course:
    """The course if the user may read its clinical record; 404 otherwise."""
    return get_object_or_404(clinical_courses(user), pk=pk)


def clinical_course_to_write(user, pk: int) -> Course:
    """The course if the user may change its clinical record; 404 if they cannot see it, 403
    if they may only read it."""
    course = clinical_course_to_read(user, pk)
    if not can_write_clinical(user, course):
        raise PermissionDenied
    return course


def can_open_course(user, referral: Referral) -> bool:
    """Open a course from a referral: as for managing one — its allocated therapist, that
    therapist's supervisor, or a service manager."""
    if referral.allocated_therapist_id is None:
        return False
    would_be = Course(service_id=referral.service_id, therapist_id=referral.allocated_therapist_id)
    return can_manage_course(user, would_be)


def can_book(user, course: Course) -> bool:
    """Book, move and record appointments: those who manage the course, and administrators."""
    return can_manage_course(user, course) or (
        user.is_authenticated and user.is_administrator and user.service_id == course.service_id
    )


def variants_for(user) -> QuerySet[TherapyVariant]:
    """The IPT variants of the user's service."""
    if not user.is_authenticated or user.service_id is None:
        return TherapyVariant.objects.none()
    return TherapyVariant.objects.filter(service_id=user.service_id)


def therapists_of(user) -> QuerySet[User]:
    if not user.is_authenticated or user.service_id is None:
        return User.objects.none()
    return User.objects.active().therapists().filter(service_id=user.service_id)
