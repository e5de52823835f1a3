"""What a session note holds in each phase of IPT: pure Python, no database.

A note's content is stored as JSON, keyed by the field names below. The initial phase records the
tasks of ipt-and-measures §1.3, the middle phase the work on the problem area (§1.4, §3.4–§3.5),
the ending phase (and booster or maintenance sessions) the conclusion of treatment (§1.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ipt.courses.rules import Phase

TEXT = "text"
STRATEGIES_AREA = "strategies_area"  # content key: the problem area the strategies belong to
CHOICES = "choices"
YES_NO = "yes_no"


class Template(StrEnum):
    INITIAL = "initial"
    MIDDLE = "middle"
    ENDING = "ending"

    @property
    def label(self) -> str:
        return {
            Template.INITIAL: "Initial phase note",
            Template.MIDDLE: "Middle phase note",
            Template.ENDING: "Ending phase note",
        }[self]


@dataclass(frozen=True)
class Choice:
    code: str
    text: str


@dataclass(frozen=True)
class Field:
    """One part of a note. `choices` of None for a CHOICES field means the course decides them
    (the strategies of its problem area). `needs` names the technique that makes a record's
    fields required."""

    name: str
    label: str
    kind: str = TEXT
    hint: str = ""
    choices: tuple[Choice, ...] | None = ()
    group: str = ""
    needs: str = ""


@dataclass(frozen=True)
class Group:
    """Fields shown together under a legend, e.g. the communication-analysis record."""

    name: str
    legend: str
    hint: str = ""
    fields: tuple[str, ...] = field(default_factory=tuple)


INITIAL_TASKS = (
    Choice("diagnosis", "Symptom review and diagnosis"),
    Choice("medication", "Need for medication considered"),
    Choice("psychoeducation", "Psychoeducation about depression and treatment"),
    Choice("sick_role", "The sick role discussed"),
    Choice("inventory", "Interpersonal inventory"),
    Choice("onset", "Onset linked to interpersonal events"),
    Choice("problem_area", "Problem area chosen"),
    Choice("formulation", "Interpersonal formulation shared"),
    Choice("contract", "Treatment contract agreed"),
)

COMMUNICATION_ANALYSIS = "communication_analysis"
ROLE_PLAY = "role_play"

TECHNIQUES = (
    Choice("exploration", "Exploration"),
    Choice("affect", "Encouragement of affect"),
    Choice("clarification", "Clarification"),
    Choice(COMMUNICATION_ANALYSIS, "Communication analysis"),
    Choice("decision_analysis", "Decision analysis"),
    Choice(ROLE_PLAY, "Role play"),
    Choice("therapeutic_relationship", "Use of the therapeutic relationship"),
)

YES_NO_CHOICES = (Choice("yes", "Yes"), Choice("no", "No"))

NARRATIVE = Field(
    "narrative",
    "Session narrative",
    hint="What happened in the session, in your own words",
)

INITIAL_FIELDS = (
    Field(
        "tasks_covered",
        "Initial phase tasks covered this session",
        kind=CHOICES,
        hint="Select all that apply",
        choices=INITIAL_TASKS,
    ),
    NARRATIVE,
)

MIDDLE_FIELDS = (
    Field(
        "interval_history",
        "How have things been since we last met?",
        hint="The interval history: mood and events since the last session",
    ),
    Field(
        "events_and_mood",
        "Events and mood linked",
        hint="How the events of the week and the client's mood affected each other",
    ),
    Field(
        "strategies",
        "Problem-area strategies worked on",
        kind=CHOICES,
        hint="Select all that apply",
        choices=None,
    ),
    Field(
        "techniques",
        "IPT techniques used",
        kind=CHOICES,
        hint="Select all that apply",
        choices=TECHNIQUES,
    ),
    Field("ca_said", "What was said", group="communication", needs=COMMUNICATION_ANALYSIS),
    Field("ca_meant", "What was meant", group="communication", needs=COMMUNICATION_ANALYSIS),
    Field("ca_felt", "What was felt", group="communication", needs=COMMUNICATION_ANALYSIS),
    Field("ca_effect", "The effect it had", group="communication", needs=COMMUNICATION_ANALYSIS),
    Field(
        "ca_differently",
        "What could be said differently",
        group="communication",
        needs=COMMUNICATION_ANALYSIS,
    ),
    Field("rp_scenario", "Scenario", group="role_play", needs=ROLE_PLAY),
    Field("rp_how_it_went", "How it went", group="role_play", needs=ROLE_PLAY),
    Field("rp_what_to_try", "What to try", group="role_play", needs=ROLE_PLAY),
    NARRATIVE,
)

ENDING_TOPICS = (
    (
        "ending_discussed",
        "Ending discussed",
        "Select yes if you talked about treatment ending and the sessions left",
    ),
    (
        "gains_reviewed",
        "Gains reviewed",
        "Select yes if you went over what has changed for the client during treatment",
    ),
    (
        "feelings_about_ending",
        "Feelings about ending",
        "Select yes if the client talked about how they feel about treatment ending",
    ),
    (
        "relapse_prevention",
        "Relapse prevention",
        "Select yes if you worked on the early warning signs and what to do about them",
    ),
    (
        "maintenance_discussed",
        "Maintenance discussed",
        "Select yes if you talked about booster or maintenance sessions",
    ),
)

ENDING_FIELDS = (
    *(
        part
        for name, label, hint in ENDING_TOPICS
        for part in (
            Field(name, label, kind=YES_NO, hint=hint, choices=YES_NO_CHOICES, group=name),
            Field(f"{name}_notes", f"{label}: notes", group=name),
        )
    ),
    NARRATIVE,
)

GROUPS: dict[str, Group] = {
    "communication": Group(
        "communication",
        "Communication analysis",
        hint="Fill this in when you used communication analysis",
        fields=tuple(f.name for f in MIDDLE_FIELDS if f.group == "communication"),
    ),
    "role_play": Group(
        "role_play",
        "Role play",
        hint="Fill this in when you used role play",
        fields=tuple(f.name for f in MIDDLE_FIELDS if f.group == "role_play"),
    ),
    **{
        name: Group(name, label, hint=hint, fields=(name, f"{name}_notes"))
        for name, label, hint in ENDING_TOPICS
    },
}

FIELDS: dict[Template, tuple[Field, ...]] = {
    Template.INITIAL: INITIAL_FIELDS,
    Template.MIDDLE: MIDDLE_FIELDS,
    Template.ENDING: ENDING_FIELDS,
}


def fields_for(template: Template | str) -> tuple[Field, ...]:
    return FIELDS[Template(template)]


def template_for(phase: Phase | None, *, booster: bool = False) -> Template | None:
    """The template of a session: its phase's; boosters use the ending (maintenance) one."""
    if booster:
        return Template.ENDING
    if phase is None:
        return None
    return Template(phase.value)


def choice_text(choices: tuple[Choice, ...], code: str) -> str:
    return next((choice.text for choice in choices if choice.code == code), code)


def missing_for_techniques(content: dict) -> list[Field]:
    """The record fields left empty although their technique was ticked."""
    ticked = set(content.get("techniques") or [])
    return [
        item
        for item in MIDDLE_FIELDS
        if item.needs and item.needs in ticked and not str(content.get(item.name) or "").strip()
    ]


def clean_content(template: Template | str, content: dict) -> dict:
    """Only the template's fields, text stripped, choices as lists; unknown keys dropped."""
    cleaned: dict = {}
    for item in fields_for(template):
        value = content.get(item.name)
        if item.kind == CHOICES:
            cleaned[item.name] = [str(v) for v in (value or [])]
        else:
            cleaned[item.name] = str(value or "").strip()
    return cleaned
