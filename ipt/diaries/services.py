"""Every write to the diary. A client writes their own entries through the portal; each write
is atomic and audited in the same transaction with the client as the actor. A write the rules
refuse raises `DiaryRefused` with a message fit to show, and saves nothing."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from ipt.accounts.models import User
from ipt.clients.models import Client
from ipt.core import audit
from ipt.core.errors import Refused
from ipt.courses.models import Course

from .models import MOOD_HIGHEST, MOOD_LOWEST, DiaryEntry

__all__ = [
    "ENTRY_FIELDS",
    "DiaryRefused",
    "add_entry",
    "change_entry",
    "current_course",
    "record_view",
]

ENTRY_FIELDS = ["happened_on", "what_happened", "who_with", "feelings", "mood"]


class DiaryRefused(Refused):
    """A diary write the rules refuse."""


def current_course(client: Client) -> Course | None:
    """The client's open course, newest first; None if they have none open."""
    return client.courses.open().order_by("-opened_on", "-pk").first()


def _cleaned(
    *, happened_on: dt.date, what_happened: str, who_with: str, feelings: str, mood: int
) -> dict:
    what_happened = what_happened.strip()
    if not what_happened:
        raise DiaryRefused("Enter what happened", field="what_happened")
    if happened_on > timezone.localdate():
        raise DiaryRefused("The date it happened must be today or in the past", field="happened_on")
    if (
        isinstance(mood, bool)
        or not isinstance(mood, int)
        or not (MOOD_LOWEST <= mood <= MOOD_HIGHEST)
    ):
        raise DiaryRefused("Select your mood from 0 to 10", field="mood")
    return {
        "happened_on": happened_on,
        "what_happened": what_happened,
        "who_with": who_with.strip(),
        "feelings": feelings.strip(),
        "mood": mood,
    }


@transaction.atomic
def add_entry(
    *,
    by: Client,
    happened_on: dt.date,
    what_happened: str,
    who_with: str = "",
    feelings: str = "",
    mood: int,
    submission_id: uuid.UUID | None = None,
) -> DiaryEntry:
    """The client `by` writes a diary entry; it joins their open course, if they have one.

    `submission_id` comes from the form: the same form sent again (a double click) gives back
    the entry it saved the first time and changes nothing."""
    if submission_id is not None:
        # The client's row is the lock two sends of one form queue on.
        Client.objects.select_for_update(of=("self",)).filter(pk=by.pk).first()
        saved = DiaryEntry.objects.filter(client=by, submission_id=submission_id).first()
        if saved is not None:
            return saved
    values = _cleaned(
        happened_on=happened_on,
        what_happened=what_happened,
        who_with=who_with,
        feelings=feelings,
        mood=mood,
    )
    now = timezone.now()
    entry = DiaryEntry.objects.create(
        client=by,
        course=current_course(by),
        created_at=now,
        updated_at=now,
        submission_id=submission_id,
        **values,
    )
    audit.record(
        by=None,
        actor_label=audit.client_actor(by),
        action=audit.Action.CREATE,
        obj=entry,
        client_id=by.pk,
        summary=f"Wrote a diary entry (mood {entry.mood} out of 10)",
        changes=audit.changes_between({}, audit.snapshot(entry, ENTRY_FIELDS)),
    )
    return entry


@transaction.atomic
def change_entry(
    *,
    entry: DiaryEntry,
    by: Client,
    happened_on: dt.date,
    what_happened: str,
    who_with: str = "",
    feelings: str = "",
    mood: int,
) -> DiaryEntry:
    """The client changes an entry they wrote today. The audit event keeps what it said before,
    so nothing is lost."""
    if entry.client_id != by.pk:
        raise DiaryRefused("You can only change your own diary entries")
    current = DiaryEntry.objects.select_for_update().get(pk=entry.pk)
    if not current.can_change_on(timezone.localdate()):
        raise DiaryRefused("You can only change a diary entry on the day you wrote it")
    values = _cleaned(
        happened_on=happened_on,
        what_happened=what_happened,
        who_with=who_with,
        feelings=feelings,
        mood=mood,
    )
    before = audit.snapshot(current, ENTRY_FIELDS)
    for name, value in values.items():
        setattr(current, name, value)
    changes = audit.changes_between(before, audit.snapshot(current, ENTRY_FIELDS))
    if not changes:
        return current
    current.updated_at = timezone.now()
    current.save(update_fields=[*ENTRY_FIELDS, "updated_at"])
    audit.record(
        by=None,
        actor_label=audit.client_actor(by),
        action=audit.Action.UPDATE,
        obj=current,
        client_id=by.pk,
        summary="Changed a diary entry",
        changes=changes,
    )
    return current


def record_view(*, course: Course, by: User) -> None:
    """A member of staff reading a course's diary is audited, like a view of the record."""
    audit.record(
        by=by,
        action=audit.Action.VIEW,
        obj=course,
        client_id=course.client_id,
        summary="Viewed the client's diary",
    )
