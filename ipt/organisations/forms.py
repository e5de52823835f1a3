from __future__ import annotations

from django import forms
from django.utils import timezone

from ipt.nhsuk_forms.fields import DateField

from .models import ClosureDate, Room, Service, Site

STATUS_CHOICES = [("True", "Active"), ("False", "Deactivated")]


def _to_bool(value: str) -> bool:
    return value == "True"


class SiteForm(forms.Form):
    name = forms.CharField(
        label="Site name",
        max_length=200,
        error_messages={
            "required": "Enter the site name",
            "max_length": "Site name must be 200 characters or fewer",
        },
    )
    address = forms.CharField(
        label="Address (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, service: Service, site: Site | None = None, **kwargs):
        if site is not None:
            kwargs.setdefault("initial", {"name": site.name, "address": site.address})
        super().__init__(*args, **kwargs)
        self.service, self.site = service, site

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = self.service.sites.filter(name__iexact=name)
        if self.site is not None:
            others = others.exclude(pk=self.site.pk)
        if others.exists():
            raise forms.ValidationError(f"Your service already has a site called {name}")
        return name


class EditSiteForm(SiteForm):
    is_active = forms.TypedChoiceField(
        label="Status",
        choices=STATUS_CHOICES,
        coerce=_to_bool,
        widget=forms.RadioSelect,
        help_text="Staff cannot be given a deactivated site",
        error_messages={"required": "Choose whether the site is active"},
    )

    def __init__(self, *args, service: Service, site: Site, **kwargs):
        kwargs.setdefault(
            "initial", {"name": site.name, "address": site.address, "is_active": site.is_active}
        )
        super().__init__(*args, service=service, site=site, **kwargs)


class ServiceSettingsForm(forms.Form):
    name = forms.CharField(
        label="Service name",
        max_length=200,
        help_text="Staff see this name at the top of every page",
        error_messages={
            "required": "Enter the service name",
            "max_length": "Service name must be 200 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="Type of service",
        choices=Service.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of service"},
    )

    video_base_url = forms.URLField(
        label="Video service address (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="Each video appointment gets its own unguessable room under this address, "
        "for example https://video.example.nhs.uk/ipt",
        error_messages={
            "invalid": "Enter a web address in the correct format, like "
            "https://video.example.nhs.uk/ipt",
            "max_length": "The video service address must be 200 characters or fewer",
        },
    )
    consecutive_non_attendances_for_review = forms.IntegerField(
        label="Missed sessions in a row that flag a course for review",
        min_value=1,
        max_value=10,
        help_text="Did not attend, or arrived too late to be seen. Cancellations do not count",
        error_messages={
            "required": "Enter how many missed sessions in a row flag a course for review",
            "invalid": "Enter a whole number, like 2",
            "min_value": "Enter a number between 1 and 10",
            "max_value": "Enter a number between 1 and 10",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2"}),
    )

    def __init__(self, *args, service: Service, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": service.name,
                "kind": service.kind,
                "video_base_url": service.video_base_url,
                "consecutive_non_attendances_for_review": (
                    service.consecutive_non_attendances_for_review
                ),
            },
        )
        super().__init__(*args, **kwargs)
        self.service = service

    def clean_video_base_url(self) -> str:
        value = self.cleaned_data["video_base_url"].strip()
        if value and not value.startswith("https://"):
            raise forms.ValidationError("The video service address must start with https://")
        return value

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Service.objects.filter(name__iexact=name).exclude(pk=self.service.pk).exists():
            raise forms.ValidationError("Another service already uses this name. Choose another")
        return name


class RoomForm(forms.Form):
    name = forms.CharField(
        label="Room name",
        max_length=100,
        error_messages={
            "required": "Enter the room name",
            "max_length": "Room name must be 100 characters or fewer",
        },
    )

    def __init__(self, *args, site: Site, room: Room | None = None, **kwargs):
        if room is not None:
            kwargs.setdefault("initial", {"name": room.name, "is_active": room.is_active})
        super().__init__(*args, **kwargs)
        self.site, self.room = site, room

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = self.site.rooms.filter(name__iexact=name)
        if self.room is not None:
            others = others.exclude(pk=self.room.pk)
        if others.exists():
            raise forms.ValidationError(f"{self.site.name} already has a room called {name}")
        return name


class EditRoomForm(RoomForm):
    is_active = forms.TypedChoiceField(
        label="Status",
        choices=[("True", "In use"), ("False", "No longer in use")],
        coerce=_to_bool,
        widget=forms.RadioSelect,
        help_text="Appointments cannot be booked in a room that is no longer in use",
        error_messages={"required": "Choose whether the room is in use"},
    )


class ClosureForm(forms.Form):
    date = DateField(
        label="Date",
        label_for_errors="the date the service is closed",
        help_text="For example, 25 12 2026",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        help_text="For example, Christmas Day or Staff training",
        error_messages={
            "required": "Enter the reason the service is closed",
            "max_length": "Reason must be 200 characters or fewer",
        },
    )

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service

    def clean_date(self):
        value = self.cleaned_data.get("date")
        if value and value < timezone.localdate():
            raise forms.ValidationError("The date must be today or in the future")
        if value and ClosureDate.objects.filter(service=self.service, date=value).exists():
            raise forms.ValidationError("The service is already closed on that date")
        return value

    def clean_reason(self) -> str:
        return self.cleaned_data["reason"].strip()
