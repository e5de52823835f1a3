"""The client record: summary-list rows and one panel per referral."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from ..models import Client, ContactMethod, Referral, ReferralStatusChange
from .values import (
    NOT_GIVEN,
    NOT_KNOWN,
    date_and_time,
    date_of_birth_and_age,
    days,
    formatted_nhs_number,
    full_name,
    long_date,
    status_label,
    status_tag,
)


def _row(key: str, value: str | None, empty: str = NOT_GIVEN) -> dict[str, Any]:
    return {"key": {"text": key}, "value": {"text": value if value else empty}}


def _lines(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def demographic_rows(client: Client, today: dt.date) -> list[dict[str, Any]]:
    return [
        _row("Name", full_name(client)),
        _row("Reference", str(client.reference)),
        _row("Date of birth", date_of_birth_and_age(client.date_of_birth, today)),
        _row("Pronouns", client.pronouns),
        _row("NHS number", formatted_nhs_number(client.nhs_number)),
        _row(
            "Address",
            _lines(client.address_line_1, client.address_line_2, client.town, client.postcode),
        ),
    ]


def consented_methods(client: Client) -> str:
    agreed = [
        label
        for agreed, label in (
            (client.consent_email, "email"),
            (client.consent_sms, "text message"),
            (client.consent_letter, "letter"),
        )
        if agreed
    ]
    if not agreed:
        return "None"
    return ", ".join(agreed).capitalize()


def contact_rows(client: Client) -> list[dict[str, Any]]:
    preferred = dict(ContactMethod.choices).get(client.preferred_contact_method, "")
    return [
        _row("Email", client.email),
        _row("Mobile", client.mobile),
        _row("Agrees to be contacted by", consented_methods(client)),
        _row("Prefers", preferred, empty="No preference"),
    ]


def emergency_contact_rows(client: Client) -> list[dict[str, Any]]:
    return [
        _row("Name", client.emergency_contact_name),
        _row("Relationship", client.emergency_contact_relationship),
        _row("Phone", client.emergency_contact_phone),
    ]


def gp_rows(client: Client) -> list[dict[str, Any]]:
    return [
        _row("GP practice", client.gp_practice_name),
        _row("Practice code", client.gp_practice_code, empty=NOT_KNOWN),
    ]


def therapist_name(referral: Referral | None) -> str:
    if referral is None or referral.allocated_therapist is None:
        return "Not allocated"
    return referral.allocated_therapist.display_name


def referral_rows(referral: Referral, today: dt.date) -> list[dict[str, Any]]:
    waited = days(referral.days_waited(today))
    return [
        _row("Received", f"{long_date(referral.received_on)} ({waited} ago)"),
        _row("Source", referral.get_source_display()),
        _row("Site", str(referral.site)),
        _row("Problem descriptor", referral.get_problem_descriptor_display()),
        _row("Urgency", referral.get_urgency_display()),
        _row("Reason for referral", referral.reason),
        _row("Status", status_label(referral.status)),
        _row("Therapist", therapist_name(referral)),
        _row("Allocated", date_and_time(referral.allocated_at), empty="Not allocated"),
    ]


def status_history_rows(changes: Iterable[ReferralStatusChange]) -> list[dict[str, str]]:
    return [
        {
            "when": date_and_time(change.changed_at),
            "from": status_label(change.from_status) if change.from_status else "New referral",
            "to": status_label(change.to_status),
            "reason": change.reason,
            "who": change.changed_by.display_name,
        }
        for change in changes
    ]


def referral_panel(
    referral: Referral,
    today: dt.date,
    *,
    history: Iterable[ReferralStatusChange],
    can_allocate: bool,
    can_change_status: bool,
) -> dict[str, Any]:
    """One referral on the client record: its details, status history and the actions allowed."""
    heading = f"Referral received {long_date(referral.received_on)}"
    actions = []
    if can_allocate and referral.is_open:
        text = "Change therapist" if referral.allocated_therapist_id else "Allocate a therapist"
        actions.append(
            {
                "href": reverse("clients:referral_allocate", kwargs={"pk": referral.pk}),
                "text": text,
                "hidden": f"for the referral received {long_date(referral.received_on)}",
            }
        )
    if can_change_status and referral.next_statuses:
        actions.append(
            {
                "href": reverse("clients:referral_status", kwargs={"pk": referral.pk}),
                "text": "Change status",
                "hidden": f"of the referral received {long_date(referral.received_on)}",
            }
        )
    return {
        "id": f"referral-{referral.pk}",
        "heading": heading,
        "status": status_tag(referral.status),
        "rows": referral_rows(referral, today),
        "history": status_history_rows(history),
        "actions": actions,
    }
