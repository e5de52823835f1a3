import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import add_appointment, attend, open_course
from ipt.portal.models import AppointmentRequest

from .factories import browser_as, portal_account


@pytest.fixture
def portal(course):
    return browser_as(portal_account(course.client))


@pytest.fixture
def upcoming(course):
    attend(course, 5)
    return add_appointment(course, attendance="", starts_at=timezone.now() + dt.timedelta(days=2))


@pytest.fixture
def other_clients_appointment(therapist, site):
    other = open_course(therapist=therapist, site=site)
    portal_account(other.client)
    return add_appointment(other, attendance="", starts_at=timezone.now() + dt.timedelta(days=3))


def test_home_shows_the_next_appointment_progress_and_crisis_help(portal, upcoming):
    page = portal.get(reverse("portal:home")).content.decode()
    assert "Session 5 of 16" in page
    assert "Number we will call" in page and "07700900982" in page
    assert reverse("portal:appointment_ics", args=[upcoming.pk]) in page
    assert "If you need help now" in page
    assert reverse("portal:crisis") in page


def test_the_crisis_page_is_there_signed_in_or_not(portal):
    for http in (portal, HttpClient()):
        response = http.get(reverse("portal:crisis"))
        assert response.status_code == 200
        assert "Get help now" in response.content.decode()


def test_appointments_lists_upcoming_and_past(portal, upcoming):
    page = portal.get(reverse("portal:appointments")).content.decode()
    assert "Coming up" in page and "Ask to cancel or move this appointment" in page
    assert page.count("You attended") == 5


