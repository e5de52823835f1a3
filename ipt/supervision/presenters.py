"""Display values for the supervision pages: plain text and NHS component parameters.

Pure functions of what `queries` fetched; no queries here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ipt.clients.presenters import full_name
from ipt.core.dates import long_date, long_datetime
from ipt.courses.presenters import state_label
from ipt.courses.rules import Progress
from ipt.measures import instruments
from ipt.measures.outcomes import Rate, Rates

from .models import SupervisionNote
from .queries import LATEST_MEASURES, Case


def session_text(progress: Progress | None) -> str:
    """'Session 6 of 16', or 'No sessions yet (16 planned)' before the first."""
    if progress is None:
        return ""
    planned = progress.terms.planned_sessions
    if progress.attended == 0:
        return f"No sessions yet ({planned} planned)"
    return f"Session {progress.attended} of {planned}"


def phase_text(case: Case) -> str:
    """The phase in treatment ('Middle phase'); otherwise the status ('Assessment')."""
    if case.progress is None:
        return ""
    return state_label(case.course, case.progress)


def scores_text(latest: dict[str, int]) -> str:
    """'PHQ-9 14, GAD-7 9', 'PHQ-9 14', or 'None yet'."""
    found = [
        f"{instruments.get(code).name} {latest[code]}" for code in LATEST_MEASURES if code in latest
    ]
    return ", ".join(found) or "None yet"


def flags(case: Case) -> list[dict[str, str]]:
    """Tags for what needs discussing: unacknowledged risk alerts first, then not on track."""
    tags = []
    if case.has_risk:
        count = case.open_alerts
        text = "Risk alert" if count == 1 else f"{count} risk alerts"
        tags.append({"text": f"{text} not acknowledged", "colour": "red"})
    if case.not_on_track:
        tags.append({"text": "Not on track", "colour": "orange"})
    return tags


def case_row(case: Case, href: str) -> dict[str, Any]:
    return {
        "href": href,
        "client": full_name(case.course.client),
        "phase": phase_text(case),
        "area": case.area_label or "Not chosen yet",
        "session": session_text(case.progress),
        "scores": scores_text(case.latest),
        "flags": flags(case),
        "reasons": case.not_on_track,
    }


def rate_text(rate: Rate) -> str:
    """'3 of 5 (60%)', or 'None to count (0 of 0)' when the denominator is zero."""
    if rate.percentage is None:
        return "None to count (0 of 0)"
    return f"{rate.numerator} of {rate.denominator} ({rate.percentage:.0f}%)"


def rate_rows(rates: Rates) -> list[dict[str, str]]:
    """The outcome rates with their denominators, as table rows."""
    at_caseness = "finished courses at caseness at the start"
    return [
        {"measure": "Recovery", "value": rate_text(rates.recovery), "of": at_caseness},
        {
            "measure": "Reliable recovery",
            "value": rate_text(rates.reliable_recovery),
            "of": at_caseness,
        },
        {
            "measure": "Reliable improvement",
            "value": rate_text(rates.reliable_improvement),
            "of": "all finished courses",
        },
        {
            "measure": "Reliable deterioration",
            "value": rate_text(rates.reliable_deterioration),
            "of": "all finished courses",
        },
    ]


def finished_text(rates: Rates) -> str:
    """'5 finished courses (1 not at caseness at the start, 1 without paired scores)'."""
    noun = "finished course" if rates.finished == 1 else "finished courses"
    extra = []
    if rates.not_at_caseness:
        extra.append(f"{rates.not_at_caseness} not at caseness at the start")
    if rates.unpaired:
        extra.append(f"{rates.unpaired} without paired scores")
    return f"{rates.finished} {noun}" + (f" ({', '.join(extra)})" if extra else "")


def case_summary_rows(case: Case) -> list[dict[str, Any]]:
    """Summary list rows for the head of a case's supervision page."""
    course = case.course
    rows = [
        ("Therapist", course.therapist.display_name),
        ("Course", course.variant.name),
        ("Phase", phase_text(case)),
        ("Problem area", case.area_label or "Not chosen yet"),
        ("Sessions", session_text(case.progress)),
        ("Latest scores", scores_text(case.latest)),
    ]
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows if value]


def paragraphs(text: str) -> list[str]:
    """The text split at blank lines, each paragraph's line breaks kept as spaces."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return [" ".join(block.split("\n")).strip() for block in blocks if block.strip()]


def note_cards(notes: Iterable[SupervisionNote]) -> list[dict[str, Any]]:
    """Each note: when it was discussed, who wrote it and when, and the text."""
    return [
        {
            "heading": f"Discussed on {long_date(note.discussed_on)}",
            "byline": f"Written by {note.author.display_name} on {long_datetime(note.created_at)}",
            "paragraphs": paragraphs(note.text),
        }
        for note in notes
    ]
