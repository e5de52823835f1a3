"""The client's own answer about homework (from the portal), and how the therapist sees it."""

import pytest
import time_machine
from django.urls import reverse

from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import open_course
from ipt.notes import presenters, services

from .support import sessions, text


def _client_events(task):
    return AuditEvent.objects.filter(
        object_type="notes.homeworktask", object_id=str(task.pk), actor__isnull=True
    ).order_by("sequence")


@pytest.fixture
def homework(course, therapist):
    first, second = sessions(course, 2)
    task = services.set_homework(appointment=first, description="Phone your sister", by=therapist)
    return {"first": first, "second": second, "task": task}


def test_the_client_answers_and_it_is_audited_as_the_client(course, homework):
    task = homework["task"]

    with time_machine.travel("2025-03-04 18:00:00+00:00", tick=False):
        services.record_client_homework(
            task=task, outcome="done", reflection="  We talked for an hour  ", client=course.client
        )

    task.refresh_from_db()
    assert (task.client_outcome, task.client_reflection) == ("done", "We talked for an hour")
    assert task.client_answered_at.isoformat() == "2025-03-04T18:00:00+00:00"
    assert (task.outcome, task.reflection, task.reviewed_at) == ("", "", None)
    event = _client_events(task).get()
    assert event.actor_label == f"client {course.client.reference}"
    assert event.client_id == course.client_id
    assert event.summary == "The client answered their homework: done"
    assert event.changes["client_outcome"] == ["", "done"]


def test_the_client_may_change_their_answer_with_before_and_after_audited(course, homework):
    task = homework["task"]
    services.record_client_homework(task=task, outcome="done", reflection="", client=course.client)

    services.record_client_homework(
        task=task, outcome="partly", reflection="Only once", client=course.client
    )
    services.record_client_homework(
        task=task, outcome="partly", reflection="Only once", client=course.client
    )

    change = _client_events(task).last()
    assert _client_events(task).count() == 2
    assert change.summary == "The client changed their answer to their homework: partly done"
    assert change.changes == {
        "client_outcome": ["done", "partly"],
        "client_reflection": ["", "Only once"],
    }


def test_the_client_cannot_answer_once_the_therapist_has_reviewed(course, homework, therapist):
    task = homework["task"]
    services.record_client_homework(task=task, outcome="done", reflection="", client=course.client)
    services.review_homework(task=task, at=homework["second"], outcome="partly", by=therapist)

    with pytest.raises(services.NotesRefused, match="already talked about this task"):
        services.record_client_homework(
            task=task, outcome="not_done", reflection="", client=course.client
        )

    task.refresh_from_db()
    assert (task.client_outcome, task.outcome) == ("done", "partly")
    assert _client_events(task).count() == 1


def test_a_client_cannot_answer_another_clients_homework(homework, therapist, site):
    someone_else = open_course(therapist=therapist, site=site).client

    with pytest.raises(services.NotesRefused, match="belongs to someone else"):
        services.record_client_homework(
            task=homework["task"], outcome="done", reflection="", client=someone_else
        )

    homework["task"].refresh_from_db()
    assert homework["task"].client_outcome == ""
    assert not _client_events(homework["task"]).exists()


@pytest.mark.parametrize(
    ("outcome", "reflection", "message"),
    [
        ("", "", "Select whether you did this task"),
        ("maybe", "", "Select whether you did this task"),
        ("done", "x" * 2001, "2,000 characters or fewer"),
    ],
)
def test_it_refuses_an_answer_it_cannot_record(course, homework, outcome, reflection, message):
    with pytest.raises(services.NotesRefused, match=message):
        services.record_client_homework(
            task=homework["task"], outcome=outcome, reflection=reflection, client=course.client
        )
    assert not _client_events(homework["task"]).exists()


def test_client_said_reads_the_answer_in_the_therapists_words(homework):
    task = homework["task"]
    assert presenters.client_said(task) == ""
    task.client_outcome, task.client_reflection = "done", "It helped"
    assert presenters.client_said(task) == "The client said: Done — It helped"
    task.client_reflection = ""
    assert presenters.client_said(task) == "The client said: Done"


def test_the_therapist_sees_the_answer_and_the_review_starts_from_it(
    as_user, course, homework, therapist
):
    task = homework["task"]
    services.record_client_homework(
        task=task, outcome="partly", reflection="Twice, not three times", client=course.client
    )
    http = as_user(therapist)
    review_url = reverse("notes:homework_review", args=[homework["second"].pk, task.pk])

    note_page = text(http.get(reverse("notes:note", args=[homework["second"].pk])))
    form = http.get(review_url)
    page = form.content.decode()

    assert "The client said: Partly done — Twice, not three times" in note_page
    assert "The client said: Partly done — Twice, not three times" in text(form)
    assert 'value="partly" checked' in page
    assert ">Twice, not three times</textarea>" in page


def test_a_reader_sees_the_answer_and_an_outsider_does_not(
    as_user, course, homework, supervisor, outsider
):
    services.record_client_homework(
        task=homework["task"], outcome="done", reflection="Good", client=course.client
    )
    note_url = reverse("notes:note", args=[homework["second"].pk])

    assert "The client said: Done — Good" in text(as_user(supervisor).get(note_url))
    assert as_user(outsider).get(note_url).status_code == 404
