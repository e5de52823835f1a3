"""The dashboard's filters: a GET form, so a filtered dashboard can be bookmarked and shared."""

from __future__ import annotations

import datetime as dt

from django import forms

from ipt.accounts.models import User
from ipt.appointments.models import Medium
from ipt.clients.models import ProblemDescriptor
from ipt.formulations.queries import problem_area_labels
from ipt.nhsuk_forms.fields import DateField

from .dashboard import NO_AREA, Filters


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months, this one included."""
    month = today.replace(day=1)
    for _ in range(11):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month, today


class DashboardFilterForm(forms.Form):
    start = DateField(label="From", label_for_errors="the start of the period", required=False)
    end = DateField(label="To", label_for_errors="the end of the period", required=False)
    site = forms.ModelChoiceField(
        label="Site", queryset=None, required=False, empty_label="All sites"
    )
    therapist = forms.ModelChoiceField(
        label="Therapist", queryset=None, required=False, empty_label="All therapists"
    )
    ipt_problem_area = forms.ChoiceField(label="IPT problem area", required=False)
    problem_descriptor = forms.ChoiceField(
        label="Presenting problem",
        required=False,
        choices=[("", "All presenting problems"), *ProblemDescriptor.choices],
    )
    variant = forms.ModelChoiceField(
        label="IPT variant", queryset=None, required=False, empty_label="All variants"
    )
    medium = forms.ChoiceField(
        label="Medium", required=False, choices=[("", "Any medium"), *Medium.choices]
    )

    def __init__(self, *args, service, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.service, self.today = service, today
        self.fields["site"].queryset = service.sites.order_by("name")
        self.fields["therapist"].queryset = User.objects.filter(
            service=service, is_therapist=True
        ).order_by("last_name", "first_name")
        self.fields["variant"].queryset = service.therapy_variants.order_by("name")
        self.fields["ipt_problem_area"].choices = [
            ("", "All IPT problem areas"),
            *problem_area_labels(service).items(),
            (NO_AREA, "Not chosen yet"),
        ]
        messages = {
            "site": "Select a site from the list",
            "therapist": "Select a therapist from the list",
            "variant": "Select a variant from the list",
        }
        for name, message in messages.items():
            self.fields[name].error_messages["invalid_choice"] = message
        for name in ("ipt_problem_area", "problem_descriptor", "medium"):
            self.fields[name].error_messages["invalid_choice"] = "Select an option from the list"

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end of the period must be the same as or after the start")
        if end and end > self.today:
            self.add_error("end", "The end of the period must be today or in the past")
        return data

    def filters(self) -> Filters:
        """What to count: the cleaned choices, or the defaults where a choice is missing or wrong
        (a wrong choice is left out on its own; the others still apply)."""
        start, end = default_period(self.today)
        data: dict = {}
        if self.is_bound:
            self.is_valid()  # cleans every field: the valid ones stay in cleaned_data
            data = self.cleaned_data
        start, end = data.get("start") or start, data.get("end") or end
        return Filters(
            service_id=self.service.pk,
            start=min(start, end),
            end=end,
            site_id=data["site"].pk if data.get("site") else None,
            therapist_id=data["therapist"].pk if data.get("therapist") else None,
            problem_descriptor=data.get("problem_descriptor") or "",
            ipt_problem_area=data.get("ipt_problem_area") or "",
            variant_id=data["variant"].pk if data.get("variant") else None,
            medium=data.get("medium") or "",
        )
