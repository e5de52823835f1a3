"""Reading the diary, for other pages: entries reached through a course or a client."""

from __future__ import annotations

import datetime as dt

from ipt.clients.models import Client
from ipt.courses.models import Course

from . import presenters
from .models import DiaryEntry

__all__ = ["entries_of", "entries_since", "own_entries", "timeline_items"]


def own_entries(client: Client):
    """The client's own entries, newest first: the only way the portal reaches the diary."""
    return client.diary_entries.newest_first()


def entries_of(course: Course) -> list[DiaryEntry]:
    """The course's entries, newest first."""
    return list(course.diary_entries.newest_first())


def entries_since(course: Course, since: dt.datetime) -> list[DiaryEntry]:
    """Entries the client wrote (or changed) at or after `since`, oldest first: for "before
    the next session" on the session note page, with `since` the last session's start."""
    return list(course.diary_entries.filter(updated_at__gte=since).oldest_first())


def timeline_items(course: Course) -> list[tuple[dt.date, str, int]]:
    """(date it happened, a short label, mood 0–10) for each entry, oldest first."""
    return [
        (entry.happened_on, presenters.timeline_label(entry), entry.mood)
        for entry in course.diary_entries.oldest_first()
    ]
