"""Forms for clients and referrals, built from the NHS fields, with NHS content-style errors."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone

from ipt.nhsuk_forms.fields import DateField

from . import nhs_number
from .models import (
    TRANSITIONS,
    Client,
    ContactMethod,
    ProblemDescriptor,
    Referral,
    ReferralSource,
    ReferralStatus,
    Urgency,
)
from .services import BREAK_GLASS_REASON_MIN_LENGTH, CLIENT_FIELDS

GP_PRACTICE_CODE = re.compile(r"^[A-Z][0-9]{5}$")
PHONE = re.compile(r"^\+?[0-9]{10,15}$")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def _text(label: str, required_message: str | None = None, **kwargs) -> forms.CharField:
    field = forms.CharField(label=label, required=required_message is not None, **kwargs)
    if required_message:
        field.error_messages["required"] = required_message
    return field


class NHSNumberField(forms.CharField):
    """Ten digits with a valid check digit; spaces and hyphens are removed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "NHS number")
        kwargs.setdefault("help_text", "This is a 10 digit number, like 943 476 5919")
        super().__init__(max_length=20, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "class": "nhsuk-input--width-10"})

    def to_python(self, value):
        return nhs_number.normalise(super().to_python(value) or "")

    def validate(self, value):
        super().validate(value)
        if value and not nhs_number.is_valid(value):
            raise forms.ValidationError("Enter a valid NHS number", code="invalid")


