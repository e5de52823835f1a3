"""Forms for entering and correcting questionnaires, acknowledging alerts, and the settings.

Each question is an NHS radios group; nothing is required item by item, because an incomplete
form may be saved, but only when the person entering it says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from .instruments.base import Instrument
from .models import EntryMode
from .presenters import NOT_WORKING, NOT_WORKING_TEXT, item_legend, options

NOT_APPLICABLE = "not_applicable"
SAVE_INCOMPLETE_LABEL = "Save although some answers are missing"
ENTRY_MODE_CHOICES = [
    (EntryMode.THERAPIST_IN_SESSION.value, "In the session, with the client"),
    (EntryMode.PAPER.value, "From a paper form the client filled in today"),
]


def field_name(instrument: Instrument, item_id: str) -> str:
    return f"{instrument.code}-{item_id}"


def _has_not_working_choice(instrument: Instrument, item_id: str) -> bool:
    """WSAS's work item can be marked not applicable (see ipt.measures.instruments.wsas)."""
    checker = getattr(instrument, "permitted", None)
    return item_id == "q1" and callable(checker) and NOT_WORKING in checker({NOT_WORKING: 0})


class AnswersForm(forms.Form):
    """The questions of one or more questionnaires, and the box that allows gaps."""

    save_incomplete = forms.BooleanField(label=SAVE_INCOMPLETE_LABEL, required=False)

    def __init__(self, *args, instruments: Sequence[Instrument], answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instruments = list(instruments)
        answers = answers or {}
        for instrument in self.instruments:
            given = answers.get(instrument.code, {})
            for item in instrument.items:
                choices = [(str(value), text) for value, text in options(item)]
                initial = given.get(item.id)
                if _has_not_working_choice(instrument, item.id):
                    choices.append((NOT_APPLICABLE, NOT_WORKING_TEXT))
                    if given.get(NOT_WORKING) == 1:
                        initial = NOT_APPLICABLE
                self.fields[field_name(instrument, item.id)] = forms.ChoiceField(
                    label=item_legend(instrument, item),
                    choices=choices,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=None if initial is None else str(initial),
                    error_messages={"invalid_choice": "Select one of the answers"},
                )

    def fields_of(self, instrument: Instrument) -> list:
        return [self[field_name(instrument, item.id)] for item in instrument.items]

    def _answers_of(self, instrument: Instrument) -> dict[str, int]:
        answers: dict[str, int] = {}
        for item in instrument.items:
            value = self.cleaned_data.get(field_name(instrument, item.id))
            if value == NOT_APPLICABLE:
                answers[NOT_WORKING] = 1
            elif value not in (None, ""):
                answers[item.id] = int(value)
        return answers

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        incomplete = [
            instrument.name
            for instrument in self.instruments
            if not instrument.is_complete(self._answers_of(instrument))
        ]
        if incomplete and not self.cleaned_data.get("save_incomplete"):
            which = (
                incomplete[0]
                if len(incomplete) == 1
                else f"{', '.join(incomplete[:-1])} and {incomplete[-1]}"
            )
            self.add_error(
                "save_incomplete",
                f"Some questions in the {which} have no answer. Answer them, or select "
                f"'{SAVE_INCOMPLETE_LABEL}'",
            )
        return cleaned

    def answers_by_instrument(self) -> dict[str, dict[str, int]]:
        return {instrument.code: self._answers_of(instrument) for instrument in self.instruments}


class EnterForm(AnswersForm):
    entry_mode = forms.ChoiceField(
        label="How were the answers given?",
        choices=ENTRY_MODE_CHOICES,
        initial=EntryMode.THERAPIST_IN_SESSION.value,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the answers were given"},
    )


class CorrectionForm(AnswersForm):
    reason = forms.CharField(
        label="Why are you correcting these answers?",
        help_text="For example, an answer was entered against the wrong question",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={
            "required": "Enter the reason for the correction",
            "max_length": "The reason must be 1000 characters or fewer",
        },
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter the reason for the correction")
        return reason

    def answers(self) -> dict[str, int]:
        return self.answers_by_instrument()[self.instruments[0].code]


class AcknowledgeForm(forms.Form):
    action_note = forms.CharField(
        label="What have you done, or what will you do, about the client's safety?",
        help_text="For example, spoke to the client by phone, explored their thoughts and "
        "agreed a safety plan; discussed with my supervisor",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        error_messages={
            "required": "Enter what you did or will do about the client's safety",
            "max_length": "The note must be 4000 characters or fewer",
        },
    )

    def clean_action_note(self) -> str:
        note = self.cleaned_data["action_note"].strip()
        if not note:
            raise forms.ValidationError("Enter what you did or will do about the client's safety")
        return note


class SettingsForm(forms.Form):
    escalation_hours = forms.IntegerField(
        label="Hours before an unacknowledged risk alert goes to the supervisor",
        help_text="It goes sooner if the client's next session starts first. Therapists without "
        "a supervisor have their alerts sent to the service managers",
        min_value=1,
        max_value=168,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}),
        error_messages={
            "required": "Enter the number of hours",
            "invalid": "Enter a whole number of hours, like 24",
            "min_value": "Enter a number of hours between 1 and 168",
            "max_value": "Enter a number of hours between 1 and 168",
        },
    )
    crisis_information = forms.CharField(
        label="Crisis information",
        help_text="Clients see this as soon as they report thoughts of death or self-harm. "
        "Start a line with a dash (-) to make a list",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=4000,
        error_messages={
            "required": "Enter the crisis information",
            "max_length": "The crisis information must be 4000 characters or fewer",
        },
    )


class QuestionnaireSetForm(forms.Form):
    """Which questionnaires a client completes before every session, for a service or variant."""

    instrument_codes = forms.MultipleChoiceField(
        label="Questionnaires before every session",
        help_text="Select all that apply. NHS Talking Therapies services collect PHQ-9, GAD-7 "
        "and WSAS at every session",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one questionnaire"},
    )

    def __init__(self, *args, choices: Sequence[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["instrument_codes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = list(choices)


class PortalAnswerForm(forms.Form):
    """One question of a questionnaire, as a client answers it in the portal."""

    answer = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": "Select an answer", "invalid_choice": "Select an answer"},
    )

    def __init__(self, *args, label: str, choices: Sequence[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["answer"]
        assert isinstance(field, forms.ChoiceField)
        field.label, field.choices = label, list(choices)
