"""The appointment pages, for each persona: happy paths, outsiders, invalid input, query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from markupsafe import escape

from ipt.appointments.models import Kind, Medium
from ipt.appointments.tests.conftest import at
from ipt.appointments.tests.factories import AppointmentFactory, history
from ipt.core.models import AuditEvent
from ipt.courses import services as courses
from ipt.courses.tests.factories import open_course
from ipt.organisations.tests.factories import ClosureDateFactory


def _page(response) -> str:
    return response.content.decode()


def _when(prefix: str, starts_at: dt.datetime) -> dict[str, str]:
    return {
        f"{prefix}_day": str(starts_at.day),
        f"{prefix}_month": str(starts_at.month),
        f"{prefix}_year": str(starts_at.year),
        "time": f"{starts_at:%H:%M}",
    }


def _booking(starts_at, **changes) -> dict[str, str]:
    return {
        "kind": "treatment",
        **_when("date", starts_at),
        "minutes": "50",
        "medium": "telephone",
        "site": "",
        "room": "",
        "phone_number": "01632 960 001",
        "attendees": ["client"],
    } | changes


def _events(action="create"):
    return AuditEvent.objects.filter(object_type="appointments.appointment", action=action)


def _complete(course):
    courses.change_status(course=course, to_status="treatment", by=course.therapist)
    courses.change_status(
        course=course, to_status="completed", by=course.therapist, reason_code="planned_ending"
    )


WRITE_PAGES = ["book", "book_series"]
APPOINTMENT_PAGES = ["detail", "move", "record", "rebook"]


@pytest.mark.parametrize("persona", ["other_therapist", "outsider"])
@pytest.mark.parametrize("name", ["course", "book", "book_series", "boosters"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_a_courses_appointments_from_outsiders(
    request, as_user, course, persona, name, method
):
    if name == "course" and method == "post":
        return
    url = reverse(f"appointments:{name}", kwargs={"pk": course.pk})
    response = getattr(as_user(request.getfixturevalue(persona)), method)(
        url, _booking(at("2026-11-26"))
    )
    assert response.status_code == 404
    assert not course.appointments.exists()


@pytest.mark.parametrize("persona", ["other_therapist", "outsider"])
@pytest.mark.parametrize("name", APPOINTMENT_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_an_appointment_from_outsiders(request, as_user, course, persona, name, method):
    if name == "detail" and method == "post":
        return
    if name == "move":
        appointment = AppointmentFactory(course=course, starts_at=at("2026-11-26"))
    else:
        appointment = AppointmentFactory(
            course=course, starts_at=at("2026-11-23"), attendance="3", outcome=True
        )
    url = reverse(f"appointments:{name}", kwargs={"pk": appointment.pk})
    data = {**_when("date", at("2026-11-27")), "minutes": "50", "attendance": "5", "reason": "x"}
    response = getattr(as_user(request.getfixturevalue(persona)), method)(url, data)
    assert response.status_code == 404
    assert course.appointments.count() == 1
    assert not _events("update").exists()


def test_it_lists_a_courses_appointments_with_session_phase_medium_and_outcome(
    as_user, therapist, course, site, room
):
    history(course, ["5", "5", "5", "5", "3"], first=at("2026-10-20"))
    AppointmentFactory(
        course=course,
        kind=Kind.ASSESSMENT,
        starts_at=at("2026-10-13"),
        attendance="5",
        outcome=True,
    )
    AppointmentFactory(
        course=course,
        starts_at=at("2026-11-26"),
        medium=Medium.FACE_TO_FACE,
        site=site,
        room=room,
        phone_number="",
    )
    response = as_user(therapist).get(reverse("appointments:course", kwargs={"pk": course.pk}))
    assert response.status_code == 200
    html = _page(response)
    assert "Session 4 of 16 · initial phase" in html
    assert "Session 4 · initial phase" in html
    assert "Session 5 (expected) · middle phase" in html
    assert "Thursday 26 November 2026, 10:00" in html
    assert "Face to face, Room 1, Riverside Centre" in html
    assert "Did not attend" in html and "Attended" in html
    assert "Assessment" in html
    assert "Record outcome" in html and "Rebook" in html
    assert "Review this course" not in html


def test_it_warns_when_the_course_needs_review(as_user, therapist, course):
    history(course, ["5", "3", "2", "3"], first=at("2026-10-27"))
    html = _page(as_user(therapist).get(reverse("appointments:course", kwargs={"pk": course.pk})))
    assert "Review this course" in html
    assert "missed 2 sessions in a row" in html


@pytest.mark.parametrize("persona", ["supervisor", "manager", "administrator"])
def test_it_shows_the_appointments_to_those_who_manage_the_course(
    request, as_user, course, persona
):
    AppointmentFactory(course=course, starts_at=at("2026-11-26"))
    response = as_user(request.getfixturevalue(persona)).get(
        reverse("appointments:course", kwargs={"pk": course.pk})
    )
    assert response.status_code == 200
    assert "Thursday 26 November 2026, 10:00" in _page(response)


def test_it_lists_appointments_in_a_fixed_number_of_queries(
    as_user, therapist, course, django_assert_max_num_queries
):
    url = reverse("appointments:course", kwargs={"pk": course.pk})
    history(course, ["5"] * 3 + [""] * 2, first=at("2026-11-01"))
    http = as_user(therapist)
    with CaptureQueriesContext(connection) as few:
        http.get(url)
    history(course, [""] * 35, first=at("2027-01-01"), every_days=1)
    with django_assert_max_num_queries(len(few)):
        response = http.get(url)
    assert _page(response).count('class="nhsuk-table__row"') == 41


@pytest.mark.parametrize("persona", ["therapist", "administrator"])
def test_it_books_an_appointment(request, as_user, course, persona):
    user = request.getfixturevalue(persona)
    http = as_user(user)
    url = reverse("appointments:book", kwargs={"pk": course.pk})
    page = _page(http.get(url))
    assert "Book an appointment" in page
    response = http.post(url, _booking(at("2026-11-26", "14:30")))
    assert response["Location"] == reverse("appointments:course", kwargs={"pk": course.pk})
    appointment = course.appointments.get()
    assert appointment.starts_at == at("2026-11-26", "14:30")
    assert appointment.created_by == user
    assert _events().get().actor == user
    followed = _page(http.get(response["Location"]))
    assert "Appointment booked for Thursday 26 November 2026, 14:30" in followed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time": ""}, "Enter the start time"),
        ({"time": "25:00"}, "The start time must be a real time, like 14:30"),
        ({"time": "2pm"}, "The start time must be in hours and minutes, like 14:30"),
        ({"date_day": "31", "date_month": "2"}, "must be a real date"),
        ({"medium": "face_to_face", "site": ""}, "Select the site for a face-to-face appointment"),
        ({"phone_number": ""}, "Enter the number we will call"),
        ({"phone_number": "call me"}, "Enter a phone number, like 01632 960 001"),
        ({"attendees": []}, "Select who attends"),
        ({"minutes": "500"}, "The length must be between 15 and 180 minutes"),
        ({"kind": "booster"}, "Select a valid choice"),
    ],
)
def test_it_refuses_an_invalid_booking_with_422(as_user, therapist, course, changes, message):
    response = as_user(therapist).post(
        reverse("appointments:book", kwargs={"pk": course.pk}),
        _booking(at("2026-11-26"), **changes),
    )
    assert response.status_code == 422
    html = _page(response)
    assert escape(message) in html or message in html
    assert "<title>Error: " in html
    assert not course.appointments.exists()
    assert not _events().exists()


def test_it_refuses_a_clash_with_422_and_saves_nothing(as_user, therapist, course, site):
    other = open_course(therapist=therapist, site=site)
    AppointmentFactory(course=other, starts_at=at("2026-11-26", "10:00"))
    response = as_user(therapist).post(
        reverse("appointments:book", kwargs={"pk": course.pk}),
        _booking(at("2026-11-26", "10:20")),
    )
    assert response.status_code == 422
    assert "Tessa Marlow is already booked" in _page(response)
    assert not course.appointments.exists()


def test_it_books_a_series_skipping_a_closure(as_user, therapist, course, service):
    ClosureDateFactory(service=service, date=dt.date(2026, 12, 29), reason="Christmas closure")
    http = as_user(therapist)
    url = reverse("appointments:book_series", kwargs={"pk": course.pk})
    page = _page(http.get(url))
    assert "The contract plans 16 sessions" in page
    assert 'value="16"' in page
    data = _booking(at("2026-12-15"), count="3", every_days="7")
    response = http.post(url, data)
    assert response["Location"] == reverse("appointments:course", kwargs={"pk": course.pk})
    days = [a.starts_at.date() for a in course.appointments.all()]
    assert days == [dt.date(2026, 12, 15), dt.date(2026, 12, 22), dt.date(2027, 1, 5)]
    assert _events().count() == 3
    assert "3 appointments booked" in _page(http.get(response["Location"]))


def test_it_refuses_a_clashing_series_with_422(as_user, therapist, course, site):
    AppointmentFactory(
        course=open_course(therapist=therapist, site=site), starts_at=at("2026-12-22")
    )
    response = as_user(therapist).post(
        reverse("appointments:book_series", kwargs={"pk": course.pk}),
        _booking(at("2026-12-15"), count="3", every_days="7"),
    )
    assert response.status_code == 422
    assert "Tuesday 22 December 2026, 10:00" in _page(response)
    assert not course.appointments.exists()


def test_it_schedules_boosters_after_a_completed_course(as_user, therapist, course):
    url = reverse("appointments:boosters", kwargs={"pk": course.pk})
    http = as_user(therapist)
    assert http.get(url).status_code == 404
    _complete(course)
    assert "Schedule booster sessions" in _page(http.get(url))
    response = http.post(url, _booking(at("2027-01-12"), count="2", every_days="56"))
    assert response["Location"] == reverse("appointments:course", kwargs={"pk": course.pk})
    html = _page(http.get(response["Location"]))
    assert "Booster 1 (expected)" in html and "Booster 2 (expected)" in html
    assert {a.kind for a in course.appointments.all()} == {Kind.BOOSTER}


def test_it_refuses_invalid_boosters_with_422(as_user, therapist, course):
    _complete(course)
    response = as_user(therapist).post(
        reverse("appointments:boosters", kwargs={"pk": course.pk}),
        _booking(at("2027-01-12"), count="", every_days="56"),
    )
    assert response.status_code == 422
    assert "Enter the number of boosters to book" in _page(response)
    assert not course.appointments.exists()


def test_it_shows_how_to_join_a_face_to_face_appointment(as_user, therapist, course, site, room):
    appointment = AppointmentFactory(
        course=course,
        starts_at=at("2026-11-26"),
        medium=Medium.FACE_TO_FACE,
        site=site,
        room=room,
        phone_number="",
    )
    html = _page(
        as_user(therapist).get(reverse("appointments:detail", kwargs={"pk": appointment.pk}))
    )
    assert "Thursday 26 November 2026, 10:00" in html
    assert "Riverside Centre" in html and "1 High Street" in html and "Room 1" in html
    assert "Session 1 (expected) · initial phase" in html


def test_it_shows_the_number_we_will_call(as_user, therapist, course):
    appointment = AppointmentFactory(course=course, phone_number="07700 900 982")
    html = _page(
        as_user(therapist).get(reverse("appointments:detail", kwargs={"pk": appointment.pk}))
    )
    assert "Number we will call" in html and "07700 900 982" in html


def test_it_shows_the_video_link(as_user, therapist, course, video_service):
    appointment = AppointmentFactory(course=course, medium=Medium.VIDEO, phone_number="")
    html = _page(
        as_user(therapist).get(reverse("appointments:detail", kwargs={"pk": appointment.pk}))
    )
    link = f"https://video.example.nhs.uk/ipt/{appointment.video_room_token}"
    assert f'<a href="{link}">' in html


def test_it_moves_an_appointment(as_user, therapist, course):
    appointment = AppointmentFactory(course=course, starts_at=at("2026-11-26"))
    url = reverse("appointments:move", kwargs={"pk": appointment.pk})
    http = as_user(therapist)
    page = _page(http.get(url))
    assert 'value="10:00"' in page and 'value="26"' in page
    response = http.post(url, {**_when("date", at("2026-11-27", "11:00")), "minutes": "50"})
    assert response["Location"] == reverse("appointments:course", kwargs={"pk": course.pk})
    appointment.refresh_from_db()
    assert appointment.starts_at == at("2026-11-27", "11:00")
    assert _events("update").get().actor == therapist
    assert (
        "Appointment moved from Thursday 26 November 2026, 10:00 to Friday 27 November 2026, 11:00"
        in _page(http.get(response["Location"]))
    )


def test_it_refuses_an_invalid_move_with_422(as_user, therapist, course, service):
    ClosureDateFactory(service=service, date=dt.date(2026, 12, 25), reason="Christmas Day")
    appointment = AppointmentFactory(course=course, starts_at=at("2026-11-26"))
    response = as_user(therapist).post(
        reverse("appointments:move", kwargs={"pk": appointment.pk}),
        {**_when("date", at("2026-12-25")), "minutes": "50"},
    )
    assert response.status_code == 422
    assert "The service is closed on Friday 25 December 2026 (Christmas Day)" in _page(response)
    appointment.refresh_from_db()
    assert appointment.starts_at == at("2026-11-26")


def test_it_does_not_move_a_recorded_appointment(as_user, therapist, course):
    appointment = AppointmentFactory(
        course=course, starts_at=at("2026-11-23"), attendance="5", outcome=True
    )
    response = as_user(therapist).get(reverse("appointments:move", kwargs={"pk": appointment.pk}))
    assert response.status_code == 404


def test_it_records_the_outcome_and_starts_treatment(as_user, therapist, course):
    appointment = AppointmentFactory(course=course, starts_at=at("2026-11-24", "08:00"))
    url = reverse("appointments:record", kwargs={"pk": appointment.pk})
    http = as_user(therapist)
    page = _page(http.get(url))
    assert "Record the outcome" in page and "6: Arrived late but was seen" in page
    assert "Reason for the change" not in page
    response = http.post(url, {"attendance": "5"})
    assert response["Location"] == reverse("appointments:course", kwargs={"pk": course.pk})
    appointment.refresh_from_db()
    assert appointment.attendance == "5" and appointment.consultation_mechanism == "02"
    course.refresh_from_db()
    assert course.status == "treatment"
    followed = _page(http.get(response["Location"]))
    assert "Outcome recorded for Tuesday 24 November 2026, 08:00: attended" in followed
    assert "Session 1 of 16 · initial phase" in followed


def test_it_warns_after_the_second_missed_session(as_user, therapist, course):
    history(course, ["3"], first=at("2026-11-17"))
    appointment = AppointmentFactory(course=course, starts_at=at("2026-11-24", "08:00"))
    http = as_user(therapist)
    response = http.post(
        reverse("appointments:record", kwargs={"pk": appointment.pk}), {"attendance": "3"}
    )
    html = _page(http.get(response["Location"]))
    assert "The client has missed 2 sessions in a row. Review the course" in html


def test_it_refuses_to_record_attendance_in_the_future_with_422(as_user, therapist, course):
    appointment = AppointmentFactory(course=course, starts_at=at("2026-11-26"))
    response = as_user(therapist).post(
        reverse("appointments:record", kwargs={"pk": appointment.pk}), {"attendance": "5"}
    )
    assert response.status_code == 422
    assert "This appointment has not happened yet" in _page(response)
    assert "You can record a cancellation now" in _page(response)
    appointment.refresh_from_db()
    assert not appointment.attendance


def test_it_needs_a_reason_to_change_an_outcome(as_user, therapist, course):
    appointment = AppointmentFactory(
        course=course, starts_at=at("2026-11-23"), attendance="3", outcome=True
    )
    url = reverse("appointments:record", kwargs={"pk": appointment.pk})
    http = as_user(therapist)
    assert "Reason for the change" in _page(http.get(url))
    response = http.post(url, {"attendance": "5", "reason": ""})
    assert response.status_code == 422
    assert "Enter the reason for changing what was recorded" in _page(response)
    response = http.post(url, {"attendance": "5", "reason": "Recorded on the wrong client"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.attendance == "5"
    assert _events("update").get().changes["attendance"] == ["3", "5"]


def test_it_refuses_an_empty_outcome_with_422(as_user, therapist, course):
    appointment = AppointmentFactory(course=course, starts_at=at("2026-11-23"))
    response = as_user(therapist).post(
        reverse("appointments:record", kwargs={"pk": appointment.pk}), {}
    )
    assert response.status_code == 422
    assert "Select what happened at the appointment" in _page(response)


def test_it_rebooks_a_missed_appointment(as_user, therapist, course):
    appointment = AppointmentFactory(
        course=course, starts_at=at("2026-11-23"), attendance="3", outcome=True
    )
    url = reverse("appointments:rebook", kwargs={"pk": appointment.pk})
    http = as_user(therapist)
    assert "3: Did not attend, no warning" in _page(http.get(url))
    response = http.post(url, _when("date", at("2026-11-27", "09:30")))
    assert response["Location"] == reverse("appointments:course", kwargs={"pk": course.pk})
    again = course.appointments.get(rebooked_from=appointment)
    assert again.starts_at == at("2026-11-27", "09:30")
    assert _events().get().object_id == str(again.pk)
    detail = _page(http.get(reverse("appointments:detail", kwargs={"pk": appointment.pk})))
    assert "Rebooked for" in detail and "Friday 27 November 2026, 09:30" in detail


def test_it_refuses_to_rebook_an_attended_appointment_with_422(as_user, therapist, course):
    appointment = AppointmentFactory(
        course=course, starts_at=at("2026-11-23"), attendance="5", outcome=True
    )
    response = as_user(therapist).post(
        reverse("appointments:rebook", kwargs={"pk": appointment.pk}),
        _when("date", at("2026-11-27")),
    )
    assert response.status_code == 422
    assert "The client was seen at this appointment" in _page(response)
    assert course.appointments.count() == 1


class TestDiary:
    def _fill(self, course):
        history(course, ["5", "5"], first=at("2026-11-10"))
        AppointmentFactory(course=course, starts_at=at("2026-11-24", "11:00"))
        AppointmentFactory(
            course=course, starts_at=at("2026-11-26", "14:00"), medium=Medium.VIDEO, phone_number=""
        )

    def test_it_shows_a_therapist_today_and_the_week(self, as_user, therapist, course):
        self._fill(course)
        response = as_user(therapist).get(reverse("appointments:diary"))
        assert response.status_code == 200
        html = _page(response)
        assert "<h1>Your diary</h1>" in html
        assert "Today, Tuesday 24 November 2026" in html
        assert "Week beginning Monday 23 November 2026" in html
        assert "11:00 to 11:50" in html and "14:00 to 14:50" in html
        assert "Session 3 (expected) · initial phase · Telephone" in html
        assert "Session 4 (expected) · initial phase · Video" in html
        assert escape(course.client.full_name) in html
        assert "Tuesday 10 November" not in html
        assert "?week=2026-11-16" in html and "?week=2026-11-30" in html

    def test_it_shows_another_week_and_the_closures(self, as_user, therapist, course, service):
        ClosureDateFactory(service=service, date=dt.date(2026, 12, 25), reason="Christmas Day")
        AppointmentFactory(course=course, starts_at=at("2026-12-22"))
        html = _page(as_user(therapist).get(reverse("appointments:diary"), {"week": "2026-12-24"}))
        assert "Week beginning Monday 21 December 2026" in html
        assert "Tuesday 22 December 2026" in html
        assert "The service is closed: Christmas Day" in html
        assert "Go to this week" in html

    def test_it_lets_a_manager_see_any_therapists_diary(self, as_user, manager, therapist, course):
        self._fill(course)
        http = as_user(manager)
        chooser = http.get(reverse("appointments:diary"))
        assert chooser.status_code == 200
        assert "Choose a therapist to see their diary" in _page(chooser)
        assert "Tessa Marlow" in _page(chooser)
        response = http.get(reverse("appointments:diary"), {"therapist": therapist.pk})
        html = _page(response)
        assert "Diary of Tessa Marlow" in html
        assert "11:00 to 11:50" in html
        assert f"therapist={therapist.pk}" in html

    @pytest.mark.parametrize(
        "persona", ["other_therapist", "supervisor", "administrator", "outsider"]
    )
    def test_it_hides_a_therapists_diary_from_others(
        self, request, as_user, therapist, course, persona
    ):
        self._fill(course)
        response = as_user(request.getfixturevalue(persona)).get(
            reverse("appointments:diary"), {"therapist": therapist.pk}
        )
        assert response.status_code == 404

    def test_it_shows_a_colleague_only_their_own_diary(self, as_user, other_therapist, course):
        self._fill(course)
        html = _page(as_user(other_therapist).get(reverse("appointments:diary")))
        assert "No appointments today." in html
        assert escape(course.client.full_name) not in html

    def test_it_has_no_diary_for_an_administrator(self, as_user, administrator):
        response = as_user(administrator).get(reverse("appointments:diary"))
        assert response.status_code == 404

    def test_it_offers_a_manager_only_their_own_services_therapists(
        self, as_user, outsider, therapist
    ):
        html = _page(as_user(outsider).get(reverse("appointments:diary")))
        assert "Choose a therapist to see their diary" in html
        assert "Tessa Marlow" not in html

    @pytest.mark.parametrize("week", ["soon", "2026-02-30", "0001-01-01", "9999-12-31"])
    def test_it_refuses_a_week_it_cannot_show(self, as_user, therapist, week):
        response = as_user(therapist).get(reverse("appointments:diary"), {"week": week})
        assert response.status_code == 404

    def test_it_shows_the_week_in_a_fixed_number_of_queries(
        self, as_user, therapist, site, django_assert_max_num_queries
    ):
        def book_week(count):
            for n in range(count):
                course = open_course(therapist=therapist, site=site)
                history(course, ["5"], first=at("2026-11-17", "08:00"))
                AppointmentFactory(
                    course=course,
                    starts_at=at("2026-11-23", "07:00") + dt.timedelta(hours=n % 12, days=n // 12),
                    ends_at=at("2026-11-23", "07:00")
                    + dt.timedelta(hours=n % 12, days=n // 12, minutes=50),
                )

        http = as_user(therapist)
        book_week(5)
        with CaptureQueriesContext(connection) as few:
            http.get(reverse("appointments:diary"))
        book_week(35)
        with django_assert_max_num_queries(len(few)):
            response = http.get(reverse("appointments:diary"))
        assert len(re.findall(r"Session 2 \(expected\)", _page(response))) >= 40


def test_the_navigation_links_therapists_and_managers_to_the_diary(
    as_user, therapist, manager, administrator
):
    diary = reverse("appointments:diary")
    assert f'href="{diary}"' in _page(as_user(therapist).get(reverse("core:home")))
    assert f'href="{diary}"' in _page(as_user(manager).get(reverse("core:home")))
    assert f'href="{diary}"' not in _page(as_user(administrator).get(reverse("core:home")))
