"""The words of each reminder. Pure functions, no database.

A message holds only a date and time, the service's name and a link to the client portal: never
what the appointment is for, notes, scores, problem areas or homework wording, because a phone
or an inbox may be seen by someone else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from ipt.core.dates import long_date

from .models import Kind


@dataclass(frozen=True)
class Words:
    subject: str
    body: str


def portal_url() -> str:
    """Where clients sign in to see their appointments, questionnaires and homework."""
    return f"{settings.IPT_BASE_URL.rstrip('/')}/my/"


def when(value: dt.datetime) -> str:
    """'Tuesday 24 November 2026 at 10:00', in the service's time zone."""
    local = timezone.localtime(value)
    return f"{long_date(local.date())} at {local:%H:%M}"


def words_for(kind: str, *, service_name: str, appointment_at: dt.datetime | None) -> Words:
    """The subject (for email) and body of a reminder of this kind."""
    link = portal_url()
    at = when(appointment_at) if appointment_at is not None else ""
    if kind in (Kind.APPOINTMENT_48H, Kind.APPOINTMENT_2H):
        return Words(
            "Appointment reminder",
            f"You have an appointment with {service_name} on {at}. "
            f"See the details, or ask to change it: {link}",
        )
    if kind == Kind.QUESTIONNAIRES:
        return Words(
            "Questions before your appointment",
            f"Before your appointment with {service_name} on {at}, please answer some short "
            f"questions: {link}",
        )
    if kind == Kind.QUESTIONNAIRES_NUDGE:
        return Words(
            "Reminder: questions before your appointment",
            f"There is still time to answer the short questions before your appointment with "
            f"{service_name} on {at}: {link}",
        )
    if kind == Kind.HOMEWORK:
        return Words(
            f"A reminder from {service_name}",
            f"A reminder from {service_name}: you can note how things are going before your "
            f"next appointment: {link}",
        )
    raise ValueError(f"Unknown reminder kind: {kind}")
