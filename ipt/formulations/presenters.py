"""Display values for the focus pages. Pure: models (already fetched) in, plain values out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ipt.core.dates import long_date, long_datetime

from . import charts
from .areas import DisputeStage, ProblemArea, goals_for, strategies_for
from .gate import MiddlePhaseCheck

MIN_SCORE, MAX_SCORE = 0, 10
SCORE_ERROR = "The rating must be a whole number from 0 to 10"


def check_score(value: Any) -> int:
    """A goal rating as a whole number from 0 to 10; ValueError with the NHS wording if not."""
    if isinstance(value, bool):
        raise ValueError(SCORE_ERROR)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit():
            raise ValueError(SCORE_ERROR)
        number = int(text)
    if not MIN_SCORE <= number <= MAX_SCORE:
        raise ValueError(SCORE_ERROR)
    return number


def _row(key: str, value: str, action: dict[str, str] | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"key": {"text": key}, "value": {"text": value or "Not recorded"}}
    if action:
        row["actions"] = {"items": [action]}
    return row


def area_detail_rows(focus, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """Summary-list rows of one chosen problem area and the fields of that area."""
    rows = [_row("Problem area", labels.get(focus.area, focus.area))]
    if focus.area == ProblemArea.GRIEF:
        who = focus.deceased
        if focus.inventory_person and focus.inventory_person != who:
            who = (
                f"{who} ({focus.inventory_person} in the inventory)"
                if who
                else focus.inventory_person
            )
        rows += [
            _row("Who died", who),
            _row("When they died", long_date(focus.died_on) if focus.died_on else ""),
        ]
    elif focus.area == ProblemArea.ROLE_DISPUTE:
        rows += [
            _row("With whom", focus.dispute_with),
            _row(
                "Stage",
                DisputeStage(focus.dispute_stage).label
                if focus.dispute_stage
                else "Not staged yet",
            ),
        ]
    elif focus.area == ProblemArea.ROLE_TRANSITION:
        rows += [
            _row("From", focus.from_role),
            _row("To", focus.to_role),
            _row("When", long_date(focus.transition_on) if focus.transition_on else ""),
        ]
    elif focus.area == ProblemArea.DEFICITS:
        rows.append(_row("Relationships or skills to build", focus.to_build))
    rows.append(_row("Chosen on", long_date(focus.chosen_on)))
    return rows


def stage_history(changes: Iterable) -> list[dict[str, str]]:
    """The role dispute's stages, oldest first."""
    return [
        {
            "stage": DisputeStage(change.stage).label,
            "when": long_date(change.changed_on),
            "note": change.note,
            "by": change.by.display_name,
        }
        for change in changes
    ]


def strategy_items(area: str, addressed: Iterable) -> list[dict[str, Any]]:
    """The area's middle-phase strategies as checkbox items, ticked where worked on."""
    done = {
        row.code: row
        for row in addressed
        if row.area == area and getattr(row, "removed_at", None) is None
    }
    items = []
    for item in strategies_for(area):
        row = done.get(item.code)
        entry: dict[str, Any] = {"value": item.code, "text": item.text, "checked": row is not None}
        if row is not None:
            entry["hint"] = {
                "text": f"Worked on since {long_date(row.addressed_on)} ({row.by.display_name})"
            }
        items.append(entry)
    return items


def strategies_conflict(area: str, saved: Iterable, yours: Iterable[str]) -> dict[str, list[str]]:
    """Both sets of ticks when someone else changed them meanwhile: what is saved now (with who
    worked on each and since when) and what this user ticked."""
    texts = {item.code: item.text for item in strategies_for(area)}
    order = list(texts)
    rows = sorted((row for row in saved if row.area == area), key=lambda r: order.index(r.code))
    chosen = set(yours)
    return {
        "saved": [
            f"{texts[row.code]} (since {long_date(row.addressed_on)}, {row.by.display_name})"
            for row in rows
            if row.code in texts
        ],
        "yours": [texts[code] for code in order if code in chosen],
    }


def goal_texts(area: str) -> list[str]:
    return [item.text for item in goals_for(area)]


def formulation_rows(version) -> list[dict[str, Any]]:
    """Summary-list rows about a formulation version (not its text)."""
    return [
        _row("Version", str(version.version)),
        _row(
            "Written",
            f"{long_datetime(version.created_at)} by {version.created_by.display_name}",
        ),
        _row(
            "Agreed with the client",
            long_date(version.agreed_on) if version.agreed_on else "Not agreed yet",
        ),
    ]


def agreement_tag(version) -> dict[str, str]:
    if version is None:
        return {"text": "Not written", "classes": "nhsuk-tag--grey"}
    if version.is_agreed:
        return {"text": f"Agreed on {long_date(version.agreed_on)}", "classes": "nhsuk-tag--green"}
    return {"text": "Not agreed yet", "classes": "nhsuk-tag--orange"}


def version_rows(versions: Iterable, current_pk: int | None) -> list[dict[str, str]]:
    return [
        {
            "version": str(v.version),
            "written": long_datetime(v.created_at),
            "by": v.created_by.display_name,
            "agreed": long_date(v.agreed_on) if v.agreed_on else "Not agreed",
            "current": "Current" if v.pk == current_pk else "",
        }
        for v in versions
    ]


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def gate_summary(check: MiddlePhaseCheck) -> dict[str, Any]:
    """What the middle-phase gate page and panels show."""
    override = check.override
    return {
        "ready": check.ready,
        "blockers": list(check.blockers),
        "needs_confirmation": check.needs_confirmation,
        "override": (
            {
                "reason": override.reason,
                "by": override.by,
                "at": long_datetime(override.at),
            }
            if override
            else None
        ),
    }


def goal_item(goal, labels: Mapping[str, str], session_labels: Mapping[int, str]) -> dict:
    """A goal with its status, its problem area and its chart."""
    ratings = [
        charts.Rating(
            score=r.score,
            when=long_date(r.rated_on),
            session=session_labels.get(r.appointment_id, "") if r.appointment_id else "",
        )
        for r in sorted(goal.ratings.all(), key=lambda r: (r.rated_on, r.pk))
    ]
    status = goal.get_status_display()
    if goal.closed_on:
        status = f"{status} ({long_date(goal.closed_on)})"
    return {
        "goal": goal,
        "text": goal.text,
        "area": labels.get(goal.problem_area, "") if goal.problem_area else "",
        "status": status,
        "active": goal.is_active,
        "latest": str(ratings[-1].score) if ratings else "",
        "chart": charts.goal_chart(chart_id=f"goal-{goal.pk}", goal=goal.text, ratings=ratings),
    }


def appointment_choices(appointments: Iterable, session_labels: Mapping[int, str]):
    """(value, text) pairs for choosing the session a rating was given at."""
    choices = [("", "Not at a session")]
    for appointment in appointments:
        label = session_labels.get(appointment.pk, "")
        when = long_datetime(appointment.starts_at)
        choices.append((str(appointment.pk), f"{label}: {when}" if label else when))
    return choices
