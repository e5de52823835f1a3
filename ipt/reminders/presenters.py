"""Display values for the reminders pages and the calendar feed. Pure: no database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse

from ipt.appointments.models import Appointment, Medium
from ipt.core.dates import long_datetime

from .models import Channel, Kind, Message, Status

# Neutral: a calendar on a shared phone or screen should not say what the appointments are for.
FEED_NAME = "Appointments"

STATUS_COLOURS = {
    Status.SCHEDULED: "blue",
    Status.SENT: "green",
    Status.FAILED: "red",
    Status.CANCELLED: "grey",
}

SETTINGS_SECTIONS = [
    (Kind.APPOINTMENT_48H, "Appointment reminder", "before the appointment"),
    (Kind.APPOINTMENT_2H, "Appointment reminder on the day", "before the appointment"),
    (Kind.QUESTIONNAIRES, "Questionnaire request", "before the appointment"),
    (
        Kind.QUESTIONNAIRES_NUDGE,
        "Questionnaire nudge, if not yet answered",
        "before the appointment",
    ),
    (Kind.HOMEWORK, "Homework nudge, after a session that set homework", "after the session"),
]


def initials(name: str) -> str:
    """'Alex Shaw' → 'AS': all a calendar entry shows of a client."""
    letters = [part[0].upper() for part in name.replace("-", " ").split() if part[:1].isalpha()]
    return "".join(letters) or "?"


def feed_summary(appointment: Appointment, client_name: str) -> str:
    """'AS – video': the client's initials and how the appointment happens."""
    how = dict(Medium.choices)[appointment.medium].lower()
    return f"{initials(client_name)} – {how}"


def feed_description(appointment: Appointment) -> str:
    """A link to the appointment in the service (it asks the reader to sign in)."""
    path = reverse("appointments:detail", kwargs={"pk": appointment.pk})
    return f"Open in the service: {settings.IPT_BASE_URL.rstrip('/')}{path}"


def status_tag(message: Message) -> dict[str, str]:
    return {"text": message.get_status_display(), "colour": STATUS_COLOURS[Status(message.status)]}


def what_happened(message: Message) -> str:
    """The latest word on the message, for staff."""
    if message.status == Status.SENT and message.sent_at is not None:
        return f"Sent {long_datetime(message.sent_at)}"
    if message.status == Status.CANCELLED:
        return f"Not sent: {message.cancelled_because}" if message.cancelled_because else "Not sent"
    if message.status == Status.FAILED:
        return f"Gave up after {message.attempts} attempts. Last error: {message.last_error}"
    if message.attempts:
        return (
            f"{message.attempts} failed attempt{'s' if message.attempts > 1 else ''}; trying "
            f"again {long_datetime(message.scheduled_for)}. Last error: {message.last_error}"
        )
    return f"To be sent {long_datetime(message.scheduled_for)}"


def message_rows(messages: Iterable[Message], *, can_retry: bool) -> list[dict[str, Any]]:
    rows = []
    for message in messages:
        rows.append(
            {
                "pk": message.pk,
                "kind": message.get_kind_display(),
                "about": long_datetime(message.appointment_at) if message.appointment_at else "",
                "channel": message.get_channel_display(),
                "recipient": message.recipient,
                "tag": status_tag(message),
                "detail": what_happened(message),
                "attempts": message.attempts,
                "retry": can_retry and message.status == Status.FAILED,
            }
        )
    return rows


def failed_rows(messages: Iterable[Message], client_names: dict[int, str]) -> list[dict]:
    return [
        {
            "client_pk": message.client_id,
            "client": client_names.get(message.client_id, ""),
            "kind": message.get_kind_display(),
            "channel": message.get_channel_display(),
            "about": long_datetime(message.appointment_at) if message.appointment_at else "",
            "detail": what_happened(message),
        }
        for message in messages
    ]


def channel_label(channel: str) -> str:
    return dict(Channel.choices)[channel]
