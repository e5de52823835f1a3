"""Display values for the portal, in plain English for clients. Pure: no database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ipt.appointments.models import Appointment, Kind, Medium
from ipt.core.dates import long_date, long_datetime

# What a lower score means, for the measures charted in the portal.
LOWER_MEANS = {
    "PHQ9": "Lower scores mean fewer symptoms of depression.",
    "GAD7": "Lower scores mean fewer symptoms of anxiety.",
    "WSAS": "Lower scores mean your difficulties get in the way of daily life less.",
}
MEDIUM_WORDS = {
    Medium.FACE_TO_FACE: "In person",
    Medium.TELEPHONE: "By phone",
    Medium.VIDEO: "By video",
}


def score_sentence(code: str, name: str, first: int | None, last: int | None) -> str:
    """E.g. "Your PHQ-9 score has gone down from 18 to 9. Lower scores mean fewer symptoms."""
    meaning = LOWER_MEANS.get(code, "Lower scores are better.")
    if first is None:
        return f"You have no {name} scores yet."
    if last is None:
        return f"Your first {name} score was {first}. {meaning}"
    if last < first:
        change = f"has gone down from {first} to {last}"
    elif last > first:
        change = f"has gone up from {first} to {last}"
    else:
        change = f"is {last}, the same as your first score"
    return f"Your {name} score {change}. {meaning}"


def appointment_title(appointment: Appointment) -> str:
    if appointment.kind == Kind.ASSESSMENT:
        return "Assessment"
    if appointment.kind == Kind.BOOSTER:
        return "Booster session"
    if appointment.kind in (Kind.REVIEW, Kind.FOLLOW_UP):
        return "Review"
    return "Therapy session"


def appointment_status(appointment: Appointment, now: dt.datetime) -> str:
    """What happened, or what will, in words for the client."""
    code = appointment.attendance
    if code in ("5", "6"):
        return "You attended"
    if code == "2":
        return "You cancelled"
    if code == "4":
        return "Cancelled by the service"
    if code in ("3", "7"):
        return "Missed"
    return "Booked" if appointment.starts_at >= now else "Awaiting your therapist"


def appointment_summary(appointment: Appointment, now: dt.datetime) -> dict[str, Any]:
    """Rows for a summary list describing one appointment."""
    therapist = appointment.therapist
    return {
        "title": appointment_title(appointment),
        "when": long_datetime(appointment.starts_at),
        "how": MEDIUM_WORDS.get(Medium(appointment.medium), ""),
        "with": therapist.display_name if therapist else "",
        "status": appointment_status(appointment, now),
    }


def invitation_status(account, latest_invitation, now: dt.datetime) -> dict[str, str]:
    """The portal status staff see for a client: a tag and a sentence."""
    if account is None:
        return {"tag": "Not invited", "colour": "grey", "text": "The client has not been invited."}
    if not account.is_active:
        return {
            "tag": "Access revoked",
            "colour": "red",
            "text": "The client cannot sign in to the portal.",
        }
    if account.is_activated:
        last = (
            f"They last signed in on {long_date(timezone.localtime(account.last_sign_in_at).date())}."
            if account.last_sign_in_at
            else ""
        )
        return {
            "tag": "Using the portal",
            "colour": "green",
            "text": f"The client signs in as {account.email}. {last}".strip(),
        }
    if latest_invitation is not None and latest_invitation.is_usable(now):
        return {
            "tag": "Invited",
            "colour": "blue",
            "text": f"An invitation was sent to {account.email}. The link works until "
            f"{long_datetime(latest_invitation.expires_at)}.",
        }
    return {
        "tag": "Invitation expired",
        "colour": "orange",
        "text": f"The invitation sent to {account.email} has expired. Send a new one.",
    }


# The client's answer about a homework task, in the words of the portal's form.
HOMEWORK_ANSWERS = {
    "done": "You did it",
    "partly": "You did some of it",
    "not_done": "You did not do it",
}


def homework_answer(task: Any) -> str:
    """E.g. "You did some of it"; "" before the client has answered."""
    return HOMEWORK_ANSWERS.get(task.client_outcome, "") if task.client_outcome else ""


def homework_rows(tasks: list[Any]) -> list[dict[str, Any]]:
    """The tasks from the last session with the client's answer so far."""
    return [
        {
            "task": task,
            "description": task.description,
            "answer": homework_answer(task),
            "reflection": task.client_reflection,
            "answered_on": long_date(timezone.localdate(task.client_answered_at))
            if task.client_answered_at
            else "",
        }
        for task in tasks
    ]
