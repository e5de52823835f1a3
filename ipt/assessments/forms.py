"""Forms of the initial-phase record, built from the NHS fields, in NHS content style.

The assessment form holds a risk narrative and a safety plan only: never a score or a
low/medium/high label (a test pins this).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from ipt.formulations.areas import ProblemArea
from ipt.nhsuk_forms.fields import DateField, DateInput

from . import services
from .models import (
    MAX_RINGS,
    MIN_RINGS,
    EventKind,
    ExpectationsMet,
    Occasion,
    Precision,
    Relationship,
)

YES_NO = [("yes", "Yes"), ("no", "No")]
TO_BOOL = {"yes": True, "no": False}
SUPPORT = [
    ("practical", "They give practical support"),
    ("confidant", "The client confides in them"),
]


def _text(label: str, *, hint: str = "", required: bool = False, rows: int = 4, error: str = ""):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": error or f"Enter {label.lower()}",
            "max_length": f"{label} must be 4000 characters or fewer",
        },
    )


def _yes_no(label: str, *, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, help_text=hint, choices=YES_NO, required=False, widget=forms.RadioSelect
    )


def _from_bool(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


class AssessmentForm(forms.Form):
    symptom_review = _text(
        "Symptom review",
        hint="The symptoms, when they started, how they have changed and any earlier episodes",
        rows=6,
    )
    diagnosis = _text(
        "Diagnosis",
        hint="Name the syndrome as you explained it to the client, for example a moderate "
        "depressive episode",
        rows=2,
    )
    icd10_code = forms.CharField(
        label="ICD-10 code (optional)",
        help_text="For example, F32.1",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "spellcheck": "false"}),
        error_messages={
            "max_length": "Enter the ICD-10 code in the right format, like F32 or F33.1"
        },
    )
    sick_role_discussed = _yes_no(
        "Has the sick role been discussed with the client?",
        hint="That depression is an illness: some duties can wait while they work on recovering",
    )
    sick_role_discussed_on = DateField(
        label="Date the sick role was discussed (optional)",
        required=False,
        label_for_errors="the date the sick role was discussed",
    )
    psychoeducation_given = _yes_no(
        "Has psychoeducation been given?",
        hint="About depression as a treatable illness and what to expect from IPT",
    )
    medication_considered = _yes_no("Has the need for medication been considered?")
    medication_notes = _text(
        "Notes on medication (optional)",
        hint="For example, severity, past episodes and response, the client's preference, and "
        "any discussion with their GP",
        rows=3,
    )
    risk_narrative = _text(
        "Risk assessment",
        hint="Describe any risks to the client or others, what protects the client, and how you "
        "will review risk",
        rows=6,
    )
    safety_plan = _text(
        "Safety plan",
        hint="What the client will do, and who they will contact, if they feel unsafe",
        rows=6,
    )

    @classmethod
    def initial_from(cls, assessment) -> dict[str, Any]:
        if assessment is None:
            return {}
        initial = {name: getattr(assessment, name) for name in services.ASSESSMENT_FIELDS}
        for name in ("sick_role_discussed", "psychoeducation_given", "medication_considered"):
            initial[name] = _from_bool(initial[name])
        return initial

    def clean_icd10_code(self) -> str:
        try:
            return services.normalise_icd10(self.cleaned_data["icd10_code"])
        except services.AssessmentRefused as refused:
            raise ValidationError(str(refused)) from None

    def clean(self):
        data = super().clean()
        if data.get("sick_role_discussed_on") and data.get("sick_role_discussed") != "yes":
            self.add_error(
                "sick_role_discussed_on",
                "Only enter a date if the sick role has been discussed",
            )
        return data

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        for name in ("sick_role_discussed", "psychoeducation_given", "medication_considered"):
            values[name] = TO_BOOL.get(values[name])
        return values


def ring_choices(rings: int) -> list[tuple[str, str]]:
    choices = []
    for number in range(1, rings + 1):
        suffix = " (closest)" if number == 1 else " (least close)" if number == rings else ""
        choices.append((str(number), f"Ring {number}{suffix}"))
    return choices


class PersonForm(forms.Form):
    name = forms.CharField(
        label="Name or initials",
        max_length=80,
        error_messages={
            "required": "Enter the person's name or initials",
            "max_length": "The name must be 80 characters or fewer",
        },
    )
    relationship = forms.ChoiceField(
        label="Relationship to the client",
        choices=[("", "Choose a relationship"), *Relationship.choices],
        error_messages={"required": "Select the relationship"},
    )
    relationship_detail = forms.CharField(
        label="About the relationship (optional)",
        help_text="For example, husband, eldest daughter, line manager",
        required=False,
        max_length=120,
        error_messages={"max_length": "This must be 120 characters or fewer"},
    )
    ring = forms.TypedChoiceField(
        label="How close does the client feel to them?",
        help_text="Ring 1 is the closest to the client",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how close the client feels to them"},
    )
    contact = _text(
        "How often, and how, are they in contact?",
        hint="For example, live together; phone calls on Sundays; shared activities",
        rows=2,
    )
    good_aspects = _text("What is good about the relationship?", rows=3)
    difficult_aspects = _text("What is difficult about the relationship?", rows=3)
    client_expectations = _text("What does the client expect of them?", rows=3)
    other_expectations = _text("What do they expect of the client?", rows=3)
    expectations_met = forms.ChoiceField(
        label="Are these expectations met?",
        choices=ExpectationsMet.choices,
        initial=ExpectationsMet.UNKNOWN,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the expectations are met"},
    )
    would_like_to_change = _text("What would the client like to change?", rows=3)
    support = forms.MultipleChoiceField(
        label="Support (optional)",
        choices=SUPPORT,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    change_around_onset = _text(
        "What changed in this relationship around the time the depression started?", rows=3
    )
    suggested_area = forms.ChoiceField(
        label="Which problem area does this relationship suggest? (optional)",
        choices=[("", "None yet"), *ProblemArea.choices],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, rings: int, area_labels: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ring"].choices = ring_choices(rings)
        if area_labels:
            self.fields["suggested_area"].choices = [
                ("", "None yet"),
                *((code, area_labels.get(code, label)) for code, label in ProblemArea.choices),
            ]

    @classmethod
    def initial_from(cls, entry) -> dict[str, Any]:
        initial = {name: getattr(entry, name) for name in services.ENTRY_FIELDS}
        initial["support"] = [
            code
            for code, held in (
                ("practical", entry.gives_practical_support),
                ("confidant", entry.is_confidant),
            )
            if held
        ]
        return initial

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        support = values.pop("support")
        values["gives_practical_support"] = "practical" in support
        values["is_confidant"] = "confidant" in support
        return values


class SnapshotForm(forms.Form):
    occasion = forms.ChoiceField(
        label="When is this snapshot being taken?",
        choices=Occasion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select when this snapshot is being taken"},
    )


class CompareForm(forms.Form):
    """Which two versions of the inventory to compare (a GET form: never invalid)."""

    before = forms.ChoiceField(label="From", required=False)
    after = forms.ChoiceField(label="To", required=False)

    def __init__(self, *args, before: list, after: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["before"].choices = before
        self.fields["after"].choices = after


@dataclass(frozen=True)
class PartialDate:
    """A date and how much of it is known; a partial date is held as its first day."""

    value: dt.date
    precision: str = Precision.EXACT


class ApproximateDateInput(DateInput):
    def decompress(self, value):
        if isinstance(value, PartialDate):
            return [
                value.value.day if value.precision == Precision.EXACT else None,
                value.value.month if value.precision != Precision.YEAR else None,
                value.value.year,
            ]
        return super().decompress(value)


class ApproximateDateField(DateField):
    """A date where the day, or the day and month, may be left blank (a PartialDate)."""

    widget = ApproximateDateInput

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return super().compress(data_list)
        day, month, year = (str(part or "").strip() for part in data_list)
        if not year:
            raise ValidationError(
                f"{self.label_for_errors.capitalize()} must include a year", code="incomplete"
            )
        if day and not month:
            raise ValidationError(
                f"{self.label_for_errors.capitalize()} must include a month", code="incomplete"
            )
        precision = Precision.EXACT if day else Precision.MONTH if month else Precision.YEAR
        value = super().compress([day or "1", month or "1", year])
        return PartialDate(value, precision.value)


def person_label(entry) -> str:
    """A person to tick on a life event; one removed from the inventory since says so."""
    if entry.removed_at is not None:
        return f"{entry.name} (removed from the inventory)"
    return entry.name


class EventForm(forms.Form):
    occurred_on = ApproximateDateField(
        label="When did it happen?",
        help_text="For example, 15 3 2024. If you do not know the day, leave it blank; if you "
        "only know the year, leave the day and month blank",
        label_for_errors="the date of the event",
    )
    kind = forms.ChoiceField(
        label="What kind of event was it?",
        choices=EventKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of event"},
    )
    description = _text("What happened?", required=True, rows=3, error="Enter what happened")
    people = forms.ModelMultipleChoiceField(
        label="Who in the inventory was involved? (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people_text = forms.CharField(
        label="Anyone else involved (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "This must be 200 characters or fewer"},
    )
    linked_to_onset = forms.BooleanField(
        label="This event is linked to the onset of the depression", required=False
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["people"].label_from_instance = person_label

    @classmethod
    def initial_from(cls, event) -> dict[str, Any]:
        return {
            "occurred_on": PartialDate(event.occurred_on, event.precision),
            "kind": event.kind,
            "description": event.description,
            "people": [person.pk for person in event.people.all()],
            "people_text": event.people_text,
            "linked_to_onset": event.linked_to_onset,
        }

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value and value.value > timezone.localdate():
            raise ValidationError("The date of the event must be today or in the past")
        return value

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        partial = values.pop("occurred_on")
        values["occurred_on"], values["precision"] = partial.value, partial.precision
        return values


class EpisodeForm(forms.Form):
    started_on = DateField(
        label="When did the episode start?",
        help_text="If you do not know the exact day, enter the first of the month",
        label_for_errors="the date the episode started",
    )
    ended_on = DateField(
        label="When did it end? (optional)",
        help_text="Leave this blank if the episode is still going on",
        required=False,
        label_for_errors="the date the episode ended",
    )
    description = _text("About the episode (optional)", rows=3)

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error(
                "ended_on",
                "The date the episode ended must be the same as or after the date it started",
            )
        return data


class SettingsForm(forms.Form):
    closeness_rings = forms.TypedChoiceField(
        label="How many rings should closeness circles have?",
        help_text="Ring 1 is the closest to the client. Records already made keep their people "
        "on the rings they were placed on",
        coerce=int,
        choices=[(str(n), str(n)) for n in range(MIN_RINGS, MAX_RINGS + 1)],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the number of rings"},
    )