class ClientForm(forms.Form):
    given_name = _text("Given name", "Enter the client's given name", max_length=100)
    family_name = _text("Family name", "Enter the client's family name", max_length=100)
    preferred_name = _text(
        "Preferred name (optional)",
        max_length=100,
        help_text="The name the client would like us to use, if it is different",
    )
    date_of_birth = DateField(
        label="Date of birth",
        label_for_errors="the client's date of birth",
        help_text="For example, 15 3 1984",
        error_messages={"required": "Enter the client's date of birth"},
    )
    pronouns = _text("Pronouns (optional)", max_length=50, help_text="For example, she/her")
    nhs_number = NHSNumberField(required=False, label="NHS number (optional)")
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    mobile = _text("Mobile phone number (optional)", max_length=20)
    address_line_1 = _text("Address line 1 (optional)", max_length=100)
    address_line_2 = _text("Address line 2 (optional)", max_length=100)
    town = _text("Town or city (optional)", max_length=100)
    postcode = _text("Postcode (optional)", max_length=10)
    gp_practice_name = _text("GP practice", "Enter the client's GP practice", max_length=200)
    gp_practice_code = _text(
        "GP practice code (optional)", max_length=10, help_text="The ODS code, like A81001"
    )
    emergency_contact_name = _text("Emergency contact name (optional)", max_length=200)
    emergency_contact_relationship = _text("Relationship to the client (optional)", max_length=100)
    emergency_contact_phone = _text("Emergency contact phone number (optional)", max_length=20)
    contact_consents = forms.MultipleChoiceField(
        label="The client agrees to be contacted by",
        required=False,
        choices=[("email", "Email"), ("sms", "Text message"), ("letter", "Letter")],
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_contact_method = forms.ChoiceField(
        label="How does the client prefer to be contacted?",
        required=False,
        choices=[("", "No preference"), *ContactMethod.choices],
        widget=forms.RadioSelect,
    )
    not_duplicate = forms.BooleanField(label="This is a different person", required=False)

    def __init__(self, *args, client: Client | None = None, **kwargs):
        if client is not None:
            kwargs["initial"] = {name: getattr(client, name) for name in CLIENT_FIELDS}
            kwargs["initial"]["contact_consents"] = [
                method
                for method in ("email", "sms", "letter")
                if getattr(client, f"consent_{method}")
            ]
        super().__init__(*args, **kwargs)
        for name in ("given_name", "family_name", "preferred_name"):
            self.fields[name].widget.attrs["spellcheck"] = False
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["mobile"].widget.input_type = "tel"
        self.fields["emergency_contact_phone"].widget.input_type = "tel"

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        if value and value >= timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        return value

    def _phone(self, name: str, message: str) -> str:
        value = self.cleaned_data.get(name, "")
        digits = value.replace(" ", "").replace("-", "")
        if value and not PHONE.match(digits):
            raise forms.ValidationError(message)
        return value

    def clean_mobile(self):
        return self._phone("mobile", "Enter a mobile phone number, like 07700 900 982")

    def clean_emergency_contact_phone(self):
        return self._phone(
            "emergency_contact_phone", "Enter a phone number, like 01632 960 001 or 07700 900 982"
        )

    def clean_postcode(self):
        value = " ".join(self.cleaned_data.get("postcode", "").upper().split())
        if value and not POSTCODE.match(value):
            raise forms.ValidationError("Enter a real postcode, like LS1 4HR")
        return value

    def clean_gp_practice_code(self):
        value = self.cleaned_data.get("gp_practice_code", "").strip().upper()
        if value and not GP_PRACTICE_CODE.match(value):
            raise forms.ValidationError(
                "GP practice code must be a letter followed by 5 numbers, like A81001"
            )
        return value

    def clean(self):
        data = super().clean()
        method = data.get("preferred_contact_method")
        needs = {
            ContactMethod.EMAIL: ("email", "Enter an email address, or choose another way"),
            ContactMethod.SMS: ("mobile", "Enter a mobile phone number, or choose another way"),
            ContactMethod.PHONE: ("mobile", "Enter a mobile phone number, or choose another way"),
            ContactMethod.LETTER: ("address_line_1", "Enter an address, or choose another way"),
        }
        if method in needs:
            field, message = needs[method]
            if field not in self.errors and not data.get(field):
                self.add_error(field, message)
        return data

    def client_details(self) -> dict[str, Any]:
        """What to pass to `services.register_client` or `services.update_client`."""
        data = self.cleaned_data
        details = {name: data[name] for name in CLIENT_FIELDS if name in data}
        consents = set(data.get("contact_consents") or [])
        for method in ("email", "sms", "letter"):
            details[f"consent_{method}"] = method in consents
        return details


class ReferralForm(forms.Form):
    site = forms.ModelChoiceField(
        label="Site", queryset=None, empty_label=None, widget=forms.RadioSelect
    )
    source = forms.ChoiceField(
        label="Who made the referral?", choices=ReferralSource.choices, widget=forms.RadioSelect
    )
    received_on = DateField(
        label="Date the referral was received",
        label_for_errors="the date the referral was received",
        help_text="For example, 14 3 2026",
        error_messages={"required": "Enter the date the referral was received"},
    )
    problem_descriptor = forms.ChoiceField(
        label="Problem descriptor",
        choices=[("", "Select a problem descriptor"), *ProblemDescriptor.choices],
    )
    reason = forms.CharField(label="Reason for referral", widget=forms.Textarea)
    urgency = forms.ChoiceField(
        label="Urgency", choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        messages = {
            "site": "Select the site",
            "source": "Select who made the referral",
            "problem_descriptor": "Select a problem descriptor",
            "reason": "Enter the reason for referral",
            "urgency": "Select the urgency",
        }
        for name, message in messages.items():
            self.fields[name].error_messages["required"] = message
            self.fields[name].error_messages["invalid_choice"] = message

    def clean_received_on(self):
        value = self.cleaned_data.get("received_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                "The date the referral was received must be today or in the past"
            )
        return value


class AllocateForm(forms.Form):
    therapist = forms.ModelChoiceField(
        label="Therapist", queryset=None, empty_label=None, widget=forms.RadioSelect
    )

    def __init__(self, *args, therapists, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["therapist"]
        field.queryset = therapists
        field.label_from_instance = lambda user: user.display_name
        field.error_messages["required"] = "Select a therapist"
        field.error_messages["invalid_choice"] = "Select a therapist"


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label="New status", widget=forms.RadioSelect)
    reason = forms.CharField(label="Reason for the change", widget=forms.Textarea)

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        field = self.fields["to_status"]
        field.choices = [(s, labels[s]) for s in TRANSITIONS.get(referral.status, ())]
        field.error_messages["required"] = "Select the new status"
        field.error_messages["invalid_choice"] = "Select one of the statuses shown"
        self.fields["reason"].error_messages["required"] = "Enter the reason for the change"


class BreakGlassForm(forms.Form):
    identifier = forms.CharField(
        label="Client's NHS number or reference",
        max_length=20,
        error_messages={"required": "Enter the client's NHS number or reference"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
    )
    reason = forms.CharField(
        label="Why do you need to see this record?",
        help_text="Your reason is recorded and seen by your service manager",
        widget=forms.Textarea,
        error_messages={"required": "Enter why you need to see this record"},
    )

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if len(value) < BREAK_GLASS_REASON_MIN_LENGTH:
            raise forms.ValidationError(
                f"Reason must be {BREAK_GLASS_REASON_MIN_LENGTH} characters or more"
            )
        return value


class ClientSearchForm(forms.Form):
    q = forms.CharField(label="Search by name, NHS number or reference", required=False)


class WaitingListFilterForm(forms.Form):
    site = forms.ModelChoiceField(
        label="Site", queryset=None, required=False, empty_label="All sites"
    )
    unallocated = forms.BooleanField(label="Unallocated only", required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].error_messages["invalid_choice"] = "Select a site from the list"

    def narrow(self, referrals):
        if not self.is_bound or not self.is_valid():
            return referrals
        if self.cleaned_data.get("site"):
            referrals = referrals.filter(site=self.cleaned_data["site"])
        if self.cleaned_data.get("unallocated"):
            referrals = referrals.unallocated()
        return referrals
