"""Display values for diary entries. Pure: entries in, strings and rows out."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone

from ipt.core.dates import long_date, time_of_day


class EntryLike(Protocol):
    pk: int | None
    happened_on: dt.date
    what_happened: str
    who_with: str
    feelings: str
    mood: int
    created_at: dt.datetime
    updated_at: dt.datetime

    def can_change_on(self, today: dt.date) -> bool: ...


def mood_text(mood: int) -> str:
    return f"{mood} out of 10"


def timeline_label(entry: EntryLike) -> str:
    """'Diary: Argued with Sam about the holiday', shortened to fit a timeline row."""
    return "Diary: " + textwrap.shorten(entry.what_happened, width=60, placeholder="…")


@dataclass(frozen=True)
class EntryCard:
    pk: int | None
    heading: str
    rows: list[dict]
    can_change: bool
    written: str


def _row(key: str, value: str) -> dict:
    return {"key": {"text": key}, "value": {"text": value}}


def entry_card(entry: EntryLike, *, today: dt.date, for_client: bool) -> EntryCard:
    """One entry as a card: its date, mood and words, and whether the client may still
    change it (only on the day they wrote it)."""
    rows = [
        _row("Mood", mood_text(entry.mood)),
        _row("What happened", entry.what_happened),
    ]
    if entry.who_with:
        rows.append(_row("Who with", entry.who_with))
    if entry.feelings:
        rows.append(_row("How " + ("you" if for_client else "they") + " felt", entry.feelings))
    return EntryCard(
        pk=entry.pk,
        heading=long_date(entry.happened_on),
        rows=rows,
        can_change=for_client and entry.can_change_on(today),
        written=_written(entry),
    )


def _written(entry: EntryLike) -> str:
    created = timezone.localtime(entry.created_at)
    text = f"Written {long_date(created.date())} at {time_of_day(created)}"
    if entry.updated_at != entry.created_at:
        text += f", changed at {time_of_day(entry.updated_at)}"
    return text


def entry_cards(entries, *, today: dt.date, for_client: bool) -> list[EntryCard]:
    return [entry_card(e, today=today, for_client=for_client) for e in entries]
