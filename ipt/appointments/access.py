"""Who may see appointments and whose diary. Appointments are reached through the course scope."""

from __future__ import annotations

from django.db.models import QuerySet

from ipt.accounts.models import User
from ipt.courses.access import can_book, visible_courses

from .models import Appointment

__all__ = ["can_book", "diary_owner", "diary_therapists", "visible_appointments"]


def visible_appointments(user) -> QuerySet[Appointment]:
    """Appointments of the courses the user may open."""
    return Appointment.objects.filter(course__in=visible_courses(user).values("pk"))


def diary_therapists(user) -> QuerySet[User]:
    """Whose diary the user may choose: every active therapist of a manager's service."""
    if not user.is_authenticated or not user.is_service_manager or user.service_id is None:
        return User.objects.none()
    return User.objects.active().therapists().filter(service_id=user.service_id)


def diary_owner(user, therapist_id: str | None) -> User | None:
    """The therapist whose diary the user asked for, or None when they may not see it.

    With no `therapist_id`, a therapist gets their own diary. A service manager may choose any
    active therapist of their service; nobody else may see another therapist's diary.
    """
    if not user.is_authenticated or not user.is_active or user.service_id is None:
        return None
    if not therapist_id:
        return user if user.is_therapist else None
    if not str(therapist_id).isdigit():
        return None
    if int(therapist_id) == user.pk and user.is_therapist:
        return user
    return diary_therapists(user).filter(pk=int(therapist_id)).first()
