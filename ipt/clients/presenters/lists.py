"""Rows for the client list, duplicate warning, waiting list and break-glass log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse

from ..models import BreakGlassAccess, Client, Referral
from .record import therapist_name
from .values import (
    date_and_time,
    days,
    formatted_nhs_number,
    full_name,
    long_date,
    status_tag,
    waiting_tags,
)


def current_referral(referrals: Iterable[Referral]) -> Referral | None:
    """The newest open referral, or else the newest, from referrals given newest first."""
    referrals = list(referrals)
    return next((r for r in referrals if r.is_open), referrals[0] if referrals else None)


def client_row(
    client: Client, referral: Referral | None, not_on_track: list[str] | None = None
) -> dict[str, Any]:
    return {
        "name": full_name(client),
        "href": reverse("clients:detail", kwargs={"pk": client.pk}),
        "reference": str(client.reference),
        "date_of_birth": long_date(client.date_of_birth),
        "nhs_number": formatted_nhs_number(client.nhs_number),
        "status": status_tag(referral.status) if referral else None,
        "therapist": therapist_name(referral),
        "not_on_track": not_on_track or [],
    }


def client_rows(
    clients: Iterable[Client], not_on_track: Mapping[int, list[str]] | None = None
) -> list[dict[str, Any]]:
    """Rows for the client list; each client carries `newest_referrals` (prefetched).
    `not_on_track` gives, by client id, why their open course is not on track."""
    reasons = not_on_track or {}
    return [client_row(c, current_referral(c.newest_referrals), reasons.get(c.pk)) for c in clients]


def duplicate_rows(clients: Iterable[Client]) -> list[dict[str, str]]:
    return [
        {
            "name": full_name(c),
            "href": reverse("clients:detail", kwargs={"pk": c.pk}),
            "reference": str(c.reference),
            "date_of_birth": long_date(c.date_of_birth),
            "nhs_number": formatted_nhs_number(c.nhs_number),
        }
        for c in clients
    ]


def waiting_list_rows(referrals: Iterable[Referral], today: dt.date) -> list[dict[str, Any]]:
    rows = []
    for referral in referrals:
        waited = referral.days_waited(today)
        rows.append(
            {
                "name": full_name(referral.client),
                "href": reverse("clients:detail", kwargs={"pk": referral.client_id}),
                "reference": str(referral.client_id),
                "days_waited": days(waited),
                "received_on": long_date(referral.received_on),
                "site": str(referral.site),
                "problem_descriptor": referral.get_problem_descriptor_display(),
                "urgency": referral.get_urgency_display(),
                "urgent": referral.urgency == "urgent",
                "status": status_tag(referral.status),
                "therapist": therapist_name(referral),
                "tags": waiting_tags(waited),
            }
        )
    return rows


def break_glass_rows(accesses: Iterable[BreakGlassAccess], now: dt.datetime) -> list[dict]:
    return [
        {
            "who": access.user.display_name,
            "client": full_name(access.client),
            "reference": str(access.client_id),
            "href": reverse("clients:detail", kwargs={"pk": access.client_id}),
            "when": date_and_time(access.granted_at),
            "expires": date_and_time(access.expires_at),
            "active": access.is_active(now),
            "reason": access.reason,
        }
        for access in accesses
    ]


def pagination_params(query, page) -> dict[str, Any]:
    """Previous and next links for the NHS pagination component, keeping the other filters."""

    def href(number: int) -> str:
        params = query.copy()
        params["page"] = str(number)
        return "?" + params.urlencode()

    params: dict[str, Any] = {}
    if page.has_previous():
        params["previous"] = {"href": href(page.previous_page_number())}
    if page.has_next():
        params["next"] = {"href": href(page.next_page_number())}
    return params
