"""Homework in the portal: the client tells their therapist how each task went."""

import re

import pytest
from django.urls import reverse

from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import attend, open_course
from ipt.notes import services as notes

from .factories import browser_as, portal_account


def _text(response) -> str:
    page = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#39;", "'")


@pytest.fixture
def portal(course):
    return browser_as(portal_account(course.client))


@pytest.fixture
def task(course, therapist):
    attend(course, 2)
    first, last = course.appointments.order_by("starts_at")
    notes.set_homework(appointment=first, description="Old task", by=therapist)
    return notes.set_homework(appointment=last, description="Phone your sister", by=therapist)


def _answer_url(task) -> str:
    return reverse("portal:homework_answer", args=[task.pk])


def test_the_homework_page_links_each_task_of_the_last_session_to_its_answer(portal, task):
    page = portal.get(reverse("portal:homework"))

    assert "Phone your sister" in _text(page) and "Old task" not in _text(page)
    assert "Tell us how it went" in _text(page)
    assert _answer_url(task) in page.content.decode()


def test_the_client_answers_a_task_and_sees_their_answer(portal, course, task):
    form = portal.get(_answer_url(task))
    response = portal.post(
        _answer_url(task), {"outcome": "partly", "reflection": "We spoke once"}, follow=True
    )

    assert form.status_code == 200 and "Did you do this task?" in _text(form)
    assert "I did some of it" in _text(form)
    assert response.redirect_chain[-1][0] == reverse("portal:homework")
    page = _text(response)
    assert "Your answer has been saved" in page
    assert "You did some of it" in page and "You said: We spoke once" in page
    assert "Change your answer" in page
    event = AuditEvent.objects.get(object_type="notes.homeworktask", actor__isnull=True)
    assert event.actor_label == f"client {course.client.reference}"
    assert event.client_id == course.client_id
    assert event.summary == "The client answered their homework: partly done"


def test_the_client_can_change_their_answer_and_the_form_shows_it(portal, task):
    portal.post(_answer_url(task), {"outcome": "done", "reflection": "Yes"})

    form = portal.get(_answer_url(task)).content.decode()
    portal.post(_answer_url(task), {"outcome": "not_done", "reflection": "I forgot"})

    assert 'value="done" checked' in form and ">Yes</textarea>" in form
    task.refresh_from_db()
    assert (task.client_outcome, task.client_reflection) == ("not_done", "I forgot")
    change = AuditEvent.objects.filter(object_type="notes.homeworktask", actor__isnull=True).latest(
        "sequence"
    )
    assert change.changes["client_outcome"] == ["done", "not_done"]


def test_an_answer_without_a_choice_is_refused_and_keeps_what_was_typed(portal, task):
    response = portal.post(_answer_url(task), {"reflection": "It was hard to find the time"})

    assert response.status_code == 422
    page = response.content.decode()
    assert "Select whether you did this task" in page
    assert "<title>Error: " in page
    assert ">It was hard to find the time</textarea>" in page
    task.refresh_from_db()
    assert task.client_outcome == ""


def test_a_task_the_therapist_has_reviewed_cannot_be_answered(portal, course, task, therapist):
    attend(course, 1)
    later = course.appointments.order_by("starts_at").last()
    notes.review_homework(task=task, at=later, outcome="done", by=therapist)

    page = portal.get(_answer_url(task))
    response = portal.post(_answer_url(task), {"outcome": "not_done", "reflection": "No"})

    assert "you cannot change your answer here" in _text(page)
    assert "Save your answer" not in _text(page)
    assert response.status_code == 422 and "already talked about this task" in _text(response)
    task.refresh_from_db()
    assert task.client_outcome == ""


def test_another_clients_task_is_not_found(portal, therapist, site):
    other = open_course(therapist=therapist, site=site)
    attend(other, 1)
    theirs = notes.set_homework(
        appointment=other.appointments.get(), description="Walk daily", by=therapist
    )

    assert portal.get(_answer_url(theirs)).status_code == 404
    assert portal.post(_answer_url(theirs), {"outcome": "done"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.client_outcome == ""


def test_answering_needs_a_signed_in_client(client, task, as_user, therapist):
    signed_out = client.get(_answer_url(task))
    staff = as_user(therapist).get(_answer_url(task))

    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("portal:sign_in"))
    assert staff.status_code == 302 and staff["Location"].startswith(reverse("portal:sign_in"))


def test_an_answer_typed_when_signed_out_for_being_idle_is_kept_for_after_signing_in(
    portal, course, task
):
    import datetime as dt
    from urllib.parse import parse_qs, urlsplit

    import time_machine
    from django.utils import timezone

    from ipt.portal.kept import KEPT_KEY

    from .factories import PASSWORD

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        portal.get(_answer_url(task))
        traveller.shift(dt.timedelta(minutes=31))
        timed_out = portal.post(
            _answer_url(task),
            {"outcome": "partly", "reflection": "We spoke once", "password": "not kept"},
        )
        assert timed_out.status_code == 302 and "timed_out=1" in timed_out.url
        assert set(portal.session[KEPT_KEY]["data"]) == {"outcome", "reflection"}
        task.refresh_from_db()
        assert task.client_reflection == ""

        next_url = parse_qs(urlsplit(timed_out.url).query)["next"][0]
        signed_in = portal.post(
            reverse("portal:sign_in"),
            {"email": course.client.portal_account.email, "password": PASSWORD, "next": next_url},
        )
        assert signed_in.url == _answer_url(task)
        back = portal.get(signed_in.url)
        again = portal.get(_answer_url(task))

    assert back.status_code == 200
    assert "You were signed out before this was saved" in _text(back)
    assert "We spoke once" in _text(back)
    assert 'value="partly" checked' in back.content.decode()
    assert "We spoke once" not in _text(again)
