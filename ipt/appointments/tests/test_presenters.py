"""Display values, worked from unsaved appointments: no database."""

import datetime as dt

from ipt.appointments import presenters
from ipt.appointments.models import Appointment, Medium
from ipt.appointments.sessions import SessionNumber
from ipt.appointments.tests.conftest import at
from ipt.clients.models import Client
from ipt.core.dates import long_datetime, week_start
from ipt.courses.models import Course
from ipt.courses.rules import Phase
from ipt.organisations.models import Room, Site


def _appointment(**values):
    values = {
        "pk": 7,
        "kind": "treatment",
        "medium": Medium.TELEPHONE,
        "starts_at": at("2026-11-26"),
        "ends_at": at("2026-11-26", "10:50"),
    } | values
    appointment = Appointment(**values)
    appointment.course = Course(client=Client(given_name="Jane", family_name="Doe"))
    return appointment


def test_it_writes_dates_and_times_the_nhs_way():
    assert long_datetime(at("2026-11-24", "09:05")) == "Tuesday 24 November 2026, 09:05"
    assert long_datetime(at("2027-06-01", "14:00")) == "Tuesday 1 June 2027, 14:00"
    assert week_start(dt.date(2026, 11, 29)) == dt.date(2026, 11, 23)


def test_it_says_where_a_face_to_face_appointment_is():
    site = Site(name="Riverside Centre")
    appointment = _appointment(
        medium=Medium.FACE_TO_FACE, site=site, room=Room(name="Room 1", site=site)
    )
    assert presenters.medium_text(appointment) == "Face to face, Room 1, Riverside Centre"
    assert (
        presenters.medium_text(_appointment(medium=Medium.FACE_TO_FACE, site=site))
        == "Face to face, Riverside Centre"
    )
    assert presenters.medium_text(_appointment(medium=Medium.VIDEO)) == "Video"


def test_it_says_who_attends():
    assert presenters.attendees_text(_appointment()) == "The client"
    assert (
        presenters.attendees_text(_appointment(carer_attends=True))
        == "The client and a parent or carer"
    )
    both = _appointment(client_attends=True, carer_attends=True, partner_attends=True)
    assert presenters.attendees_text(both) == "The client, a parent or carer and the partner"


def test_it_labels_the_session_with_its_phase():
    appointment = _appointment()
    expected = SessionNumber(number=6, projected=True, phase=Phase.MIDDLE)
    assert presenters.session_text(appointment, expected) == "Session 6 (expected) · middle phase"
    assert presenters.session_text(appointment, SessionNumber()) == "Treatment"
    assert (
        presenters.session_text(_appointment(kind="booster"), SessionNumber(number=2, booster=True))
        == "Booster 2"
    )


def test_it_offers_rebooking_only_for_a_missed_or_cancelled_appointment():
    def texts(appointment, rebooked=False):
        found = presenters.actions(appointment, can_book=True, rebooked=rebooked)
        return [action["text"] for action in found]

    assert texts(_appointment()) == ["Record outcome", "Move"]
    assert texts(_appointment(attendance="3")) == ["Change outcome", "Rebook"]
    assert texts(_appointment(attendance="3"), rebooked=True) == ["Change outcome"]
    assert texts(_appointment(attendance="6")) == ["Change outcome"]
    assert presenters.actions(_appointment(), can_book=False, rebooked=False) == []


def test_it_lists_the_weekdays_and_only_busy_or_closed_weekend_days():
    monday = dt.date(2026, 11, 23)
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    saturday = _appointment(starts_at=at("2026-11-28", "10:00"), ends_at=at("2026-11-28", "10:50"))
    listed = presenters.diary_days(
        days, [saturday], {}, {dt.date(2026, 11, 27): "Staff training"}, dt.date(2026, 11, 24)
    )
    assert [d["heading"] for d in listed] == [
        "Monday 23 November 2026",
        "Tuesday 24 November 2026",
        "Wednesday 25 November 2026",
        "Thursday 26 November 2026",
        "Friday 27 November 2026",
        "Saturday 28 November 2026",
    ]
    assert [d["is_today"] for d in listed][1] is True
    assert listed[4]["closed"] == "Staff training"
    assert listed[5]["appointments"][0]["time"] == "10:00 to 10:50"
    assert listed[5]["appointments"][0]["client"] == "Jane Doe"
