"""The diary entry form, phone first. The service checks the same rules again."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from ipt.nhsuk_forms.fields import DateField

from .models import MOOD_HIGHEST, MOOD_LOWEST

MAX_TEXT = 5000


def mood_choices() -> list[tuple[int, str]]:
    labels = {MOOD_LOWEST: f"{MOOD_LOWEST} – very low", MOOD_HIGHEST: f"{MOOD_HIGHEST} – very good"}
    return [(n, labels.get(n, str(n))) for n in range(MOOD_LOWEST, MOOD_HIGHEST + 1)]


def _text(label: str, *, what: str, required: bool, hint: str = ""):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{what[0].upper()}{what[1:]} must be {MAX_TEXT} characters or fewer",
        },
    )


class EntryForm(forms.Form):
    happened_on = DateField(
        label="When did it happen?",
        help_text="For example, 27 3 2026",
        label_for_errors="the date it happened",
    )
    what_happened = _text("What happened?", required=True, what="what happened")
    who_with = _text(
        "Who were you with? (optional)",
        what="who you were with",
        required=False,
        hint="For example, your partner, a friend or someone at work",
    )
    feelings = _text("How did you feel? (optional)", what="how you felt", required=False)
    mood = forms.TypedChoiceField(
        label="How was your mood?",
        help_text="0 is very low and 10 is very good",
        choices=mood_choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select your mood from 0 to 10",
            "invalid_choice": "Select your mood from 0 to 10",
        },
    )

    # Made on GET; the same form sent twice saves one entry (see services.add_entry).
    submission_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_happened_on(self):
        happened_on = self.cleaned_data["happened_on"]
        if happened_on > timezone.localdate():
            raise forms.ValidationError("The date it happened must be today or in the past")
        return happened_on
