"""Forms for session notes (built from the phase template), addenda, homework, the mid-point
review and the ending. The services check the same rules again."""

from __future__ import annotations

from django import forms

from . import templates
from .models import HomeworkOutcome
from .services import ENDING_SUMMARY_FIELDS, MIDPOINT_FIELDS, PLAN_FIELDS
from .templates import CHOICES, YES_NO, Choice, Template

MAX_TEXT = 20000


def _text(label: str, *, hint: str = "", rows: int = 4, required: bool = False, what: str = ""):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Enter {what or label[0].lower() + label[1:]}",
            "max_length": f"{label} must be {MAX_TEXT} characters or fewer",
        },
    )


class NoteForm(forms.Form):
    """The fields of one phase's template, plus the version the form was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(
        self,
        *args,
        template: Template | str,
        strategies: tuple[Choice, ...] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.template = Template(template)
        self.strategies = strategies
        for item in templates.fields_for(self.template):
            if item.kind == CHOICES:
                choices = item.choices if item.choices is not None else strategies
                if not choices:
                    continue
                self.fields[item.name] = forms.MultipleChoiceField(
                    label=item.label,
                    help_text=item.hint,
                    required=False,
                    choices=[(c.code, c.text) for c in choices],
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"invalid_choice": f"Select from the {item.label.lower()}"},
                )
            elif item.kind == YES_NO:
                self.fields[item.name] = forms.ChoiceField(
                    label=item.label,
                    help_text=item.hint,
                    required=False,
                    choices=[(c.code, c.text) for c in item.choices or ()],
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[item.name] = _text(item.label, hint=item.hint)

    def clean(self):
        cleaned = super().clean() or {}
        if self.template == Template.MIDDLE:
            for item in templates.missing_for_techniques(cleaned):
                technique = templates.choice_text(templates.TECHNIQUES, item.needs).lower()
                self.add_error(
                    item.name,
                    f"Enter {item.label[0].lower()}{item.label[1:]}, as you used {technique}",
                )
        return cleaned

    def content(self) -> dict:
        return templates.clean_content(
            self.template,
            {name: value for name, value in self.cleaned_data.items() if name != "version"},
        )

    def field_names(self) -> list[str]:
        return [name for name in self.fields if name != "version"]


class AddendumForm(forms.Form):
    text = _text(
        "Addendum",
        hint="A correction or addition. The note as signed is kept above it",
        rows=5,
        required=True,
        what="the addendum",
    )


class SignForm(forms.Form):
    """Nothing to fill in: the button is the confirmation."""


class HomeworkForm(forms.Form):
    description = _text(
        "Homework task",
        hint="For example, practise the conversation from the role play with your partner, or "
        "write down important events and how you felt",
        rows=3,
        required=True,
        what="the homework task",
    )


class HomeworkReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Did the client do the homework?",
        choices=HomeworkOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the homework was done",
            "invalid_choice": "Select whether the homework was done",
        },
    )
    reflection = _text(
        "The client's reflection",
        hint="What the client said about doing it, or what got in the way",
        rows=3,
    )


MIDPOINT_LABELS = {
    "goals_progress": ("Progress towards the goals", "How the client rates their goals now"),
    "problem_area_progress": ("Progress in the problem area", ""),
    "inventory_changes": (
        "Changes in the interpersonal inventory",
        "Who has become closer or more distant, and any new relationships",
    ),
    "plan_for_remaining_sessions": ("Plan for the remaining sessions", ""),
}

PLAN_LABELS = {
    "early_warning_signs": (
        "Early warning signs",
        "The signs that depression may be coming back, in the client's words",
    ),
    "what_helps": ("What helps", "What the client can do, and who they can turn to"),
    "who_to_contact": ("Who to contact", "For example, their GP or the talking therapies service"),
    "crisis_contacts": (
        "Crisis contacts",
        "For example, NHS 111 (option 2 for mental health), Samaritans on 116 123, 999",
    ),
}

ENDING_LABELS = {
    "presenting_difficulties": ("Presenting difficulties", ""),
    "problem_area_and_focus": ("Problem area and focus", ""),
    "gains": ("What changed", "The client's gains, and how the focal problem changed"),
    "measures_at_start": ("Measures at the start", "For example, PHQ-9 and GAD-7 scores"),
    "measures_at_end": ("Measures at the end", ""),
    "recommendations": ("Recommendations", ""),
    "maintenance_plan": (
        "Maintenance and booster plan",
        "For example, monthly booster sessions for 3 months",
    ),
}


def _text_form(name: str, field_names: list[str], labels: dict[str, tuple[str, str]]):
    attrs = {field: _text(labels[field][0], hint=labels[field][1]) for field in field_names}
    return type(name, (forms.Form,), attrs)


MidpointReviewForm = _text_form("MidpointReviewForm", MIDPOINT_FIELDS, MIDPOINT_LABELS)
RelapsePreventionPlanForm = _text_form("RelapsePreventionPlanForm", PLAN_FIELDS, PLAN_LABELS)
EndingSummaryForm = _text_form("EndingSummaryForm", ENDING_SUMMARY_FIELDS, ENDING_LABELS)
