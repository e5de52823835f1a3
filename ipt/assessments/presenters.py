"""Display values for the initial-phase record: plain text and NHS component parameters.

Pure functions of the objects they are given (prefetched by the view); no queries here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.urls import reverse
from markupsafe import Markup, escape

from ipt.core.dates import long_date, long_datetime
from ipt.formulations.areas import ProblemArea

from .checklist import Task
from .models import ExpectationsMet, Occasion, Relationship
from .timeline import episode_when, when

RELATIONSHIPS = dict(Relationship.choices)
EXPECTATIONS = dict(ExpectationsMet.choices)
AREAS = dict(ProblemArea.choices)
OCCASIONS = dict(Occasion.choices)
NOT_RECORDED = "Not recorded yet"


def relationship_text(relationship: str, detail: str = "") -> str:
    """'Partner (husband)', or 'Partner'."""
    label = RELATIONSHIPS.get(relationship, relationship)
    return f"{label} ({detail})" if detail else label


def paragraphs(text: str) -> Markup:
    """Free text with its line breaks kept, escaped."""
    return Markup("<br>").join(escape(line) for line in text.strip().splitlines())


def _row(key: str, value: str | Markup, href: str | None = None, what: str = "") -> dict:
    row: dict[str, Any] = {"key": {"text": key}}
    if isinstance(value, Markup):
        row["value"] = {"html": value}
    else:
        row["value"] = {"text": value}
    if href:
        row["actions"] = {
            "items": [{"href": href, "text": "Change", "visuallyHiddenText": what or key.lower()}]
        }
    return row


def _text_or_gap(text: str) -> str | Markup:
    return paragraphs(text) if text.strip() else NOT_RECORDED


def yes_no(value: bool | None, yes: str, no: str = "No") -> str:
    if value is None:
        return NOT_RECORDED
    return yes if value else no


def assessment_rows(assessment, edit_href: str | None = None) -> list[dict]:
    """The assessment as summary-list rows; every row says 'Not recorded yet' until it is."""
    if assessment is None:
        values: dict[str, Any] = {}
    else:
        values = {
            name: getattr(assessment, name)
            for name in (
                "symptom_review",
                "diagnosis",
                "icd10_code",
                "sick_role_discussed",
                "sick_role_discussed_on",
                "psychoeducation_given",
                "medication_considered",
                "medication_notes",
                "risk_narrative",
                "safety_plan",
            )
        }
    diagnosis = values.get("diagnosis", "")
    code = values.get("icd10_code", "")
    diagnosis_value: str | Markup = _text_or_gap(diagnosis)
    if code:
        diagnosis_value = (
            Markup("{}<br>ICD-10: {}").format(diagnosis_value, code)
            if diagnosis
            else f"ICD-10: {code}"
        )
    sick_role = yes_no(values.get("sick_role_discussed"), "Discussed", "Not yet discussed")
    if values.get("sick_role_discussed") and values.get("sick_role_discussed_on"):
        sick_role = f"Discussed on {long_date(values['sick_role_discussed_on'])}"
    medication: str | Markup = yes_no(
        values.get("medication_considered"), "Considered", "Not yet considered"
    )
    if values.get("medication_notes"):
        medication = Markup("{}<br>{}").format(medication, paragraphs(values["medication_notes"]))
    return [
        _row("Symptom review", _text_or_gap(values.get("symptom_review", "")), edit_href),
        _row("Diagnosis", diagnosis_value, edit_href),
        _row("Sick role", sick_role, edit_href),
        _row(
            "Psychoeducation",
            yes_no(values.get("psychoeducation_given"), "Given", "Not yet given"),
            edit_href,
        ),
        _row("Need for medication", medication, edit_href),
        _row("Risk assessment", _text_or_gap(values.get("risk_narrative", "")), edit_href),
        _row("Safety plan", _text_or_gap(values.get("safety_plan", "")), edit_href),
    ]


def last_changed(assessment) -> str:
    if assessment is None:
        return ""
    who = assessment.updated_by.display_name
    return f"Last changed by {who}, {long_datetime(assessment.updated_at)}"


def task_items(
    tasks: Sequence[Task], links: Mapping[str, str | None] | None = None
) -> list[dict[str, Any]]:
    """The checklist rows: the label (a link when the page exists), and a done / to do tag.
    `links` replaces the link of tasks by url name (None: no link), e.g. on the page itself."""
    links = links or {}
    return [
        {
            "label": task.label,
            "href": links.get(task.url_name, task.href),
            "done": task.done,
            "tag": {"text": task.status, "colour": "green" if task.done else "grey"},
        }
        for task in tasks
    ]


def tasks_summary(tasks: Sequence[Task]) -> str:
    done = sum(1 for task in tasks if task.done)
    return f"{done} of {len(tasks)} initial-phase tasks done"


def support_text(entry) -> str:
    held = []
    if entry.gives_practical_support:
        held.append("Gives practical support")
    if entry.is_confidant:
        held.append("The client confides in them")
    return "; ".join(held) or "None recorded"


def person_cards(
    entries: Iterable,
    course_pk: int,
    can_write: bool,
    area_labels: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One card per person: a heading and every detail as summary-list rows. `area_labels` are
    the service's own problem-area labels (the defaults if not given)."""
    areas = {**AREAS, **(area_labels or {})}
    cards = []
    for entry in entries:
        rows = [
            _row("Relationship", relationship_text(entry.relationship, entry.relationship_detail)),
            _row("Closeness ring", str(entry.ring)),
            _row("Contact", _text_or_gap(entry.contact)),
            _row("What is good", _text_or_gap(entry.good_aspects)),
            _row("What is difficult", _text_or_gap(entry.difficult_aspects)),
            _row("The client expects", _text_or_gap(entry.client_expectations)),
            _row("They expect", _text_or_gap(entry.other_expectations)),
            _row("Expectations met", EXPECTATIONS.get(entry.expectations_met, "")),
            _row("The client would like to change", _text_or_gap(entry.would_like_to_change)),
            _row("Support", support_text(entry)),
            _row("Change around the onset", _text_or_gap(entry.change_around_onset)),
            _row("Suggested problem area", areas.get(entry.suggested_area, "None yet")),
        ]
        kwargs = {"pk": course_pk, "entry_pk": entry.pk}
        cards.append(
            {
                "id": f"person-{entry.pk}",
                "name": entry.name,
                "rows": rows,
                "edit_href": reverse("assessments:person_edit", kwargs=kwargs)
                if can_write
                else None,
                "remove_href": reverse("assessments:person_remove", kwargs=kwargs)
                if can_write
                else None,
            }
        )
    return cards


