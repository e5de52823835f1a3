"""Progress charts drawn on the server as SVG: they work without JavaScript, print, and can go
into letters. Every chart comes with the same numbers as a table for screen readers.

Pure: points in, SVG and table rows out.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 40
LINE = "#005eb8"  # NHS blue
BAND_FILLS = ("#ffffff", "#f0f4f5", "#e8edee", "#d8dde0", "#c8cdd0")


@dataclass(frozen=True)
class Point:
    session: int
    score: int
    when: str = ""  # a display date, for the table and the point's tooltip


@dataclass(frozen=True)
class Band:
    lowest: int
    highest: int
    label: str


@dataclass(frozen=True)
class Chart:
    svg: Markup
    caption: str
    rows: list[dict[str, str]]


def _x(session: int, last: int) -> float:
    span = max(last - 1, 1)
    return LEFT + (session - 1) * (WIDTH - LEFT - RIGHT) / span


def _y(score: float, max_score: int) -> float:
    return TOP + (1 - score / max_score) * (HEIGHT - TOP - BOTTOM)


def progress_chart(
    *,
    title: str,
    points: list[Point],
    max_score: int,
    bands: list[Band],
    caseness: int | None = None,
    reliable_change: int | None = None,
    initial_last: int | None = None,
    middle_last: int | None = None,
    planned_sessions: int = 16,
) -> Chart:
    """A line of scores by session over the severity bands, with the caseness line, the band of
    no reliable change around the first score, and the phase boundaries."""
    points = sorted(points, key=lambda p: p.session)
    last = max([planned_sessions, *(p.session for p in points)])
    parts: list[str] = []
    summary = (
        f"{title}: no scores yet."
        if not points
        else f"{title}: {len(points)} scores, from {points[0].score} at session "
        f"{points[0].session} to {points[-1].score} at session {points[-1].session}."
    )
    parts.append(
        f'<svg class="ipt-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{_id(title)}-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{_id(title)}-title">{escape(summary)}</title>'
    )
    for index, band in enumerate(bands):
        top, bottom = (
            _y(band.highest + 1 if band.highest < max_score else max_score, max_score),
            _y(band.lowest, max_score),
        )
        parts.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{WIDTH - LEFT - RIGHT}" height="{bottom - top:.1f}" '
            f'fill="{BAND_FILLS[index % len(BAND_FILLS)]}" data-band="{escape(band.label)}"/>'
            f'<text x="{WIDTH - RIGHT - 4}" y="{top + 12:.1f}" text-anchor="end" font-size="10" fill="#4c6272">{escape(band.label)}</text>'
        )
    if points and reliable_change:
        first = points[0].score
        high, low = min(first + reliable_change - 1, max_score), max(first - reliable_change + 1, 0)
        parts.append(
            f'<rect class="ipt-chart__no-reliable-change" x="{LEFT}" y="{_y(high, max_score):.1f}" '
            f'width="{WIDTH - LEFT - RIGHT}" height="{_y(low, max_score) - _y(high, max_score):.1f}" '
            f'fill="#ffeb3b" fill-opacity="0.25"/>'
        )
    if caseness is not None:
        y = _y(caseness, max_score)
        parts.append(
            f'<line class="ipt-chart__caseness" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d5281b" stroke-dasharray="6 4"/>'
            f'<text x="{LEFT + 4}" y="{y - 4:.1f}" font-size="10" fill="#d5281b">caseness {caseness}</text>'
        )
    for boundary, label in ((initial_last, "middle"), (middle_last, "ending")):
        if boundary:
            x = (_x(boundary, last) + _x(boundary + 1, last)) / 2
            parts.append(
                f'<line class="ipt-chart__phase" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
                f'stroke="#768692" stroke-dasharray="2 3"/>'
                f'<text x="{x + 3:.1f}" y="{TOP + 10}" font-size="10" fill="#4c6272">{label} phase</text>'
            )
    for tick in range(0, max_score + 1, 5 if max_score > 30 else (5 if max_score > 20 else 3)):
        y = _y(tick, max_score)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 3:.1f}" text-anchor="end" font-size="10">{tick}</text>'
        )
    for session in range(1, last + 1):
        parts.append(
            f'<text x="{_x(session, last):.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" font-size="10">{session}</text>'
        )
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 6}" text-anchor="middle" font-size="11">Session</text>'
    )
    if points:
        line = " ".join(f"{_x(p.session, last):.1f},{_y(p.score, max_score):.1f}" for p in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{LINE}" stroke-width="2"/>')
        for p in points:
            parts.append(
                f'<circle class="ipt-chart__point" cx="{_x(p.session, last):.1f}" cy="{_y(p.score, max_score):.1f}" r="4" fill="{LINE}">'
                f"<title>Session {p.session}: {p.score}{escape(' (' + p.when + ')') if p.when else ''}</title></circle>"
            )
    parts.append("</svg>")
    rows = [
        {
            "session": str(p.session),
            "when": p.when,
            "score": str(p.score),
            "band": _band(p.score, bands),
        }
        for p in points
    ]
    return Chart(svg=Markup("".join(parts)), caption=summary, rows=rows)  # noqa: S704 (escaped above)


def _band(score: int, bands: list[Band]) -> str:
    return next((b.label for b in bands if b.lowest <= score <= b.highest), "")


def _id(title: str) -> str:
    return "chart-" + "".join(ch.lower() if ch.isalnum() else "-" for ch in title)
