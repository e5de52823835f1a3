"""Forms for opening, renegotiating and ending courses, and for IPT variants.

Built from the NHS fields, with NHS content-style errors. The services check the same rules
again; the forms only put each problem next to the field it is about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from ipt.clients.presenters import long_date
from ipt.nhsuk_forms.fields import DateField

from .models import Course, Frequency, TherapyMode, TherapyVariant
from .rules import END_REASONS, TRANSITIONS, ContractTerms, CourseStatus
from .services import CONTRACT_FIELDS

# Which field each of `ContractTerms.problems()` is about, by how the message starts.
_PROBLEM_FIELDS = (
    ("The planned number of sessions", "planned_sessions"),
    ("The initial phase", "middle_last"),
    ("Name the ending", "ending_named_at"),
)


def _number(label: str, what: str, low: int, high: int, help_text: str = "") -> forms.IntegerField:
    """A whole number between `low` and `high`; `what` names it in errors ('the planned ...')."""
    out_of_range = f"{what[0].upper()}{what[1:]} must be between {low} and {high}"
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=low,
        max_value=high,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2"}),
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"{what[0].upper()}{what[1:]} must be a whole number",
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


class ContractTermsForm(forms.Form):
    """The terms a variant suggests and a contract holds."""

    planned_sessions = _number(
        "Planned number of sessions", "the planned number of sessions", 8, 20
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how often the sessions are",
            "invalid_choice": "Select how often the sessions are",
        },
    )
    session_minutes = _number(
        "Session length in minutes", "the session length", 30, 180, help_text="Usually 50"
    )
    initial_last = _number(
        "Last session of the initial phase", "the last session of the initial phase", 1, 19
    )
    middle_last = _number(
        "Last session of the middle phase", "the last session of the middle phase", 2, 19
    )
    mid_point_review = _number("Mid-point review session", "the mid-point review session", 1, 20)
    ending_named_at = _number(
        "Session at which the ending is named",
        "the session at which the ending is named",
        1,
        20,
        help_text="Usually 2 to 4 sessions before the last one",
    )

    def clean(self):
        data = super().clean()
        if all(data.get(name) is not None for name in CONTRACT_FIELDS):
            terms = ContractTerms(
                planned_sessions=data["planned_sessions"],
                initial_last=data["initial_last"],
                middle_last=data["middle_last"],
                ending_named_at=data["ending_named_at"],
            )
            for problem in terms.problems():
                field = next((f for start, f in _PROBLEM_FIELDS if problem.startswith(start)), None)
                self.add_error(field, problem)
            if data["mid_point_review"] > data["planned_sessions"]:
                self.add_error(
                    "mid_point_review", "The mid-point review must be one of the planned sessions"
                )
        return data

    def terms(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CONTRACT_FIELDS}


class ContractForm(ContractTermsForm):
    agreed_on = DateField(
        label="Date agreed with the client",
        label_for_errors="the date the contract was agreed with the client",
        help_text="For example, 14 3 2026",
    )

    def __init__(self, *args, earliest: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest = earliest

    def clean_agreed_on(self):
        value = self.cleaned_data.get("agreed_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                "The date the contract was agreed must be today or in the past"
            )
        if value and self.earliest and value < self.earliest:
            raise forms.ValidationError(
                f"The date the contract was agreed must be on or after {long_date(self.earliest)}"
            )
        return value


class ChooseVariantForm(forms.Form):
    variant = forms.ModelChoiceField(
        label="Which kind of IPT?",
        queryset=TherapyVariant.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of IPT",
            "invalid_choice": "Select one of the kinds of IPT shown",
        },
    )

    def __init__(self, *args, variants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variant"].queryset = variants


class OpenCourseForm(ContractForm):
    """Step 2 of opening a course: the therapist and the contract, prefilled from the variant."""

    variant = forms.ModelChoiceField(
        queryset=TherapyVariant.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Select the kind of IPT",
            "invalid_choice": "Select one of the kinds of IPT shown",
        },
    )
    therapist = forms.ModelChoiceField(
        label="Therapist",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Usually the therapist the referral is allocated to",
        error_messages={
            "required": "Select the therapist",
            "invalid_choice": "Select one of the therapists shown",
        },
    )
    field_order = ["variant", "therapist", *CONTRACT_FIELDS, "agreed_on"]

    def __init__(self, *args, variants, therapists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variant"].queryset = variants
        self.fields["therapist"].queryset = therapists
        self.fields["therapist"].label_from_instance = lambda user: user.display_name


class RenegotiateForm(ContractForm):
    reason = forms.CharField(
        label="Why has the contract changed?",
        help_text="For example, the client asked for fortnightly sessions while starting a new job",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason the contract was renegotiated"},
    )
    field_order = [*CONTRACT_FIELDS, "agreed_on", "reason"]

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError("Enter the reason the contract was renegotiated")
        return value


def end_outcomes(course: Course) -> list[CourseStatus]:
    """The ways this course can end now (a course in assessment cannot be completed)."""
    allowed = TRANSITIONS[CourseStatus(course.status)]
    return [status for status in END_REASONS if status in allowed]


class OutcomeForm(forms.Form):
    """Step 1 of ending a course: how it ended."""

    outcome = forms.ChoiceField(
        label="How did the course end?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the course ended",
            "invalid_choice": "Select one of the ways shown",
        },
    )

    def __init__(self, *args, outcomes: list[CourseStatus], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Course.Status.choices)
        self.fields["outcome"].choices = [(s.value, labels[s.value]) for s in outcomes]


class EndCourseForm(OutcomeForm):
    """Step 2: the coded reason for that outcome, the end date and an optional note."""

    reason_code = forms.ChoiceField(
        label="Reason",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the reason the course ended",
            "invalid_choice": "Select one of the reasons shown",
        },
    )
    ended_on = DateField(
        label="Date the course ended",
        label_for_errors="the date the course ended",
        help_text="For example, 14 3 2026",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen by clinicians only",
    )

    def __init__(
        self, *args, outcomes: list[CourseStatus], outcome: CourseStatus, opened_on, **kwargs
    ):
        super().__init__(*args, outcomes=outcomes, **kwargs)
        self.fields["outcome"].widget = forms.HiddenInput()
        self.fields["reason_code"].choices = list(END_REASONS[outcome].items())
        self.opened_on = opened_on

    def clean_ended_on(self):
        value = self.cleaned_data.get("ended_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date the course ended must be today or in the past")
        if value and value < self.opened_on:
            raise forms.ValidationError(
                "The date the course ended must be on or after the date it opened, "
                f"{long_date(self.opened_on)}"
            )
        return value


class VariantForm(ContractTermsForm):
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={
            "required": "Enter the name of the variant",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        help_text="Therapists see this when they choose the kind of IPT for a course",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    therapy_mode = forms.ChoiceField(
        label="Therapy mode",
        choices=TherapyMode.choices,
        widget=forms.RadioSelect,
        help_text="Reported in the NHS Talking Therapies data set",
        error_messages={
            "required": "Select the therapy mode",
            "invalid_choice": "Select the therapy mode",
        },
    )
    features = forms.MultipleChoiceField(
        label="Who takes part (optional)",
        required=False,
        choices=[
            ("carer_joins", "A parent or carer joins the first, a mid-phase and the final session"),
            ("partner_attends", "The partner attends"),
            ("adjunct_to_medication", "Given alongside medication"),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select only the options shown"},
    )
    field_order = ["name", "description", *CONTRACT_FIELDS, "therapy_mode", "features"]

    def __init__(self, *args, variant: TherapyVariant | None = None, **kwargs):
        if variant is not None:
            initial = {name: getattr(variant, name) for name in self.editable_fields()}
            initial["features"] = [
                name for name, _ in self.base_fields["features"].choices if getattr(variant, name)
            ]
            initial["is_active"] = str(variant.is_active)
            kwargs.setdefault("initial", initial)
        else:
            kwargs.setdefault("initial", {"therapy_mode": TherapyMode.INDIVIDUAL})
        super().__init__(*args, **kwargs)

    @staticmethod
    def editable_fields() -> list[str]:
        return ["name", "description", *CONTRACT_FIELDS, "therapy_mode"]

    def values(self) -> dict[str, Any]:
        """What to pass to `services.create_variant` or `services.update_variant`."""
        data = self.cleaned_data
        values = {name: data[name] for name in self.editable_fields()}
        chosen = set(data.get("features") or [])
        for name, _ in self.fields["features"].choices:
            values[name] = name in chosen
        return values


class EditVariantForm(VariantForm):
    is_active = forms.TypedChoiceField(
        label="Status",
        choices=[("True", "Active"), ("False", "Deactivated")],
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
        help_text="A deactivated variant cannot be chosen for new courses; courses already "
        "open keep it",
        error_messages={
            "required": "Select whether the variant is active",
            "invalid_choice": "Select whether the variant is active",
        },
    )

    def values(self) -> dict[str, Any]:
        return {**super().values(), "is_active": self.cleaned_data["is_active"]}
