"""Display values for appointments and the diary. Pure: no queries (the view prefetches)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup

from ipt.clients.presenters import full_name
from ipt.core.dates import long_date, long_datetime, time_of_day

from .models import REBOOKABLE, Appointment, Attendance, Kind, Medium
from .sessions import NO_NUMBER, SessionNumber

OUTCOMES: dict[str, tuple[str, str]] = {
    Attendance.ATTENDED: ("Attended", "green"),
    Attendance.LATE_SEEN: ("Arrived late, seen", "green"),
    Attendance.LATE_NOT_SEEN: ("Arrived late, not seen", "red"),
    Attendance.CANCELLED_BY_CLIENT: ("Cancelled by client", "grey"),
    Attendance.DID_NOT_ATTEND: ("Did not attend", "red"),
    Attendance.CANCELLED_BY_SERVICE: ("Cancelled by service", "grey"),
}


def time_range(appointment: Appointment) -> str:
    return f"{time_of_day(appointment.starts_at)} to {time_of_day(appointment.ends_at)}"


def minutes(count: int) -> str:
    return f"{count} minute" if count == 1 else f"{count} minutes"


def kind_label(appointment: Appointment) -> str:
    return dict(Kind.choices).get(appointment.kind, appointment.kind)


def medium_text(appointment: Appointment) -> str:
    """'Face to face, Room 2, Riverside Centre', 'Telephone' or 'Video'."""
    if appointment.medium == Medium.FACE_TO_FACE:
        place = str(appointment.room) if appointment.room else str(appointment.site or "")
        return f"Face to face, {place}" if place else "Face to face"
    return dict(Medium.choices).get(appointment.medium, appointment.medium)


def attendees_text(appointment: Appointment) -> str:
    people = [
        name
        for attends, name in (
            (appointment.client_attends, "the client"),
            (appointment.carer_attends, "a parent or carer"),
            (appointment.partner_attends, "the partner"),
        )
        if attends
    ]
    if not people:
        return ""
    text = people[0] if len(people) == 1 else f"{', '.join(people[:-1])} and {people[-1]}"
    return text[0].upper() + text[1:]


def outcome_tag(appointment: Appointment) -> dict[str, str] | None:
    """A tag for what happened, or None before it is recorded."""
    if not appointment.attendance:
        return None
    text, colour = OUTCOMES[appointment.attendance]
    return {"text": text, "colour": colour}


def outcome_text(appointment: Appointment) -> str:
    """The full data-set wording, e.g. '3: Did not attend, no warning'."""
    return dict(Attendance.choices).get(appointment.attendance, "Not recorded yet")


def session_text(appointment: Appointment, number: SessionNumber) -> str:
    """'Session 6 · middle phase', 'Session 7 (expected) · middle phase', 'Booster 2' or the kind."""
    if number.number is None:
        return kind_label(appointment)
    label = number.label + (" (expected)" if number.projected else "")
    return f"{label} · {number.phase.label}" if number.phase else label


def _action(name: str, appointment: Appointment, text: str, hidden: str) -> dict[str, str]:
    return {
        "href": reverse(f"appointments:{name}", kwargs={"pk": appointment.pk}),
        "text": text,
        "hidden": hidden,
    }


def actions(appointment: Appointment, *, can_book: bool, rebooked: bool) -> list[dict[str, str]]:
    """What staff who may book can do next with this appointment."""
    if not can_book:
        return []
    hidden = f"for {long_datetime(appointment.starts_at)}"
    if not appointment.attendance:
        return [
            _action("record", appointment, "Record outcome", hidden),
            _action("move", appointment, "Move", hidden),
        ]
    found = [_action("record", appointment, "Change outcome", hidden)]
    if appointment.attendance in REBOOKABLE and not rebooked:
        found.append(_action("rebook", appointment, "Rebook", hidden))
    return found


def appointment_rows(
    appointments: Sequence[Appointment],
    numbers: Sequence[SessionNumber],
    *,
    can_book: bool,
) -> list[dict[str, Any]]:
    """Rows for a course's appointments table, oldest first."""
    rebooked = {a.rebooked_from_id for a in appointments if a.rebooked_from_id}
    return [
        {
            "when": long_datetime(appointment.starts_at),
            "href": reverse("appointments:detail", kwargs={"pk": appointment.pk}),
            "kind": kind_label(appointment),
            "session": session_text(appointment, number) if number.number else "",
            "medium": medium_text(appointment),
            "outcome": outcome_tag(appointment),
            "actions": actions(appointment, can_book=can_book, rebooked=appointment.pk in rebooked),
        }
        for appointment, number in zip(appointments, numbers, strict=True)
    ]


