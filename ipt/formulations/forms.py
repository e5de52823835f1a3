"""Forms for the focus pages, built from the NHS fields, with NHS content-style errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from django import forms

from ipt.nhsuk_forms.fields import DateField

from .areas import DisputeStage, ProblemArea, strategies_for
from .models import GoalStatus
from .presenters import check_score
from .services import AREA_FIELDS, AREA_ONLY_FIELDS, other_area_details_message


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _text(label: str, *, required: bool = False, message: str = "", **kwargs) -> forms.CharField:
    errors = {"required": message} if message else {}
    return forms.CharField(label=label, required=required, error_messages=errors, **kwargs)


def _textarea(label: str, *, required: bool = False, message: str = "", **kwargs):
    return _text(label, required=required, message=message, widget=forms.Textarea, **kwargs)


class ProblemAreaForm(forms.Form):
    area = forms.ChoiceField(
        label="Problem area",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the problem area",
            "invalid_choice": "Select the problem area",
        },
    )
    deceased = _text("Who died", help_text="Their name or initials and how they were related")
    inventory_person = forms.ChoiceField(
        label="The person in the interpersonal inventory (optional)",
        required=False,
        error_messages={"invalid_choice": "Select a person from the inventory"},
    )
    died_on = DateField(
        label="When they died",
        required=False,
        help_text="For example, 15 3 2025",
        label_for_errors="the date they died",
    )
    dispute_with = _text("Who the dispute is with")
    dispute_stage = forms.ChoiceField(
        label="Stage of the dispute",
        widget=forms.RadioSelect,
        required=False,
        choices=DisputeStage.choices,
        error_messages={"invalid_choice": "Select the stage of the dispute"},
    )
    from_role = _text("The role they are moving from", help_text="For example, working full time")
    to_role = _text("The role they are moving to", help_text="For example, retired")
    transition_on = DateField(
        label="When the change happened",
        required=False,
        label_for_errors="the date of the change",
    )
    to_build = _textarea("Relationships or skills to build")
    reason = _textarea(
        "Why is the problem area changing?",
        help_text="Needed when you change the primary problem area; it is kept in the record",
    )

    area_fields = AREA_FIELDS

    def __init__(
        self, *args, labels: Mapping[str, str], inventory_names: Sequence[str] = (), **kwargs
    ):
        super().__init__(*args, **kwargs)
        _choice_field(self, "area").choices = [(code, labels[code]) for code in ProblemArea.values]
        names = list(dict.fromkeys(name for name in inventory_names if name))
        if names:
            _choice_field(self, "inventory_person").choices = [
                ("", "Not in the inventory"),
                *((name, name) for name in names),
            ]
        else:
            del self.fields["inventory_person"]
        self.labels = labels

    def clean(self):
        """Refuse details typed into the section of an area that was not chosen, rather than
        drop them without a word."""
        cleaned = super().clean() or {}
        area = cleaned.get("area")
        if not area:
            return cleaned
        for other, names in AREA_ONLY_FIELDS.items():
            if other == area:
                continue
            filled = [
                name
                for name in names
                if name in self.fields
                and _entered(cleaned, name)
                # A radio cannot be cleared without JavaScript: the saved stage, shown ticked
                # and left alone, is not something typed (its history is kept).
                and not (name in UNCLEARABLE and cleaned.get(name) == self.initial.get(name))
            ]
            if filled:
                message = other_area_details_message(self.labels[other], self.labels[area])
                self.add_error(filled[0], message)
                break
        return cleaned

    def details(self) -> dict:
        area = self.cleaned_data["area"]
        return {name: self.cleaned_data.get(name) for name in AREA_FIELDS.get(area, ())}


UNCLEARABLE = frozenset({"dispute_stage"})


def _entered(cleaned: Mapping, name: str) -> bool:
    value = cleaned.get(name)
    return value is not None and not (isinstance(value, str) and not value.strip())


class DisputeStageForm(forms.Form):
    stage = forms.ChoiceField(
        label="Stage of the dispute",
        widget=forms.RadioSelect,
        choices=DisputeStage.choices,
        error_messages={
            "required": "Select the stage of the dispute",
            "invalid_choice": "Select the stage of the dispute",
        },
    )
    changed_on = DateField(
        label="Date of the change", label_for_errors="the date the stage changed"
    )
    note = _textarea("Note (optional)", help_text="What moved the dispute to this stage")


def shown_value(codes) -> str:
    """The strategies a form showed as ticked, as carried in its hidden `shown` field."""
    return " ".join(sorted(codes))


class StrategiesForm(forms.Form):
    strategies = forms.MultipleChoiceField(
        label="Strategies worked on",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select strategies from the list"},
    )
    # The ticks as the form showed them; a POST without it is taken as "none were ticked", so
    # a stale or hand-made form cannot untick a colleague's work without a warning.
    shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, area: str, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "strategies").choices = [(i.code, i.text) for i in strategies_for(area)]

    def shown_codes(self) -> list[str]:
        return (self.cleaned_data.get("shown") or "").split()


class FormulationForm(forms.Form):
    clinician_text = _textarea(
        "Clinician's formulation",
        required=True,
        message="Enter the clinician's formulation",
        help_text="How the depression links to the problem area, for the clinical record",
    )
    client_text = _textarea(
        "Formulation for the client",
        required=True,
        message="Enter the formulation in words the client will read",
        help_text="Plain words, shared with the client for them to agree",
    )


class AgreeForm(forms.Form):
    agreed_on = DateField(
        label="Date the client agreed it",
        label_for_errors="the date the client agreed the formulation",
    )


class OverrideForm(forms.Form):
    reason = _textarea(
        "Why start the middle phase now?",
        required=True,
        message="Enter why the middle phase is starting without an agreed focus",
    )


class GoalForm(forms.Form):
    text = _text(
        "Goal",
        required=True,
        message="Enter the goal",
        max_length=300,
        help_text="In the client's words, for example 'Talk to my sister once a week'",
    )
    problem_area = forms.ChoiceField(
        label="Problem area it belongs to",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select one of the course's problem areas"},
    )

    def __init__(self, *args, areas: Sequence[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "problem_area").choices = [*areas, ("", "Not linked to a problem area")]
        self.fields["text"].error_messages["max_length"] = (
            "The goal must be 300 characters or fewer"
        )


class CloseGoalForm(forms.Form):
    status = forms.ChoiceField(
        label="What happened to the goal?",
        widget=forms.RadioSelect,
        choices=[
            (GoalStatus.ACHIEVED.value, "The client has achieved it"),
            (GoalStatus.RETIRED.value, "The client is no longer working on it"),
        ],
        error_messages={
            "required": "Select what happened to the goal",
            "invalid_choice": "Select what happened to the goal",
        },
    )


def rating_field_name(goal) -> str:
    return f"goal-{goal.pk}"


class RatingsForm(forms.Form):
    rated_on = DateField(label="Date of the ratings", label_for_errors="the date of the ratings")
    appointment = forms.ChoiceField(
        label="Session",
        required=False,
        error_messages={"invalid_choice": "Select one of the course's sessions"},
    )

    def __init__(self, *args, goals: Sequence, appointment_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        _choice_field(self, "appointment").choices = appointment_choices
        for goal in self.goals:
            self.fields[rating_field_name(goal)] = forms.CharField(
                label=goal.text,
                required=False,
                help_text="0 means no progress, 10 means the goal is fully met",
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2"}
                ),
            )

    def rating_fields(self) -> list:
        return [self[rating_field_name(goal)] for goal in self.goals]

    def clean(self):
        cleaned = super().clean() or {}
        scores = {}
        for goal in self.goals:
            name = rating_field_name(goal)
            value = (cleaned.get(name) or "").strip()
            if not value:
                continue
            try:
                scores[goal] = check_score(value)
            except ValueError as error:
                self.add_error(name, str(error))
        if not scores and not self.errors:
            raise forms.ValidationError("Enter a rating for at least one goal")
        self.scores = scores
        return cleaned


class LabelsForm(forms.Form):
    def __init__(self, *args, labels: Mapping[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for area in ProblemArea:
            self.fields[area.value] = forms.CharField(
                label=f"Label for '{area.label}'",
                required=False,
                max_length=80,
                initial=labels.get(area.value, area.label),
                help_text=f"Leave empty to use '{area.label}'",
                error_messages={"max_length": "The label must be 80 characters or fewer"},
            )

    def labels(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(code) or "" for code in ProblemArea.values}
