from __future__ import annotations

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import Q

from ipt.organisations.models import Service

from . import services
from .models import Role, User


class SignInForm(forms.Form):
    username = forms.CharField(
        label="Username",
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": False}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your backup codes",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "spellcheck": False,
                "class": "nhsuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].error_messages["required"] = "Enter your security code"

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "").strip().lower()


EMAIL_FORMAT_ERROR = "Enter an email address in the correct format, like name@example.nhs.uk"
STATUS_CHOICES = [("True", "Active"), ("False", "Deactivated")]


def _to_bool(value: str) -> bool:
    return value == "True"


class StaffForm(forms.Form):
    """Details, roles, sites and supervisors of a member of staff in one service."""

    first_name = forms.CharField(
        label="First name",
        max_length=150,
        error_messages={
            "required": "Enter a first name",
            "max_length": "First name must be 150 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": False}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        error_messages={
            "required": "Enter a last name",
            "max_length": "Last name must be 150 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": False}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send the invitation to choose a password to this address",
        error_messages={
            "required": "Enter an email address",
            "invalid": EMAIL_FORMAT_ERROR,
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": False}),
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={
            "required": "Choose at least one role",
            "invalid_choice": "Choose roles from the list",
        },
    )
    sites = forms.ModelMultipleChoiceField(
        label="Sites",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select the sites they work from",
        error_messages={
            "invalid_choice": "Choose sites from the list",
            "invalid_pk_value": "Choose sites from the list",
        },
    )
    supervisors = forms.ModelMultipleChoiceField(
        label="Supervisors",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select who supervises their clinical work, if anyone",
        error_messages={
            "invalid_choice": "Choose supervisors from the list",
            "invalid_pk_value": "Choose supervisors from the list",
        },
    )

    def __init__(self, *args, service: Service, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service, self.user = service, user
        # Active sites and supervisors, and any inactive ones the person already has.
        site_filter, supervisor_filter = Q(is_active=True), Q(is_active=True, is_supervisor=True)
        if user is not None:
            site_filter |= Q(pk__in=user.sites.values("pk"))
            supervisor_filter |= Q(pk__in=user.supervisors.values("pk"))
        supervisors = service.staff.filter(supervisor_filter)
        if user is not None:
            supervisors = supervisors.exclude(pk=user.pk)
        # A question with nothing to choose from is left out.
        for name, queryset in (
            ("sites", service.sites.filter(site_filter)),
            ("supervisors", supervisors),
        ):
            if queryset.exists():
                self.fields[name].queryset = queryset
            else:
                del self.fields[name]

    def staff_details(self) -> dict:
        """The cleaned values, as keyword arguments for the staff services."""
        return {"sites": [], "supervisors": [], **self.cleaned_data}


class NewStaffForm(StaffForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="They sign in with this. Use letters, numbers and @ . + - _ only",
        validators=[
            UnicodeUsernameValidator(
                message="Username must only include letters, numbers and @ . + - _"
            )
        ],
        error_messages={
            "required": "Enter a username",
            "max_length": "Username must be 150 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": False}),
    )

    field_order = ["username", "first_name", "last_name", "email", "roles", "sites"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if services.username_taken(username):
            raise forms.ValidationError("Someone already has this username. Choose another")
        return username


class EditStaffForm(StaffForm):
    is_active = forms.TypedChoiceField(
        label="Status",
        choices=STATUS_CHOICES,
        coerce=_to_bool,
        widget=forms.RadioSelect,
        help_text="Deactivated staff cannot sign in. Everything they recorded is kept",
        error_messages={"required": "Choose whether the account is active"},
    )

    def __init__(self, *args, service: Service, user: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "roles": [role.value for role in user.roles],
                "sites": list(user.sites.all()),
                "supervisors": list(user.supervisors.all()),
                "is_active": user.is_active,
            },
        )
        super().__init__(*args, service=service, user=user, **kwargs)
        self.fields["email"].help_text = ""
