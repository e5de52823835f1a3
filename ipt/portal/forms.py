"""Forms of the portal, in plain English for clients, and of its staff pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from ipt.notes.models import HomeworkOutcome

from . import services
from .models import ClientAccount, RequestKind

EMAIL_FORMAT_ERROR = "Enter an email address in the correct format, like name@example.com"


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={"required": "Enter your email address", "invalid": EMAIL_FORMAT_ERROR},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": False}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ForgottenPasswordForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The email address you sign in with",
        error_messages={"required": "Enter your email address", "invalid": EMAIL_FORMAT_ERROR},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": False}),
    )


class SetPasswordForm(forms.Form):
    """Choose a password, typed twice; the staff password rules apply."""

    password = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="Use at least 12 characters. Do not use your name or a common password",
        error_messages={"required": "Enter a password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Type the password again",
        strip=False,
        error_messages={"required": "Type the password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, account: ClientAccount, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            services.check_new_password(password, account=self.account)
        except ValidationError as error:
            raise ValidationError(list(error.messages)) from None
        return password

    def clean(self):
        cleaned = super().clean() or {}
        first, second = cleaned.get("password"), cleaned.get("password_again")
        if first and second and first != second:
            self.add_error("password_again", "The passwords do not match. Type the same password")
        return cleaned


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What do you want to do?",
        choices=[
            (RequestKind.CANCEL.value, "Cancel this appointment"),
            (RequestKind.REBOOK.value, "Move it to another time"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you want to cancel or move the appointment"},
    )
    reason = forms.CharField(
        label="Tell us why",
        help_text="For example, a hospital appointment or work. Your therapist will contact you",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Tell us why you need to change this appointment",
            "max_length": "Reason must be 1,000 characters or fewer",
        },
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="What was done (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Note must be 1,000 characters or fewer"},
    )


class HomeworkAnswerForm(forms.Form):
    """The client's own answer about a homework task, in their words."""

    outcome = forms.ChoiceField(
        label="Did you do this task?",
        choices=[
            (HomeworkOutcome.DONE.value, "Yes, I did it"),
            (HomeworkOutcome.PARTLY.value, "I did some of it"),
            (HomeworkOutcome.NOT_DONE.value, "No, I did not do it"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you did this task",
            "invalid_choice": "Select whether you did this task",
        },
    )
    reflection = forms.CharField(
        label="How did it go? (optional)",
        help_text="For example, what you noticed, how you felt, or what got in the way",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "What you write must be 2,000 characters or fewer"},
    )
