"""Display values for notes, homework and the ending: pure functions, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse
from markupsafe import Markup, escape

from ipt.core.dates import long_date, long_datetime

from . import templates
from .models import HomeworkOutcome, HomeworkTask, SessionNote
from .templates import CHOICES, YES_NO, Choice, Template

NOT_STARTED = {"text": "Not started", "classes": "nhsuk-tag--grey"}
DRAFT = {"text": "Draft", "classes": "nhsuk-tag--yellow"}
SIGNED = {"text": "Signed", "classes": "nhsuk-tag--green"}


def multiline(text: str) -> dict[str, Any]:
    """A summary-list value keeping the writer's line breaks."""
    lines = str(text).splitlines() or [""]
    return {"html": Markup("<br>").join(escape(line) for line in lines)}


def status_tag(note: SessionNote | None) -> dict[str, str]:
    if note is None:
        return NOT_STARTED
    return SIGNED if note.is_signed else DRAFT


def outcome_text(outcome: str) -> str:
    """The marker on a note whose appointment no longer counts as a session."""
    if not outcome:
        return ""
    return f"The appointment is now recorded as: {outcome[0].lower()}{outcome[1:]}"


def status_text(note: SessionNote | None) -> str:
    return status_tag(note)["text"]


def _value_text(item: templates.Field, value: Any, strategies: tuple[Choice, ...]) -> str:
    if item.kind == CHOICES:
        choices = item.choices if item.choices is not None else strategies
        return ", ".join(templates.choice_text(choices, code) for code in value or [])
    if item.kind == YES_NO:
        return templates.choice_text(item.choices or (), value) if value else ""
    return str(value or "")


def content_sections(
    template: Template | str,
    content: Mapping[str, Any],
    *,
    strategy_text=None,
) -> list[dict[str, Any]]:
    """The note as headed sections of summary-list rows; empty answers read "Not recorded".

    `strategy_text(code)` gives a strategy's wording (the course's problem area decides it)."""
    sections: list[dict[str, Any]] = []
    seen_groups: set[str] = set()
    fields = templates.fields_for(template)
    for item in fields:
        value = content.get(item.name)
        if item.kind == CHOICES and item.choices is None:
            text = ", ".join((strategy_text or str)(code) for code in value or [])
        else:
            text = _value_text(item, value, ())
        if item.group:
            group = templates.GROUPS[item.group]
            if item.needs and not any(content.get(f) for f in group.fields):
                continue
            if item.group not in seen_groups:
                seen_groups.add(item.group)
                sections.append({"heading": group.legend, "rows": []})
            label = "Notes" if item.name.endswith("_notes") else item.label
            if item.kind == YES_NO:
                label = "Discussed"
            target = sections[-1]
        else:
            if not sections or sections[-1]["heading"]:
                sections.append({"heading": "", "rows": []})
            label, target = item.label, sections[-1]
        target["rows"].append(
            {
                "key": {"text": label},
                "value": multiline(text or "Not recorded"),
            }
        )
    return sections


def note_meta(note: SessionNote) -> list[dict[str, Any]]:
    """Who wrote the note, when it was last saved and whether it is signed."""
    rows = [
        {"key": {"text": "Written by"}, "value": {"text": note.author.display_name}},
        {
            "key": {"text": "Last saved"},
            "value": {
                "text": f"{long_datetime(note.updated_at)} by {note.updated_by.display_name} "
                f"(version {note.version})"
            },
        },
    ]
    if note.signed_at is not None and note.signed_by is not None:
        rows.append(
            {
                "key": {"text": "Signed"},
                "value": {
                    "text": f"{long_datetime(note.signed_at)} by {note.signed_by.display_name}"
                },
            }
        )
    return rows


def addendum_items(addenda: Iterable) -> list[dict[str, str]]:
    return [
        {
            "heading": f"Addendum by {a.author.display_name}, {long_datetime(a.at)}",
            "lines": a.text.splitlines(),
        }
        for a in addenda
    ]


def homework_outcome_text(task: HomeworkTask) -> str:
    return HomeworkOutcome(task.outcome).label if task.outcome else "Not reviewed yet"


def client_said(task: HomeworkTask) -> str:
    """The client's own answer from the portal, e.g. "The client said: Done — it helped"."""
    if not task.client_outcome:
        return ""
    said = f"The client said: {HomeworkOutcome(task.client_outcome).label}"
    return f"{said} — {task.client_reflection}" if task.client_reflection else said


def homework_items(
    tasks: Iterable[HomeworkTask], *, review_href=None, session_label=None
) -> list[dict[str, Any]]:
    """Homework as rows: the task, when it was set, its review; a review link when allowed."""
    rows = []
    for task in tasks:
        rows.append(
            {
                "description": task.description,
                "set": session_label(task.set_at_id) if session_label else "",
                "set_on": long_date(task.set_at.starts_at.date()),
                "outcome": homework_outcome_text(task),
                "reflection": task.reflection,
                "client_said": client_said(task),
                "review_href": review_href(task) if review_href else "",
            }
        )
    return rows


def session_rows(
    sessions: Iterable,
    *,
    notes: Mapping[int, SessionNote],
    homework_set: Mapping[int, int],
    homework_reviewed: Mapping[int, int],
    midpoint_done: bool,
) -> list[dict[str, Any]]:
    """One row per session for the notes list."""
    rows = []
    for session in sessions:
        appointment = session.appointment
        note = notes.get(appointment.pk)
        set_count = homework_set.get(appointment.pk, 0)
        reviewed = homework_reviewed.get(appointment.pk, 0)
        homework = []
        if set_count:
            homework.append(f"{set_count} set")
        if reviewed:
            homework.append(f"{reviewed} reviewed")
        rows.append(
            {
                "session": session.label,
                "projected": session.number.projected,
                "outcome": outcome_text(session.outcome),
                "phase": "Booster" if session.is_booster else session.template.value.capitalize(),
                "date": long_date(appointment.starts_at.date()),
                "href": reverse("notes:note", args=[appointment.pk]),
                "status": status_tag(note),
                "homework": ", ".join(homework) or "None",
                "midpoint": (
                    ("Mid-point review done" if midpoint_done else "Mid-point review due")
                    if session.is_midpoint
                    else ""
                ),
            }
        )
    return rows


def text_rows(record, labels: Mapping[str, tuple[str, str]], fields: Iterable[str]) -> list:
    """Summary-list rows of a record's text fields, in order; "Not recorded" when empty."""
    return [
        {
            "key": {"text": labels[name][0]},
            "value": multiline((getattr(record, name, "") if record else "") or "Not recorded"),
        }
        for name in fields
    ]
