"""Calendars built by `ipt.appointments.ics` parse with icalendar and keep London times."""

import datetime as dt

import icalendar

from ipt.appointments.ics import appointment_event, calendar_of
from ipt.appointments.models import Appointment
from ipt.reminders.presenters import initials

from .conftest import LONDON


def _appointment(pk, starts_at):
    return Appointment(
        pk=pk, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=50), medium="video"
    )


def test_a_calendar_keeps_ten_oclock_either_side_of_the_clock_change():
    before = _appointment(1, dt.datetime(2026, 3, 27, 10, 0, tzinfo=LONDON))
    after = _appointment(2, dt.datetime(2026, 3, 30, 10, 0, tzinfo=LONDON))
    calendar = calendar_of(
        appointment_event(a, summary="Appointment", description="") for a in (before, after)
    )
    parsed = icalendar.Calendar.from_ical(calendar.to_ical())
    events = list(parsed.walk("VEVENT"))
    assert [e.decoded("dtstart").astimezone(dt.UTC).hour for e in events] == [10, 9]
    assert [e.decoded("dtstart").astimezone(LONDON).hour for e in events] == [10, 10]
    assert [str(e["location"]) for e in events] == ["Video", "Video"]
    assert len(list(parsed.walk("VTIMEZONE"))) == 1
    assert events[0]["uid"] == "appointment-1@127.0.0.1:8000"


def test_initials_of_a_client():
    assert initials("Alex Shaw") == "AS"
    assert initials("Mary-Jane O'Neill") == "MJO"
    assert initials("  ") == "?"
