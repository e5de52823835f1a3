"""Appointments counted by month for the dashboard: kept equal to the appointments by every write
through the appointments services, and read by the dashboard for the whole months of a period
only, so its attendance figures are what counting every appointment would give."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from ipt.appointments import services
from ipt.appointments.models import Medium
from ipt.courses.tests.factories import add_appointment, open_course
from ipt.organisations.tests.factories import SiteFactory
from ipt.reports import attendance_months, dashboard
from ipt.reports.models import AttendanceMonth

LONDON = ZoneInfo("Europe/London")


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), LONDON)


def _stored() -> set[tuple]:
    return set(
        AttendanceMonth.objects.values_list(
            "service_id", "month", "therapist_id", "medium", "attendance", "appointments"
        )
    )


def _month(day: str) -> dict[str, int]:
    """What the counts hold for one month: appointments by attendance code."""
    return dict(
        AttendanceMonth.objects.filter(month=dt.date.fromisoformat(day)).values_list(
            "attendance", "appointments"
        )
    )


def _book(course, starts_at, **extra):
    return services.book(
        course=course,
        kind=extra.pop("kind", "assessment"),
        starts_at=starts_at,
        minutes=50,
        medium=Medium.TELEPHONE,
        phone_number="01632 960 001",
        by=course.therapist,
        **extra,
    )


def test_every_write_through_the_services_keeps_the_counts_equal_to_the_appointments(
    course, time_machine
):
    time_machine.move_to(at("2026-03-20", "09:00"), tick=False)
    first = _book(course, at("2026-03-30"))
    series = services.book_series(
        course=course,
        first_starts_at=at("2026-03-31"),
        count=3,
        every_days=7,
        medium=Medium.TELEPHONE,
        phone_number="01632 960 001",
        by=course.therapist,
    )
    assert _month("2026-03-01") == {"": 2}
    assert _month("2026-04-01") == {"": 2}

    services.move(appointment=first, starts_at=at("2026-04-03"), by=course.therapist)
    assert _month("2026-03-01") == {"": 1}
    assert _month("2026-04-01") == {"": 3}

    time_machine.move_to(at("2026-04-20", "09:00"), tick=False)
    services.record_attendance(appointment=first, attendance="5", by=course.therapist)
    services.record_attendance(appointment=series[0], attendance="3", by=course.therapist)
    services.rebook(appointment=series[0], starts_at=at("2026-05-05"), by=course.therapist)
    assert _month("2026-03-01") == {"3": 1}
    assert _month("2026-04-01") == {"5": 1, "": 2}
    assert _month("2026-05-01") == {"": 1}

    kept = _stored()
    assert attendance_months.rebuild() == len(kept)
    assert _stored() == kept


def test_a_month_begins_at_midnight_in_london_not_in_utc(course, time_machine):
    time_machine.move_to(at("2026-03-20", "09:00"), tick=False)
    _book(course, at("2026-04-01", "00:30"))  # 23:30 on 31 March in UTC (summer time)
    assert _month("2026-04-01") == {"": 1}
    assert _month("2026-03-01") == {}
    attendance_months.rebuild()
    assert _month("2026-04-01") == {"": 1}


@pytest.fixture
def spread(course, time_machine):
    """Appointments either side of each edge of 10 January – 20 March 2026, counted by month."""
    time_machine.move_to(at("2026-04-15", "12:00"), tick=False)
    for day, code in [
        ("2026-01-05", "5"),  # before the period
        ("2026-01-12", "5"),  # in its first, partial month
        ("2026-02-02", "3"),  # in its only whole month
        ("2026-02-27", "2"),
        ("2026-03-16", "5"),  # in its last, partial month
        ("2026-03-20", "6"),  # on its last day
        ("2026-03-23", "3"),  # after it
    ]:
        add_appointment(course, attendance=code, starts_at=at(day))
    attendance_months.rebuild()
    return course


def test_the_dashboard_counts_part_months_from_the_appointments_and_whole_ones_from_the_counts(
    spread,
):
    figures = dashboard.attendance(
        dashboard.Filters(
            service_id=spread.service_id, start=dt.date(2026, 1, 10), end=dt.date(2026, 3, 20)
        )
    )
    assert (figures.booked, figures.attended, figures.did_not_attend, figures.cancelled) == (
        5,
        3,
        1,
        1,
    )


def test_a_period_inside_one_month_counts_the_appointments(spread):
    figures = dashboard.attendance(
        dashboard.Filters(
            service_id=spread.service_id, start=dt.date(2026, 3, 17), end=dt.date(2026, 3, 31)
        )
    )
    assert (figures.booked, figures.attended, figures.did_not_attend) == (2, 1, 1)


def test_a_filter_on_the_course_counts_only_that_courses_appointments(spread, site):
    elsewhere = SiteFactory(service=spread.service, name="Hillside Clinic")
    other = open_course(therapist=spread.therapist, site=elsewhere)
    add_appointment(other, attendance="5", starts_at=at("2026-02-10"))
    attendance_months.rebuild()
    period = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)}

    everywhere = dashboard.attendance(dashboard.Filters(service_id=spread.service_id, **period))
    here = dashboard.attendance(
        dashboard.Filters(service_id=spread.service_id, site_id=site.pk, **period)
    )
    there = dashboard.attendance(
        dashboard.Filters(service_id=spread.service_id, site_id=elsewhere.pk, **period)
    )
    assert (everywhere.booked, here.booked, there.booked) == (8, 7, 1)


def test_the_refresh_command_counts_appointments_written_in_bulk(spread):
    AttendanceMonth.objects.all().delete()
    out = io.StringIO()
    call_command("refresh_outcome_summaries", stdout=out)
    assert _month("2026-02-01") == {"3": 1, "2": 1}
    assert "and 6 monthly appointment counts" in out.getvalue()
