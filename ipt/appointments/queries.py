"""Reads that several pages share, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable

from ipt.courses.access import visible_courses
from ipt.courses.models import TreatmentContract

from .access import visible_appointments
from .sessions import SessionNumber, number_sessions


def session_numbers(user, course_ids: Iterable[int]) -> dict[int, SessionNumber]:
    """Session numbers of every appointment of these courses, by appointment id.

    Two queries whatever the number of courses: their appointments, and their contracts.
    """
    ids = set(course_ids)
    if not ids:
        return {}
    appointments = (
        visible_appointments(user)
        .filter(course_id__in=ids)
        .order_by("course_id", "starts_at", "pk")
        .only("pk", "course_id", "kind", "attendance", "starts_at")
    )
    contracts: dict[int, TreatmentContract] = {}
    for contract in TreatmentContract.objects.filter(
        course__in=visible_courses(user).filter(pk__in=ids).values("pk")
    ).order_by("course_id", "-version"):
        contracts.setdefault(contract.course_id, contract)
    by_course: dict[int, list] = {}
    for appointment in appointments:
        by_course.setdefault(appointment.course_id, []).append(appointment)
    numbers: dict[int, SessionNumber] = {}
    for course_id, items in by_course.items():
        contract = contracts.get(course_id)
        found = number_sessions(items, contract.terms if contract else None)
        numbers.update(zip((a.pk for a in items), found, strict=True))
    return numbers