def test_an_appointment_downloads_as_a_calendar_file(portal, upcoming):
    response = portal.get(reverse("portal:appointment_ics", args=[upcoming.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content
    assert b"Northshire Talking Therapies" in response.content


def test_a_client_cannot_reach_another_clients_appointment(portal, other_clients_appointment):
    pk = other_clients_appointment.pk
    assert portal.get(reverse("portal:appointment_ics", args=[pk])).status_code == 404
    assert portal.get(reverse("portal:change_appointment", args=[pk])).status_code == 404
    response = portal.post(
        reverse("portal:change_appointment", args=[pk]), {"kind": "cancel", "reason": "Busy"}
    )
    assert response.status_code == 404
    assert not AppointmentRequest.objects.exists()


def test_a_client_asks_to_move_an_appointment(portal, upcoming, course):
    url = reverse("portal:change_appointment", args=[upcoming.pk])
    assert portal.get(url).status_code == 200

    response = portal.post(url, {"kind": "rebook", "reason": "A hospital appointment"})

    assert response.status_code == 302
    request = AppointmentRequest.objects.get()
    assert (request.kind, request.reason, request.client) == (
        "rebook",
        "A hospital appointment",
        course.client,
    )
    event = AuditEvent.objects.get(object_type="portal.appointmentrequest")
    assert event.actor is None and event.actor_label == f"client {course.client.pk}"
    page = portal.get(reverse("portal:appointments")).content.decode()
    assert "You have asked to change this appointment" in page


def test_asking_without_a_reason_keeps_what_was_chosen(portal, upcoming):
    url = reverse("portal:change_appointment", args=[upcoming.pk])
    response = portal.post(url, {"kind": "cancel", "reason": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Tell us why you need to change this appointment" in page
    assert 'value="cancel" checked' in page
    assert not AppointmentRequest.objects.exists()


def test_a_past_appointment_cannot_be_changed(portal, course):
    attend(course, 1)
    past = course.appointments.get()
    assert portal.get(reverse("portal:change_appointment", args=[past.pk])).status_code == 404


def _ask(portal, appointment):
    portal.post(
        reverse("portal:change_appointment", args=[appointment.pk]),
        {"kind": "cancel", "reason": "Work"},
    )
    return AppointmentRequest.objects.get(appointment=appointment)


def test_the_therapist_sees_open_requests_and_marks_them_dealt_with(
    portal, upcoming, as_user, therapist
):
    from ipt.portal.access import open_requests_for

    request = _ask(portal, upcoming)
    http = as_user(therapist)
    page = http.get(reverse("portal:requests")).content.decode()
    assert "Work" in page and "Mark as dealt with" in page
    assert open_requests_for(therapist).count() == 1

    response = http.post(
        reverse("portal:resolve_request", args=[request.pk]), {f"r{request.pk}-note": "Rebooked"}
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.resolved_by == therapist and request.resolution_note == "Rebooked"
    assert open_requests_for(therapist).count() == 0
    event = AuditEvent.objects.get(actor=therapist, object_type="portal.appointmentrequest")
    assert "Dealt with" in event.summary
    assert "There are no open requests" in http.get(reverse("portal:requests")).content.decode()


@pytest.mark.parametrize("persona", ["supervisor", "manager"])
def test_supervisors_and_managers_see_the_request(portal, upcoming, as_user, request, persona):
    _ask(portal, upcoming)
    page = as_user(request.getfixturevalue(persona)).get(reverse("portal:requests"))
    assert "Work" in page.content.decode()


def test_others_do_not_see_or_resolve_the_request(
    portal, upcoming, as_user, other_therapist, outsider
):
    request = _ask(portal, upcoming)
    for user in (other_therapist, outsider):
        http = as_user(user)
        assert "Work" not in http.get(reverse("portal:requests")).content.decode()
        url = reverse("portal:resolve_request", args=[request.pk])
        assert http.post(url, {}).status_code == 404
    request.refresh_from_db()
    assert request.resolved_at is None


def test_progress_shows_goals_and_only_an_agreed_formulation(portal, course, therapist):
    from ipt.formulations.models import FormulationVersion, Goal, GoalRating

    goal = Goal.objects.create(course=course, text="See friends each week", created_by=therapist)
    GoalRating.objects.create(
        goal=goal, score=4, rated_on=timezone.localdate(), created_by=therapist
    )
    formulation = FormulationVersion.objects.create(
        course=course,
        version=1,
        clinician_text="Clinician's working hypothesis",
        client_text="We will work on the changes since your move",
        created_by=therapist,
    )
    page = portal.get(reverse("portal:progress")).content.decode()
    assert "See friends each week" in page and "4" in page
    assert "We will work on the changes" not in page

    formulation.agreed_on = timezone.localdate()
    formulation.agreement_recorded_by = therapist
    formulation.save(update_fields=["agreed_on", "agreement_recorded_by"])
    page = portal.get(reverse("portal:progress")).content.decode()
    assert "We will work on the changes since your move" in page
    assert "Clinician's working hypothesis" not in page


def test_progress_puts_scores_in_plain_words():
    from ipt.portal.presenters import score_sentence

    assert score_sentence("PHQ9", "PHQ-9", 18, 9) == (
        "Your PHQ-9 score has gone down from 18 to 9. "
        "Lower scores mean fewer symptoms of depression."
    )
    assert score_sentence("GAD7", "GAD-7", 7, None).startswith("Your first GAD-7 score was 7.")
    assert "gone up from 5 to 8" in score_sentence("WSAS", "WSAS", 5, 8)


def test_homework_page_shows_the_last_sessions_tasks(portal, course, therapist):
    from ipt.notes.models import HomeworkTask

    attend(course, 2)
    first, last = course.appointments.order_by("starts_at")
    HomeworkTask.objects.create(course=course, set_at=first, description="Old", set_by=therapist)
    HomeworkTask.objects.create(
        course=course, set_at=last, description="Phone your sister", set_by=therapist
    )
    page = portal.get(reverse("portal:homework")).content.decode()
    assert "Phone your sister" in page and "Old" not in page


@pytest.mark.parametrize(
    "name", ["portal:home", "portal:appointments", "portal:progress", "portal:homework"]
)
def test_each_page_has_the_portal_header_and_no_staff_navigation(portal, name):
    page = portal.get(reverse(name)).content.decode()
    assert "Your IPT therapy" in page
    assert reverse("portal:sign_out") in page
    assert reverse("clients:list") not in page


def test_the_appointments_page_reads_the_same_number_of_queries_however_many(portal, course):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            portal.get(reverse("portal:appointments"))
        return len(captured)

    attend(course, 1)
    add_appointment(course, attendance="", starts_at=timezone.now() + dt.timedelta(days=1))
    few = queries()
    attend(course, 3)
    for days in (8, 15, 22):
        add_appointment(course, attendance="", starts_at=timezone.now() + dt.timedelta(days=days))
    assert queries() == few


def test_asking_twice_with_a_double_click_keeps_one_request(portal, upcoming):
    url = reverse("portal:change_appointment", args=[upcoming.pk])
    first = portal.post(url, {"kind": "cancel", "reason": "Work"})
    again = portal.post(url, {"kind": "cancel", "reason": "Work"})

    assert first.status_code == again.status_code == 302
    assert again["Location"] == reverse("portal:appointments")
    assert AppointmentRequest.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="portal.appointmentrequest").count() == 1


def test_asking_again_gives_back_the_open_request(course, upcoming):
    from ipt.portal import services

    first = services.ask_to_change(
        client=course.client, appointment=upcoming, kind="cancel", reason="Work"
    )
    again = services.ask_to_change(
        client=course.client, appointment=upcoming, kind="rebook", reason="Another reason"
    )
    assert again == first and again.kind == "cancel"


def test_a_calendar_file_is_not_kept_by_the_browser(portal, upcoming):
    response = portal.get(reverse("portal:appointment_ics", args=[upcoming.pk]))
    assert response["Cache-Control"] == "private, no-store"
    assert b"STATUS:CANCELLED" not in response.content


@pytest.mark.parametrize("code", ["2", "4"])
def test_a_cancelled_appointments_calendar_file_says_it_is_cancelled(portal, upcoming, code):
    upcoming.attendance, upcoming.recorded_at = code, timezone.now()
    upcoming.save(update_fields=["attendance", "recorded_at"])
    response = portal.get(reverse("portal:appointment_ics", args=[upcoming.pk]))
    assert response.status_code == 200
    assert b"STATUS:CANCELLED" in response.content
    assert response["Cache-Control"] == "private, no-store"
