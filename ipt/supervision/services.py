"""Every write to supervision: adding a note about a case. Atomic and audited in the same
transaction; a write the rules refuse raises `SupervisionRefused` and saves nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ipt.accounts.models import User
from ipt.core import audit
from ipt.core.errors import Refused
from ipt.courses.models import Course

from .access import can_read_notes, can_write_notes
from .models import SupervisionNote

__all__ = ["SupervisionRefused", "add_note", "record_view"]


class SupervisionRefused(Refused):
    """A supervision write the rules refuse."""


@transaction.atomic
def add_note(*, course: Course, by: User, discussed_on: dt.date, text: str) -> SupervisionNote:
    """`by`, the therapist's supervisor or a service manager, notes a discussion of the case."""
    if not can_write_notes(by, course):
        raise SupervisionRefused(
            "Only the therapist's supervisor or a service manager can add a supervision note"
        )
    text = text.strip()
    if not text:
        raise SupervisionRefused("Enter what was discussed", field="text")
    if discussed_on > timezone.localdate():
        raise SupervisionRefused(
            "The date discussed must be today or in the past", field="discussed_on"
        )
    if discussed_on < course.opened_on:
        raise SupervisionRefused(
            "The date discussed must be on or after the day the course opened",
            field="discussed_on",
        )
    note = SupervisionNote.objects.create(
        course=course, author=by, discussed_on=discussed_on, text=text
    )
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=note,
        client_id=course.client_id,
        summary=f"Added a supervision note of {discussed_on:%Y-%m-%d} to course {course.pk}",
        changes={"discussed_on": [None, discussed_on.isoformat()]},
    )
    return note


def record_view(*, course: Course, by: User) -> None:
    """Reading a case's supervision notes is audited, as reading the client record is."""
    if not can_read_notes(by, course):
        raise SupervisionRefused("You cannot read the supervision notes of this course")
    audit.record(
        by=by,
        action=audit.Action.VIEW,
        obj=course,
        client_id=course.client_id,
        summary=f"Read the supervision notes of course {course.pk}",
    )
