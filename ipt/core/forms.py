from __future__ import annotations

from django import forms
from django.db.models import Q

from ipt.nhsuk_forms.fields import DateField

from .models import AuditEvent


class AuditSearchForm(forms.Form):
    client = forms.IntegerField(
        label="Client reference",
        required=False,
        min_value=1,
        help_text="The number shown as 'Reference' on the client's record",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
    )
    user = forms.ModelChoiceField(
        label="Member of staff", queryset=None, required=False, empty_label="Anyone"
    )
    date_from = DateField(label="From", required=False, label_for_errors="the start date")
    date_to = DateField(label="To", required=False, label_for_errors="the end date")

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        from ipt.accounts.models import User

        self.service = service
        self.fields["user"].queryset = User.objects.filter(service=service)
        self.fields["client"].error_messages["invalid"] = "Client reference must be a number"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data

    def search(self):
        """Events by staff of this service, newest first, narrowed by what was entered."""
        events = AuditEvent.objects.filter(Q(actor__service=self.service)).select_related("actor")
        data = self.cleaned_data if self.is_bound else {}
        if data.get("client"):
            events = events.for_client(data["client"])
        if data.get("user"):
            events = events.filter(actor=data["user"])
        if data.get("date_from"):
            events = events.filter(occurred_at__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(occurred_at__date__lte=data["date_to"])
        return events.order_by("-sequence")
