"""The therapist reads what the client wrote in their diary since the last session on the
session's note page."""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from ipt.courses.tests.factories import add_appointment
from ipt.diaries.tests.support import write


def test_it_shows_the_diary_written_since_the_session_before(as_user, therapist, course):
    now = timezone.now()
    first = add_appointment(course, starts_at=now - dt.timedelta(days=14))
    second = add_appointment(course, starts_at=now - dt.timedelta(hours=1))
    with time_machine.travel(now - dt.timedelta(days=20)):
        write(course.client, what_happened="Before the first session", mood=2)
    with time_machine.travel(now - dt.timedelta(days=7)):
        write(course.client, what_happened="Spoke to Dev about the school run", mood=6)

    http = as_user(therapist)
    page = http.get(reverse("notes:note", args=[second.pk])).content.decode()
    assert "Spoke to Dev about the school run" in page
    assert "6 out of 10" in page
    assert "Before the first session" not in page

    first_page = http.get(reverse("notes:note", args=[first.pk])).content.decode()
    assert "Before the first session" in first_page