def diary_item(appointment: Appointment, number: SessionNumber) -> dict[str, Any]:
    """One appointment in a diary: time, client, session and phase, medium, outcome."""
    return {
        "time": time_range(appointment),
        "client": full_name(appointment.course.client),
        "href": reverse("appointments:detail", kwargs={"pk": appointment.pk}),
        "session": session_text(appointment, number),
        "medium": medium_text(appointment),
        "outcome": outcome_tag(appointment),
    }


def diary_days(
    days: Iterable[dt.date],
    appointments: Iterable[Appointment],
    numbers: Mapping[int, SessionNumber],
    closures: Mapping[dt.date, str],
    today: dt.date,
) -> list[dict[str, Any]]:
    """One entry per day with its appointments in time order; weekends only when busy."""
    by_day: dict[dt.date, list[dict[str, Any]]] = {}
    for appointment in appointments:
        day = timezone.localtime(appointment.starts_at).date()
        by_day.setdefault(day, []).append(
            diary_item(appointment, numbers.get(appointment.pk, NO_NUMBER))
        )
    return [
        {
            "id": f"day-{day.isoformat()}",
            "heading": long_date(day),
            "is_today": day == today,
            "closed": closures.get(day, ""),
            "appointments": by_day.get(day, []),
        }
        for day in days
        if day.weekday() < 5 or by_day.get(day) or day in closures
    ]


def detail_rows(
    appointment: Appointment, number: SessionNumber, *, video_base_url: str
) -> list[dict[str, Any]]:
    """The appointment page: when, what, who and how to join."""
    rows = [
        ("Client", full_name(appointment.course.client)),
        ("When", f"{long_datetime(appointment.starts_at)} ({minutes(appointment.minutes)})"),
        ("Type", kind_label(appointment)),
    ]
    if number.number is not None:
        rows.append(("Session", session_text(appointment, number)))
    rows += [
        ("Therapist", appointment.therapist.display_name),
        ("Who attends", attendees_text(appointment)),
        ("How", dict(Medium.choices).get(appointment.medium, appointment.medium)),
    ]
    found = [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]
    found += join_rows(appointment, video_base_url=video_base_url)
    found.append({"key": {"text": "Outcome"}, "value": {"text": outcome_text(appointment)}})
    if appointment.recorded_at:
        by = appointment.recorded_by.display_name if appointment.recorded_by else ""
        found.append(
            {
                "key": {"text": "Recorded"},
                "value": {"text": f"{long_datetime(appointment.recorded_at)} by {by}".strip()},
            }
        )
    return found


def join_rows(appointment: Appointment, *, video_base_url: str) -> list[dict[str, Any]]:
    """How to join: the address and room, the number we will call, or the video link."""
    if appointment.medium == Medium.FACE_TO_FACE:
        site = appointment.site
        address = ", ".join(
            line.strip() for line in (site.address if site else "").splitlines() if line.strip()
        )
        rows = [{"key": {"text": "Site"}, "value": {"text": site.name if site else ""}}]
        if address:
            rows.append({"key": {"text": "Address"}, "value": {"text": address}})
        room = appointment.room.name if appointment.room else "To be confirmed"
        rows.append({"key": {"text": "Room"}, "value": {"text": room}})
        return rows
    if appointment.medium == Medium.TELEPHONE:
        return [
            {"key": {"text": "Number we will call"}, "value": {"text": appointment.phone_number}}
        ]
    link = appointment.video_url(video_base_url)
    if not link:
        return [
            {
                "key": {"text": "Video link"},
                "value": {"text": "Your service has no video service address yet"},
            }
        ]
    return [{"key": {"text": "Video link"}, "value": {"html": _link(link)}}]


def _link(href: str) -> Markup:
    return Markup('<a href="{0}">{0}</a>').format(href)


def diary_heading(owner, viewer) -> str:
    if owner is None:
        return "Diary"
    if owner.pk == viewer.pk:
        return "Your diary"
    return f"Diary of {owner.display_name}"


def therapist_choices(therapists: Iterable, owner) -> list[dict[str, Any]]:
    """Items for the select a service manager uses to choose whose diary to see."""
    return [{"value": "", "text": "Select a therapist"}] + [
        {
            "value": str(therapist.pk),
            "text": therapist.display_name,
            "selected": owner is not None and therapist.pk == owner.pk,
        }
        for therapist in therapists
    ]
