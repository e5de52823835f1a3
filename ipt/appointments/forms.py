"""Forms for booking, moving, rebooking and recording appointments, with NHS-style errors.

Dates use the NHS date input; times are a plain 24-hour "HH:MM" box in Europe/London time.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone

from ipt.courses.models import FREQUENCY_DAYS, Course, Frequency, TreatmentContract
from ipt.courses.rules import CourseStatus
from ipt.nhsuk_forms.fields import DateField
from ipt.organisations.models import Room

from .models import Appointment, Attendance, Kind, Medium
from .services import MAX_MINUTES, MAX_SERIES, MIN_MINUTES, AppointmentRefused

TIME = re.compile(r"^(\d{1,2})[:.]?(\d{2})$")
PHONE = re.compile(r"^\+?[0-9]{10,15}$")

SERIES_INTERVALS = [(7, "Every week"), (14, "Every 2 weeks"), (28, "Every 4 weeks")]
BOOSTER_INTERVALS = [
    (28, "Every 4 weeks (monthly)"),
    (56, "Every 8 weeks (about every 2 months)"),
    (91, "Every 13 weeks (about every 3 months)"),
]
ATTENDEES = [
    ("client", "The client"),
    ("carer", "A parent or carer"),
    ("partner", "The partner"),
]


class TimeField(forms.CharField):
    """A time of day typed as hours and minutes on the 24-hour clock, like 14:30."""

    def __init__(self, *, label_for_errors: str = "the time", **kwargs):
        self.label_for_errors = label_for_errors
        kwargs.setdefault("help_text", "Use the 24-hour clock, for example 14:30")
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter {label_for_errors}"
        self.widget.attrs.update({"class": "nhsuk-input--width-5", "autocomplete": "off"})

    def prepare_value(self, value):
        return value.strftime("%H:%M") if isinstance(value, dt.time) else value

    def to_python(self, value) -> dt.time | None:  # type: ignore[override]
        text = "".join(str(super().to_python(value) or "").split())
        if not text:
            return None
        name = self.label_for_errors.capitalize()
        match = TIME.match(text)
        if not match:
            raise forms.ValidationError(
                f"{name} must be in hours and minutes, like 14:30", code="invalid"
            )
        hours, minutes = int(match[1]), int(match[2])
        if hours > 23 or minutes > 59:
            raise forms.ValidationError(f"{name} must be a real time, like 14:30", code="invalid")
        return dt.time(hours, minutes)


def _minutes_field(label: str = "Length in minutes") -> forms.IntegerField:
    between = f"The length must be between {MIN_MINUTES} and {MAX_MINUTES} minutes"
    field = forms.IntegerField(
        label=label,
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        error_messages={
            "required": "Enter the length of the appointment in minutes",
            "invalid": "The length must be a number of minutes, like 50",
            "min_value": between,
            "max_value": between,
        },
    )
    field.widget = forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"})
    return field


class RefusalMixin:
    """Show a service's refusal beside the input it is about, or at the top of the form."""

    refusal_fields: dict[str, str] = {"starts_at": "date"}

    def add_refusal(self, refused: AppointmentRefused) -> None:
        field = self.refusal_fields.get(refused.field or "", refused.field)
        self.add_error(field if field in self.fields else None, str(refused))  # type: ignore[attr-defined]


class WhenForm(RefusalMixin, forms.Form):
    date = DateField(
        label="Date",
        label_for_errors="the date of the appointment",
        help_text="For example, 24 11 2026",
    )
    time = TimeField(label="Start time", label_for_errors="the start time")

    def starts_at(self) -> dt.datetime:
        """The start as an aware datetime in the service's time zone (Europe/London)."""
        day, at = self.cleaned_data["date"], self.cleaned_data["time"]
        return timezone.make_aware(dt.datetime.combine(day, at))


