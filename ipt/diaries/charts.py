"""The client's mood over time, drawn on the server as SVG (works without JavaScript and
prints), with the same numbers as table rows. Pure: (date, mood) pairs in, SVG and rows out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup, escape

from ipt.core.dates import MONTHS, long_date

from .models import MOOD_HIGHEST

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 28, 16, 12, 34
LINE = "#005eb8"  # NHS blue


@dataclass(frozen=True)
class MoodChart:
    svg: Markup
    caption: str
    rows: list[dict[str, str]]


def _x(day: dt.date, first: dt.date, last: dt.date) -> float:
    span = (last - first).days
    if span == 0:
        return LEFT + (WIDTH - LEFT - RIGHT) / 2
    return LEFT + (day - first).days * (WIDTH - LEFT - RIGHT) / span


def _y(mood: int) -> float:
    return TOP + (1 - mood / MOOD_HIGHEST) * (HEIGHT - TOP - BOTTOM)


def _short(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def mood_chart(points: list[tuple[dt.date, int]]) -> MoodChart:
    """A line of mood ratings (0 very low to 10 very good) placed by the date they describe."""
    points = sorted(points, key=lambda p: p[0])
    if not points:
        caption = "Mood: no diary entries yet."
    elif len(points) == 1:
        day, mood = points[0]
        caption = f"Mood: 1 diary entry, {mood} out of 10 on {long_date(day)}."
    else:
        (first_day, first_mood), (last_day, last_mood) = points[0], points[-1]
        caption = (
            f"Mood: {len(points)} diary entries, "
            f"from {first_mood} out of 10 on {long_date(first_day)} "
            f"to {last_mood} out of 10 on {long_date(last_day)}."
        )
    parts = [
        f'<svg class="ipt-chart ipt-mood-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="mood-chart-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="mood-chart-title">{escape(caption)}</title>'
    ]
    for tick in range(0, MOOD_HIGHEST + 1, 2):
        y = _y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d8dde0"/>'
            f'<text x="{LEFT - 6}" y="{y + 3:.1f}" text-anchor="end" font-size="10">{tick}</text>'
        )
    if points:
        first, last = points[0][0], points[-1][0]
        coords = [(_x(day, first, last), _y(mood), day, mood) for day, mood in points]
        ends = [(first, "middle")] if first == last else [(first, "start"), (last, "end")]
        for day, anchor in ends:
            parts.append(
                f'<text x="{_x(day, first, last):.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="{anchor}" font-size="10">{_short(day)}</text>'
            )
        if len(coords) > 1:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in coords)
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{LINE}" stroke-width="2"/>'
            )
        for x, y, day, mood in coords:
            parts.append(
                f'<circle class="ipt-chart__point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{LINE}">'
                f"<title>{escape(long_date(day))}: {mood} out of 10</title></circle>"
            )
    parts.append("</svg>")
    rows = [{"when": long_date(day), "mood": str(mood)} for day, mood in points]
    return MoodChart(svg=Markup("".join(parts)), caption=caption, rows=rows)  # noqa: S704 (escaped above)
