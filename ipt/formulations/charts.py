"""A small chart of a goal's 0–10 ratings, drawn on the server as SVG, with the same numbers
as table rows. Pure: ratings in, SVG and rows out (as ipt.measures.charts does for scores)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 320, 140
LEFT, RIGHT, TOP, BOTTOM = 28, 12, 10, 26
MAX_SCORE = 10
LINE = "#005eb8"  # NHS blue


@dataclass(frozen=True)
class Rating:
    score: int
    when: str  # a display date
    session: str = ""  # "Session 6", or "" when not rated at a session


@dataclass(frozen=True)
class PlotPoint:
    x: float
    y: float
    rating: Rating


@dataclass(frozen=True)
class GoalChart:
    svg: Markup
    caption: str
    rows: list[dict[str, str]]


def plot_points(ratings: list[Rating]) -> list[PlotPoint]:
    """Where each rating sits: evenly spaced left to right in the order given, 0 at the bottom
    and 10 at the top."""
    span = WIDTH - LEFT - RIGHT
    step = span / max(len(ratings) - 1, 1)
    points = []
    for index, rating in enumerate(ratings):
        x = LEFT + index * step if len(ratings) > 1 else LEFT + span / 2
        y = TOP + (1 - rating.score / MAX_SCORE) * (HEIGHT - TOP - BOTTOM)
        points.append(PlotPoint(round(x, 1), round(y, 1), rating))
    return points


def describe(ratings: list[Rating]) -> str:
    """Every rating in words, oldest first, for those who cannot see the line."""
    if not ratings:
        return "No ratings yet."
    parts = []
    for rating in ratings:
        at = f" ({rating.session})" if rating.session else ""
        parts.append(f"{rating.score} on {rating.when}{at}")
    return "Ratings out of 10, oldest first: " + "; ".join(parts) + "."


def goal_chart(*, chart_id: str, goal: str, ratings: list[Rating]) -> GoalChart:
    """A line of the goal's ratings, oldest first, on a 0–10 scale."""
    if not ratings:
        caption = f"{goal}: not rated yet."
    else:
        caption = (
            f"{goal}: {len(ratings)} rating{'s' if len(ratings) != 1 else ''}, "
            f"from {ratings[0].score} on {ratings[0].when} to {ratings[-1].score} "
            f"on {ratings[-1].when}."
        )
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg class="ipt-chart ipt-goal-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(caption)}</title>'
        f'<desc id="{desc_id}">{escape(describe(ratings))}</desc>'
    ]
    for tick in range(0, MAX_SCORE + 1, 2):
        y = TOP + (1 - tick / MAX_SCORE) * (HEIGHT - TOP - BOTTOM)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d8dde0"/>'
            f'<text x="{LEFT - 6}" y="{y + 3:.1f}" text-anchor="end" font-size="10">{tick}</text>'
        )
    points = plot_points(ratings)
    if len(points) > 1:
        line = " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for p in points:
        label = f"{p.rating.when}: {p.rating.score} out of 10"
        parts.append(
            f'<circle class="ipt-chart__point" cx="{p.x:.1f}" cy="{p.y:.1f}" r="4" fill="{LINE}">'
            f"<title>{escape(label)}</title></circle>"
        )
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 8}" text-anchor="middle" '
        f'font-size="10">Ratings in order</text></svg>'
    )
    rows = [{"when": r.when, "session": r.session, "score": str(r.score)} for r in ratings]
    return GoalChart(svg=Markup("".join(parts)), caption=caption, rows=rows)  # noqa: S704 (escaped above)
