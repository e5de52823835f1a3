"""The timeline drawn on one time axis: life events as numbered markers, episodes of depression
as bands. Pure: events and episodes in (anything with their date attributes), positions out;
`rows` gives the same information in date order for the table beside the drawing."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ipt.core.dates import MONTHS, long_date

WIDTH, HEIGHT = 640, 210
LEFT, RIGHT = 24, 24
AXIS_Y = 160
BAND_TOP, BAND_HEIGHT = 118, 30
LANES = (36, 62, 88)


class EventLike(Protocol):
    occurred_on: dt.date
    precision: str
    linked_to_onset: bool

    def get_kind_display(self) -> str: ...


class EpisodeLike(Protocol):
    started_on: dt.date
    ended_on: dt.date | None


@dataclass(frozen=True)
class Marker:
    number: int
    x: float
    y: float
    kind: str
    when: str
    linked_to_onset: bool


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    when: str
    ongoing: bool


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Axis:
    markers: tuple[Marker, ...]
    bands: tuple[Band, ...]
    ticks: tuple[Tick, ...]
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    axis_y: int = AXIS_Y
    band_top: int = BAND_TOP
    band_height: int = BAND_HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT

    @property
    def is_empty(self) -> bool:
        return not self.markers and not self.bands


def when(day: dt.date, precision: str = "exact") -> str:
    """The date as precisely as it is known: '14 March 2024', 'March 2024' or '2024'."""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def episode_when(started_on: dt.date, ended_on: dt.date | None) -> str:
    if ended_on is None:
        return f"From {when(started_on)}, still going on"
    return f"{when(started_on)} to {when(ended_on)}"


def x_for(day: dt.date, start: dt.date, end: dt.date) -> float:
    """Where a date falls on the axis, from LEFT (start) to WIDTH - RIGHT (end)."""
    span = max((end - start).days, 1)
    return round(LEFT + (day - start).days * (WIDTH - LEFT - RIGHT) / span, 2)


def _range(dates: list[dt.date]) -> tuple[dt.date, dt.date]:
    start, end = min(dates), max(dates)
    pad = dt.timedelta(days=max(15, (end - start).days // 25))
    return start - pad, end + pad


def _ticks(start: dt.date, end: dt.date) -> list[Tick]:
    """Years (every few on a long axis), or the start of each quarter when it spans less than
    two years."""
    if (end - start).days < 730:
        ticks: list[Tick] = []
        year, month = start.year, ((start.month - 1) // 3) * 3 + 1
        while True:
            day = dt.date(year, month, 1)
            if day > end:
                return ticks
            if day >= start:
                ticks.append(Tick(x_for(day, start, end), f"{MONTHS[month - 1][:3]} {year}"))
            month += 3
            if month > 12:
                year, month = year + 1, month - 12
    step = max(1, math.ceil((end.year - start.year) / 8))
    return [
        Tick(x_for(dt.date(year, 1, 1), start, end), str(year))
        for year in range(start.year + 1, end.year + 1)
        if (year - start.year - 1) % step == 0
    ]


def build_axis(
    *, events: Sequence[EventLike], episodes: Sequence[EpisodeLike], today: dt.date
) -> Axis:
    """Events numbered 1, 2, 3… in date order (the table uses the same numbers)."""
    events = sorted(events, key=lambda event: event.occurred_on)
    dates = [event.occurred_on for event in events]
    for episode in episodes:
        dates += [episode.started_on, episode.ended_on or max(today, episode.started_on)]
    if not dates:
        return Axis((), (), (), "Timeline: nothing recorded yet", "No events or episodes yet.")
    start, end = _range(dates)
    markers = tuple(
        Marker(
            number=index,
            x=x_for(event.occurred_on, start, end),
            y=LANES[(index - 1) % len(LANES)],
            kind=event.get_kind_display(),
            when=when(event.occurred_on, event.precision),
            linked_to_onset=event.linked_to_onset,
        )
        for index, event in enumerate(events, start=1)
    )
    bands = tuple(
        Band(
            x=x_for(episode.started_on, start, end),
            width=max(
                x_for(episode.ended_on or max(today, episode.started_on), start, end)
                - x_for(episode.started_on, start, end),
                3,
            ),
            when=episode_when(episode.started_on, episode.ended_on),
            ongoing=episode.ended_on is None,
        )
        for episode in sorted(episodes, key=lambda episode: episode.started_on)
    )
    linked = sum(1 for marker in markers if marker.linked_to_onset)
    description = (
        f"From {long_date(start)} to {long_date(end)}: {len(markers)} life events"
        f" ({linked} linked to the onset) and {len(bands)} episodes of depression."
    )
    return Axis(
        markers=markers,
        bands=bands,
        ticks=tuple(_ticks(start, end)),
        title="Timeline of life events and episodes of depression",
        description=description,
    )
