"""Forms for the reminders pages, built from the NHS fields."""

from __future__ import annotations

from django import forms

from .models import MAX_HOURS, ReminderSettings
from .presenters import SETTINGS_SECTIONS

SENDER_NAME_MAX = ReminderSettings._meta.get_field("sender_name").max_length or 60


def _hours_field(name: str, after: str) -> forms.IntegerField:
    between = f"Enter a number of hours between 1 and {MAX_HOURS} for the {name.lower()}"
    return forms.IntegerField(
        label=f"Hours {after}",
        min_value=1,
        max_value=MAX_HOURS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}),
        error_messages={
            "required": f"Enter the number of hours for the {name.lower()}",
            "invalid": f"Enter a whole number of hours for the {name.lower()}, like 24",
            "min_value": between,
            "max_value": between,
        },
    )


class SettingsForm(forms.Form):
    """Each kind of reminder: whether it is sent, and how many hours before (or after)."""

    sender_name = forms.CharField(
        label="Name used in messages (optional)",
        help_text=(
            "Someone else may see a client's messages on a shared phone or inbox. A neutral name, "
            "such as the name of the hospital or practice, does not say what the appointments "
            "are for. If you leave this empty, messages use the service's name."
        ),
        max_length=SENDER_NAME_MAX,
        required=False,
        error_messages={
            "max_length": f"The name used in messages must be {SENDER_NAME_MAX} characters or fewer"
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, name, after in SETTINGS_SECTIONS:
            self.fields[f"{kind}_on"] = forms.BooleanField(
                label=f"Send the {name.split(',')[0].lower()}", required=False
            )
            self.fields[f"{kind}_hours"] = _hours_field(name.split(",")[0], after)

    def sections(self) -> list[dict]:
        return [
            {"legend": name, "on": self[f"{kind}_on"], "hours": self[f"{kind}_hours"]}
            for kind, name, _ in SETTINGS_SECTIONS
        ]


class ConfirmForm(forms.Form):
    """A button press with nothing to fill in (try again, create or revoke a feed)."""