class ArrangementForm(WhenForm):
    """Where and how the appointment happens, and who attends."""

    minutes = _minutes_field()
    medium = forms.ChoiceField(
        label="How will the appointment happen?",
        choices=Medium.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the appointment will happen"},
    )
    site = forms.ModelChoiceField(
        label="Site (for face-to-face appointments)",
        queryset=None,
        required=False,
        empty_label="Select a site",
        error_messages={"invalid_choice": "Select one of your service's sites"},
    )
    room = forms.ModelChoiceField(
        label="Room (optional)",
        queryset=None,
        required=False,
        empty_label="No room yet",
        error_messages={"invalid_choice": "Select one of the rooms listed"},
    )
    phone_number = forms.CharField(
        label="Number we will call (for telephone appointments)",
        required=False,
        max_length=20,
        error_messages={"max_length": "Enter a phone number, like 01632 960 001"},
    )
    attendees = forms.MultipleChoiceField(
        label="Who attends?",
        choices=ATTENDEES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select who attends"},
    )

    def __init__(self, *args, course: Course, contract: TreatmentContract, **kwargs):
        initial = {
            "minutes": contract.session_minutes,
            "medium": Medium.FACE_TO_FACE,
            "site": course.referral.site_id,
            "phone_number": course.client.mobile,
            "attendees": ["client", *(["partner"] if course.variant.partner_attends else [])],
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.course = course
        sites = course.service.sites.active()
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["room"].queryset = Room.objects.filter(  # type: ignore[attr-defined]
            site__in=sites, is_active=True
        ).select_related("site")
        self.fields["phone_number"].widget.input_type = "tel"  # type: ignore[attr-defined]

    def clean_phone_number(self) -> str:
        value = self.cleaned_data.get("phone_number", "").strip()
        if value and not PHONE.match(value.replace(" ", "").replace("-", "")):
            raise forms.ValidationError("Enter a phone number, like 01632 960 001")
        return value

    def clean(self):
        data = super().clean()
        medium, site, room = data.get("medium"), data.get("site"), data.get("room")
        if medium == Medium.FACE_TO_FACE:
            if site is None and "site" not in self.errors:
                self.add_error("site", "Select the site for a face-to-face appointment")
            elif site is not None and room is not None and room.site_id != site.pk:
                self.add_error("room", f"Select a room at {site.name}")
        needs_number = medium == Medium.TELEPHONE and not data.get("phone_number")
        if needs_number and "phone_number" not in self.errors:
            self.add_error("phone_number", "Enter the number we will call")
        return data

    def arrangement(self) -> dict:
        """The keyword arguments the booking services take for where, how and who."""
        data = self.cleaned_data
        attendees = set(data["attendees"])
        return {
            "medium": data["medium"],
            "site": data["site"],
            "room": data["room"],
            "phone_number": data["phone_number"],
            "client_attends": "client" in attendees,
            "carer_attends": "carer" in attendees,
            "partner_attends": "partner" in attendees,
        }


def kinds_for(course: Course) -> list[tuple[str, str]]:
    """The appointment types a course can have now: boosters only once it is completed."""
    if course.is_open:
        wanted = [Kind.ASSESSMENT, Kind.TREATMENT, Kind.REVIEW, Kind.FOLLOW_UP]
    elif course.status == CourseStatus.COMPLETED:
        wanted = [Kind.REVIEW, Kind.FOLLOW_UP, Kind.BOOSTER]
    else:
        wanted = [Kind.REVIEW, Kind.FOLLOW_UP]
    return [(kind.value, kind.label) for kind in wanted]


class BookForm(ArrangementForm):
    field_order = ["kind", "date", "time", "minutes"]

    kind = forms.ChoiceField(
        label="Type of appointment",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of appointment"},
    )

    def __init__(self, *args, course: Course, contract: TreatmentContract, **kwargs):
        kind = Kind.ASSESSMENT if course.status == CourseStatus.ASSESSMENT else Kind.TREATMENT
        kwargs["initial"] = {"kind": kind, **kwargs.get("initial", {})}
        super().__init__(*args, course=course, contract=contract, **kwargs)
        self.fields["kind"].choices = kinds_for(course)  # type: ignore[attr-defined]


class SeriesForm(ArrangementForm):
    field_order = ["date", "time", "count", "every_days", "minutes"]
    refusal_fields = {"starts_at": "date"}

    count = forms.IntegerField(
        label="Number of sessions",
        min_value=1,
        max_value=MAX_SERIES,
        error_messages={
            "required": "Enter the number of sessions to book",
            "invalid": "The number of sessions must be a number, like 12",
            "min_value": f"Book between 1 and {MAX_SERIES} sessions",
            "max_value": f"Book between 1 and {MAX_SERIES} sessions",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}),
    )
    every_days = forms.TypedChoiceField(
        label="How often?",
        choices=SERIES_INTERVALS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often the sessions are"},
    )

    def __init__(self, *args, course: Course, contract: TreatmentContract, remaining: int, **kw):
        kw["initial"] = {
            "count": max(remaining, 1),
            "every_days": FREQUENCY_DAYS[Frequency(contract.frequency)],
            **kw.get("initial", {}),
        }
        super().__init__(*args, course=course, contract=contract, **kw)
        self.fields["date"].label = "Date of the first session"
        self.fields["date"].label_for_errors = "the date of the first session"  # type: ignore[attr-defined]
        self.fields["date"].error_messages["required"] = "Enter the date of the first session"


class BoostersForm(SeriesForm):
    def __init__(self, *args, course: Course, contract: TreatmentContract, **kwargs):
        every = 28 if course.variant.code == "maintenance" else 56
        kwargs["initial"] = {"count": 3, "every_days": every, **kwargs.get("initial", {})}
        super().__init__(*args, course=course, contract=contract, remaining=3, **kwargs)
        self.fields["every_days"].choices = BOOSTER_INTERVALS  # type: ignore[attr-defined]
        self.fields["count"].label = "Number of boosters"
        self.fields["count"].error_messages["required"] = "Enter the number of boosters to book"
        self.fields["date"].label = "Date of the first booster"
        self.fields["date"].label_for_errors = "the date of the first booster"  # type: ignore[attr-defined]
        self.fields["date"].error_messages["required"] = "Enter the date of the first booster"


class MoveForm(WhenForm):
    minutes = _minutes_field()

    def __init__(self, *args, appointment: Appointment, **kwargs):
        local = timezone.localtime(appointment.starts_at)
        kwargs.setdefault(
            "initial",
            {"date": local.date(), "time": local.time(), "minutes": appointment.minutes},
        )
        super().__init__(*args, **kwargs)
        self.fields["date"].label = "New date"
        self.fields["time"].label = "New start time"


class RebookForm(WhenForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].label = "Date of the new appointment"
        self.fields["time"].label = "Start time of the new appointment"


class RecordForm(RefusalMixin, forms.Form):
    attendance = forms.ChoiceField(
        label="What happened?",
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened at the appointment"},
    )
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The change and your reason are kept in the audit log",
        error_messages={"required": "Enter the reason for changing what was recorded"},
    )

    def __init__(self, *args, appointment: Appointment, **kwargs):
        kwargs.setdefault("initial", {"attendance": appointment.attendance or None})
        super().__init__(*args, **kwargs)
        self.correcting = bool(appointment.attendance)
        if not self.correcting:
            del self.fields["reason"]
