"""iCalendar files of appointments: the therapist's calendar feed and the client's downloads.

Times are written in Europe/London with the zone's rules (VTIMEZONE) included, so a calendar
shows 10:00 as 10:00 either side of a clock change. Callers choose the summary and description:
nothing clinical goes into a calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Appointment, Medium

# Neutral, like everything in a calendar: it may be seen on a shared phone or screen.
PRODUCT_ID = "-//Appointments//Calendar//EN"
LONDON = ZoneInfo("Europe/London")


def _host() -> str:
    return settings.IPT_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "ipt.invalid"


def location_of(appointment: Appointment) -> str:
    """Where it happens: the site and room, or how (telephone, video)."""
    if appointment.medium == Medium.FACE_TO_FACE and appointment.site is not None:
        room = f"{appointment.room.name}, " if appointment.room is not None else ""
        return f"{room}{appointment.site.name}"
    return dict(Medium.choices)[appointment.medium]


def appointment_event(
    appointment: Appointment,
    *,
    summary: str,
    description: str,
    location: str | None = None,
    stamp: dt.datetime | None = None,
) -> Event:
    """One appointment as a VEVENT, with a UID that stays the same when it moves."""
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@{_host()}")
    event.add("dtstamp", (stamp or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(LONDON))
    event.add("dtend", appointment.ends_at.astimezone(LONDON))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    place = location_of(appointment) if location is None else location
    if place:
        event.add("location", place)
    return event


def calendar_of(events: Iterable[Event], *, name: str = "") -> Calendar:
    """A calendar holding the events, with the Europe/London time zone they refer to."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar
