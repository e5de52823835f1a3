"""Dates and times as staff read them: 'Tuesday 24 November 2026, 10:00' (Europe/London).

The one place month and day names are spelt out (no locale needed), for every app's presenters."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(value: dt.date) -> str:
    """'Tuesday 24 November 2026'."""
    return f"{DAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]} {value.year}"


def time_of_day(value: dt.datetime) -> str:
    """'14:05', 24-hour, in the service's time zone."""
    return f"{timezone.localtime(value):%H:%M}"


def long_datetime(value: dt.datetime) -> str:
    """'Tuesday 24 November 2026, 10:00', in the service's time zone."""
    local = timezone.localtime(value)
    return f"{long_date(local.date())}, {local:%H:%M}"


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week the day falls in."""
    return day - dt.timedelta(days=day.weekday())
