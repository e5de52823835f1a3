"""Single display values: dates, names, NHS numbers, status labels and tags."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ipt.core.dates import MONTHS

from .. import nhs_number
from ..models import Client, ReferralStatus

SIX_WEEKS = 42
EIGHTEEN_WEEKS = 126
NOT_KNOWN = "Not known"
NOT_GIVEN = "Not given"


STATUS_COLOURS = {
    ReferralStatus.WAITING_FOR_ASSESSMENT: "blue",
    ReferralStatus.ASSESSED: "purple",
    ReferralStatus.ACCEPTED_FOR_IPT: "green",
    ReferralStatus.DECLINED_OR_SIGNPOSTED: "grey",
    ReferralStatus.WITHDRAWN: "grey",
}


def long_date(value: dt.date | None) -> str:
    """'14 March 2026', as the NHS writes dates."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def date_and_time(value: dt.datetime | None) -> str:
    """'14 March 2026 at 3:05pm', in the service's time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{long_date(local.date())} at {hour}:{local.minute:02d}{suffix}"


def formatted_nhs_number(digits: str) -> str:
    return nhs_number.format(digits) if digits else NOT_KNOWN


def age(date_of_birth: dt.date, today: dt.date) -> int:
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - int(before_birthday)


def date_of_birth_and_age(date_of_birth: dt.date, today: dt.date) -> str:
    return f"{long_date(date_of_birth)} ({age(date_of_birth, today)} years old)"


def full_name(client: Client) -> str:
    """'Jane Smith', or 'Jane Smith (known as Janey)' when she prefers another name."""
    name = client.full_name
    preferred = client.preferred_name.strip()
    if preferred and preferred != client.given_name:
        return f"{name} (known as {preferred})"
    return name


def status_label(status: str) -> str:
    return dict(ReferralStatus.choices).get(status, status)


def status_tag(status: str) -> dict[str, str]:
    return {"text": status_label(status), "colour": STATUS_COLOURS.get(status, "grey")}


def waiting_tags(days_waited: int) -> list[dict[str, str]]:
    """Tags for the NHS Talking Therapies waiting-time marks: 6 weeks and 18 weeks."""
    if days_waited >= EIGHTEEN_WEEKS:
        return [{"text": "18 weeks or more", "colour": "red"}]
    if days_waited >= SIX_WEEKS:
        return [{"text": "6 weeks or more", "colour": "orange"}]
    return []


def days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
