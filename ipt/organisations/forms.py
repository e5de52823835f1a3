from __future__ import annotations

from django import forms

from .models import Service, Site

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

    def __init__(self, *args, service: Service, **kwargs):
        kwargs.setdefault("initial", {"name": service.name, "kind": service.kind})
        super().__init__(*args, **kwargs)
        self.service = service

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Service.objects.filter(name__iexact=name).exclude(pk=self.service.pk).exists():
            raise forms.ValidationError("Another service already uses this name. Choose another")
        return name