def snapshot_label(snapshot) -> str:
    """'Mid-point review, 3 March 2026'."""
    return f"{OCCASIONS.get(snapshot.occasion, snapshot.occasion)}, {long_date(snapshot.taken_on)}"


def snapshot_rows(snapshots: Iterable) -> list[dict[str, str]]:
    return [
        {
            "id": str(snapshot.pk),
            "label": snapshot_label(snapshot),
            "people": people_count(len(snapshot.entries)),
            "by": snapshot.taken_by.display_name,
        }
        for snapshot in snapshots
    ]


def people_count(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def frozen_rows(entries: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """A snapshot's people for the side-by-side table, closest first."""
    return [
        {
            "name": entry["name"],
            "relationship": relationship_text(entry["relationship"], entry["relationship_detail"]),
            "ring": str(entry["ring"]),
        }
        for entry in sorted(entries, key=lambda entry: (entry["ring"], entry["name"].lower()))
    ]


def timeline_rows(events: Sequence, episodes: Sequence, course_pk: int, can_write: bool) -> list:
    """Events (numbered as on the drawing) and episodes together, in date order."""
    rows: list[tuple[dt.date, int, dict[str, Any]]] = []
    ordered = sorted(events, key=lambda event: event.occurred_on)
    for number, event in enumerate(ordered, start=1):
        people = [person.name for person in event.people.all()]
        if event.people_text:
            people.append(event.people_text)
        kwargs = {"pk": course_pk, "item_pk": event.pk}
        rows.append(
            (
                event.occurred_on,
                0,
                {
                    "number": str(number),
                    "when": when(event.occurred_on, event.precision),
                    "what": event.get_kind_display(),
                    "details": event.description,
                    "people": ", ".join(people),
                    "onset": "Yes" if event.linked_to_onset else "No",
                    "edit_href": reverse("assessments:event_edit", kwargs=kwargs)
                    if can_write
                    else None,
                    "remove_href": reverse("assessments:event_remove", kwargs=kwargs)
                    if can_write
                    else None,
                },
            )
        )
    for episode in episodes:
        kwargs = {"pk": course_pk, "item_pk": episode.pk}
        rows.append(
            (
                episode.started_on,
                1,
                {
                    "number": "",
                    "when": episode_when(episode.started_on, episode.ended_on),
                    "what": "Episode of depression",
                    "details": episode.description,
                    "people": "",
                    "onset": "",
                    "edit_href": reverse("assessments:episode_edit", kwargs=kwargs)
                    if can_write
                    else None,
                    "remove_href": reverse("assessments:episode_remove", kwargs=kwargs)
                    if can_write
                    else None,
                },
            )
        )
    return [row for _, _, row in sorted(rows, key=lambda item: (item[0], item[1]))]
