"""Writing and changing diary entries: the rules, the course link and the audit trail."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from ipt.clients.tests.factories import ClientFactory
from ipt.core.models import AuditEvent
from ipt.diaries import queries, services
from ipt.diaries.models import DiaryEntry

from .support import write


def _events(entry):
    return AuditEvent.objects.filter(
        object_type="diaries.diaryentry", object_id=str(entry.pk)
    ).order_by("sequence")


def test_it_writes_an_entry_on_the_clients_open_course_audited_as_the_client(course):
    entry = write(course.client, mood=4, who_with="  Sam ", feelings="Tired")

    assert entry.course == course
    assert entry.who_with == "Sam"
    [event] = _events(entry)
    assert event.action == "create"
    assert event.actor is None
    assert event.actor_label == f"client {course.client.pk}"
    assert event.client_id == course.client_id
    assert event.changes["mood"] == [None, 4]


def test_it_keeps_an_entry_without_a_course_when_none_is_open(service, therapist):
    client = ClientFactory(service=service, created_by=therapist)

    assert write(client).course is None


@pytest.mark.parametrize("mood", [0, 10])
def test_it_accepts_the_ends_of_the_mood_scale(course, mood):
    assert write(course.client, mood=mood).mood == mood


@pytest.mark.parametrize("mood", [-1, 11])
def test_it_refuses_a_mood_outside_0_to_10(course, mood):
    with pytest.raises(services.DiaryRefused, match="Select your mood from 0 to 10"):
        write(course.client, mood=mood)
    assert not DiaryEntry.objects.exists()
    assert not AuditEvent.objects.filter(object_type="diaries.diaryentry").exists()


def test_the_database_refuses_a_mood_above_10(course):
    entry = write(course.client)
    with pytest.raises(IntegrityError):
        DiaryEntry.objects.filter(pk=entry.pk).update(mood=11)


def test_it_refuses_a_date_in_the_future(course):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(services.DiaryRefused, match="today or in the past"):
        write(course.client, happened_on=tomorrow)


def test_it_refuses_an_entry_with_nothing_about_what_happened(course):
    with pytest.raises(services.DiaryRefused, match="Enter what happened"):
        write(course.client, what_happened="   ")


def test_a_change_on_the_day_keeps_the_old_words_in_the_audit_log(course):
    entry = write(course.client, mood=3, what_happened="Rowed with Sam")

    services.change_entry(
        entry=entry,
        by=course.client,
        happened_on=entry.happened_on,
        what_happened="Rowed with Sam, then made up",
        mood=6,
    )

    entry.refresh_from_db()
    assert entry.mood == 6
    created, changed = _events(entry)
    assert changed.action == "update"
    assert changed.actor_label == f"client {course.client.pk}"
    assert changed.changes["what_happened"] == ["Rowed with Sam", "Rowed with Sam, then made up"]
    assert changed.changes["mood"] == [3, 6]


def test_it_refuses_a_change_after_the_day_it_was_written(course):
    with time_machine.travel(dt.datetime(2026, 3, 2, 21, 0, tzinfo=dt.UTC)):
        entry = write(course.client, mood=3)
    with (
        time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)),
        pytest.raises(services.DiaryRefused, match="on the day you wrote it"),
    ):
        services.change_entry(
            entry=entry,
            by=course.client,
            happened_on=entry.happened_on,
            what_happened="Changed later",
            mood=9,
        )
    entry.refresh_from_db()
    assert entry.mood == 3
    assert _events(entry).count() == 1


def test_it_refuses_a_change_by_another_client(course, other_course):
    entry = write(course.client)
    with pytest.raises(services.DiaryRefused, match="your own"):
        services.change_entry(
            entry=entry,
            by=other_course.client,
            happened_on=entry.happened_on,
            what_happened="Not mine",
            mood=1,
        )


def test_entries_since_gives_what_was_written_since_the_last_session(course):
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)):
        write(course.client, what_happened="Before the session")
    with time_machine.travel(dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)):
        after = write(course.client, what_happened="After the session")

    since = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
    assert queries.entries_since(course, since) == [after]


def test_timeline_items_give_date_label_and_mood_oldest_first(course):
    today = timezone.localdate()
    write(course.client, happened_on=today, mood=7, what_happened="Lunch with Priya")
    write(course.client, happened_on=today - dt.timedelta(days=3), mood=2, what_happened="A row")

    assert queries.timeline_items(course) == [
        (today - dt.timedelta(days=3), "Diary: A row", 2),
        (today, "Diary: Lunch with Priya", 7),
    ]
