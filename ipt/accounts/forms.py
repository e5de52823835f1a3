from django import forms


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
