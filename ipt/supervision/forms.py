"""The supervision note form, built from the NHS fields; the service checks the rules again."""

from __future__ import annotations

from django import forms

from ipt.nhsuk_forms.fields import DateField

MAX_TEXT = 20000


class NoteForm(forms.Form):
    discussed_on = DateField(
        label="Date discussed",
        help_text="For example, 15 3 2026",
        label_for_errors="the date the case was discussed",
    )
    text = forms.CharField(
        label="What was discussed",
        help_text="What you discussed about the case and what was agreed",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter what was discussed",
            "max_length": f"What was discussed must be {MAX_TEXT} characters or fewer",
        },
    )
