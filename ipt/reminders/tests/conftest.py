"""Set-up for the reminders tests.

Every test runs on Monday 2 March 2026 at 09:00, London time, with a fake text-message sender.
Tessa's client agreed to email and text messages unless a test says otherwise.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ipt.appointments import services as appointments
from ipt.appointments.models import Medium
from ipt.reminders import sms

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
NEXT_WEEK = dt.datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def fake_sms():
    sender = sms.FakeSmsSender()
    sms.use(sender)
    yield sender
    sms.use(None)


@pytest.fixture
def client_record(course):
    client = course.client
    client.email, client.mobile = "alex@example.org", "07700900123"
    client.consent_email = client.consent_sms = True
    client.save(update_fields=["email", "mobile", "consent_email", "consent_sms"])
    return client


@pytest.fixture
def book(course, client_record, django_capture_on_commit_callbacks):
    """`book(starts_at, kind)` books a telephone session through the appointments services, running
    what happens on commit (the reminders hook)."""

    def _book(starts_at=NEXT_WEEK, kind="treatment", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return appointments.book(
                course=course,
                kind=kind,
                starts_at=starts_at,
                minutes=50,
                medium=Medium.TELEPHONE,
                phone_number="01632 960 001",
                by=course.therapist,
                **extra,
            )

    return _book
