"""The 24-hour time box and the booking form's own checks."""

import datetime as dt

import pytest

from ipt.appointments.forms import TimeField


@pytest.mark.parametrize(
    ("typed", "time"),
    [
        ("14:30", dt.time(14, 30)),
        ("9:05", dt.time(9, 5)),
        ("09.05", dt.time(9, 5)),
        ("0905", dt.time(9, 5)),
        (" 23:59 ", dt.time(23, 59)),
        ("00:00", dt.time(0, 0)),
    ],
)
def test_it_reads_a_24_hour_time(typed, time):
    assert TimeField(label_for_errors="the start time").clean(typed) == time


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the start time"),
        ("24:00", "The start time must be a real time, like 14:30"),
        ("12:60", "The start time must be a real time, like 14:30"),
        ("2pm", "The start time must be in hours and minutes, like 14:30"),
        ("14:3", "The start time must be in hours and minutes, like 14:30"),
    ],
)
def test_it_explains_a_time_it_cannot_read(typed, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        TimeField(label_for_errors="the start time").clean(typed)
    assert refused.value.messages == [message]


def test_it_shows_a_stored_time_as_hours_and_minutes():
    assert TimeField().prepare_value(dt.time(9, 5)) == "09:05"
