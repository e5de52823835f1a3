"""The staff pages: a client's messages, failed messages, reminder settings, and the therapist's
calendar feed. Each has a happy path, a read-only or wrong role, and an outsider (404)."""

import datetime as dt
import re

import icalendar
import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from ipt.accounts import services as accounts
from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import add_appointment
from ipt.reminders import services
from ipt.reminders.models import CalendarFeed, Message, Status

from .conftest import LONDON, NEXT_WEEK, NOW


@pytest.fixture
def failed_message(book):
    message = Message.objects.get(appointment=book(), kind="appointment_48h", channel="sms")
    message.status, message.attempts = Status.FAILED, 4
    message.last_error = "SmsFailed: GOV.UK Notify refused the message"
    message.save(update_fields=["status", "attempts", "last_error"])
    return message


def _messages_url(client):
    return reverse("reminders:client_messages", kwargs={"pk": client.pk})


def _retry_url(message):
    return reverse("reminders:retry", kwargs={"pk": message.client_id, "message_pk": message.pk})


class TestClientMessages:
    def test_the_therapist_sees_each_message_with_its_status(
        self, as_user, therapist, failed_message, client_record
    ):
        page = as_user(therapist).get(_messages_url(client_record))
        assert page.status_code == 200
        html = page.content.decode()
        assert f"Messages to {client_record.full_name}" in html
        assert "Gave up after 4 attempts. Last error: SmsFailed: GOV.UK Notify refused" in html
        assert "To be sent Monday 9 March 2026, 08:00" in html
        assert "Try again" in html

    def test_an_administrator_sees_them_and_may_try_again(
        self, as_user, administrator, failed_message, client_record
    ):
        page = as_user(administrator).get(_messages_url(client_record))
        assert page.status_code == 200
        assert "Try again" in page.content.decode()

    def test_an_outsider_gets_404(self, as_user, outsider, client_record):
        assert as_user(outsider).get(_messages_url(client_record)).status_code == 404

    def test_another_therapist_gets_404(self, as_user, other_therapist, client_record):
        assert as_user(other_therapist).get(_messages_url(client_record)).status_code == 404


class TestRetry:
    def test_the_therapist_tries_a_failed_message_again(
        self, as_user, therapist, failed_message, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = as_user(therapist).post(_retry_url(failed_message), follow=True)
        assert "will be tried again" in response.content.decode()
        failed_message.refresh_from_db()
        assert failed_message.status == Status.SCHEDULED
        assert failed_message.scheduled_for == NOW
        event = AuditEvent.objects.filter(
            actor=therapist, object_id=str(failed_message.pk), action="update"
        ).get()
        assert event.summary == "Asked to try the appointment reminder by text message again"

    def test_a_read_only_viewer_gets_403(self, as_user, therapist, failed_message, other_therapist):
        from ipt.clients.models import BreakGlassAccess

        BreakGlassAccess.objects.create(
            user=other_therapist,
            client_id=failed_message.client_id,
            reason="Covering a crisis call",
            granted_at=NOW,
            expires_at=NOW + dt.timedelta(hours=1),
        )
        http = as_user(other_therapist)
        assert http.get(_messages_url(failed_message.client)).status_code == 200
        assert http.post(_retry_url(failed_message)).status_code == 403
        failed_message.refresh_from_db()
        assert failed_message.status == Status.FAILED

    def test_an_outsider_gets_404(self, as_user, outsider, failed_message):
        assert as_user(outsider).post(_retry_url(failed_message)).status_code == 404


class TestFailed:
    def test_a_manager_sees_the_services_failed_messages(self, as_user, manager, failed_message):
        page = as_user(manager).get(reverse("reminders:failed"))
        assert page.status_code == 200
        assert failed_message.client.full_name in page.content.decode()

    def test_a_therapist_gets_404(self, as_user, therapist):
        assert as_user(therapist).get(reverse("reminders:failed")).status_code == 404

    def test_an_outsider_sees_none_of_ours(self, as_user, outsider, failed_message):
        page = as_user(outsider).get(reverse("reminders:failed"))
        assert failed_message.client.full_name not in page.content.decode()


class TestSettings:
    def _data(self, **changes):
        data = {}
        for kind, hours in (
            ("appointment_48h", 48),
            ("appointment_2h", 2),
            ("questionnaires", 48),
            ("questionnaires_nudge", 24),
            ("homework", 72),
        ):
            data[f"{kind}_on"] = "on"
            data[f"{kind}_hours"] = str(hours)
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    def test_a_manager_changes_when_reminders_go(self, as_user, manager, service):
        http = as_user(manager)
        assert http.get(reverse("reminders:settings")).status_code == 200
        response = http.post(
            reverse("reminders:settings"),
            self._data(appointment_2h_hours="3", homework_on=None),
            follow=True,
        )
        assert "Reminder settings saved" in response.content.decode()
        saved = services.settings_for(service)
        assert (saved.appointment_2h_hours, saved.homework_on) == (3, False)
        assert AuditEvent.objects.get(object_type="reminders.remindersettings").actor == manager

    def test_an_invalid_time_is_shown_with_422(self, as_user, administrator):
        response = as_user(administrator).post(
            reverse("reminders:settings"), self._data(questionnaires_hours="0")
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "Error: Reminders" in html
        assert "Enter a number of hours between 1 and 336 for the questionnaire request" in html
        assert not AuditEvent.objects.filter(object_type="reminders.remindersettings").exists()

    def test_a_therapist_gets_404(self, as_user, therapist):
        assert as_user(therapist).get(reverse("reminders:settings")).status_code == 404

    def test_a_manager_sets_a_neutral_name_for_messages(self, as_user, manager, service):
        http = as_user(manager)
        page = http.get(reverse("reminders:settings")).content.decode()
        assert "Name used in messages (optional)" in page
        assert "Someone else may see a client&#39;s messages on a shared phone" in page
        http.post(reverse("reminders:settings"), self._data(sender_name="Northshire Health"))
        assert services.settings_for(service).sender_name == "Northshire Health"
        event = AuditEvent.objects.get(object_type="reminders.remindersettings")
        assert event.changes["sender_name"] == ["", "Northshire Health"]
        page = http.get(reverse("reminders:settings")).content.decode()
        assert 'value="Northshire Health"' in page

    def test_a_name_too_long_is_shown_with_422(self, as_user, manager):
        response = as_user(manager).post(
            reverse("reminders:settings"), self._data(sender_name="x" * 61)
        )
        assert response.status_code == 422
        assert "The name used in messages must be 60 characters or fewer" in (
            response.content.decode()
        )

    def test_an_outsider_changes_only_their_own_service(self, as_user, outsider, service):
        as_user(outsider).post(reverse("reminders:settings"), self._data(appointment_2h_hours="5"))
        assert services.settings_for(service).appointment_2h_hours == 2


def _feed_events(body: bytes):
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


class TestCalendarFeed:
    def _create(self, http):
        http.post(reverse("reminders:calendar_create"))
        page = http.get(reverse("reminders:calendar")).content.decode()
        start = page.index("http://127.0.0.1:8000/calendar/")
        return page[start : page.index('"', start)]

    def test_a_therapist_creates_an_address_and_it_is_shown_once(self, as_user, therapist):
        http = as_user(therapist)
        url = self._create(http)
        assert url.endswith(".ics")
        assert url not in http.get(reverse("reminders:calendar")).content.decode()
        feed = CalendarFeed.objects.get()
        assert feed.token_hash not in url
        event = AuditEvent.objects.get(object_type="reminders.calendarfeed")
        assert (event.action, event.actor) == ("create", therapist)

    def test_the_feed_lists_appointments_with_initials_only(self, as_user, therapist, course):
        before_change = dt.datetime(2026, 3, 23, 10, 0, tzinfo=LONDON)
        after_change = dt.datetime(2026, 3, 30, 10, 0, tzinfo=LONDON)
        for starts_at in (before_change, after_change):
            add_appointment(course, attendance="", starts_at=starts_at)
        add_appointment(course, attendance="4", starts_at=NEXT_WEEK)  # cancelled: left out
        add_appointment(course, attendance="", starts_at=NOW + dt.timedelta(weeks=30))
        url = self._create(as_user(therapist))

        response = HttpClient().get(url.removeprefix("http://127.0.0.1:8000"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        events = _feed_events(response.content)
        assert [e.decoded("dtstart") for e in events] == [before_change, after_change]
        assert [e.decoded("dtstart").utcoffset() for e in events] == [
            dt.timedelta(0),
            dt.timedelta(hours=1),
        ]
        assert [e.decoded("dtend").astimezone(LONDON).strftime("%H:%M") for e in events] == [
            "10:50",
            "10:50",
        ]
        client = course.client
        assert events[0]["summary"] == f"{client.given_name[0]}{client.family_name[0]} – telephone"
        first = course.appointments.get(starts_at=before_change)
        assert str(events[0]["description"]) == (
            "Open in the service: http://127.0.0.1:8000"
            + reverse("appointments:detail", kwargs={"pk": first.pk})
        )
        text = response.content.decode()
        assert course.client.given_name not in text and course.client.family_name not in text
        assert course.referral.reason not in text

    def test_a_revoked_address_answers_404(self, as_user, therapist):
        http = as_user(therapist)
        path = self._create(http).removeprefix("http://127.0.0.1:8000")
        http.post(reverse("reminders:calendar_revoke"))
        assert HttpClient().get(path).status_code == 404
        assert CalendarFeed.objects.get().revoked_at == NOW
        assert AuditEvent.objects.filter(
            object_type="reminders.calendarfeed", action="update"
        ).exists()

    def test_replacing_the_address_stops_the_old_one(self, as_user, therapist):
        http = as_user(therapist)
        old = self._create(http).removeprefix("http://127.0.0.1:8000")
        new = self._create(http).removeprefix("http://127.0.0.1:8000")
        assert HttpClient().get(old).status_code == 404
        assert HttpClient().get(new).status_code == 200

    def test_the_calendar_is_called_appointments_and_says_nothing_of_therapy(
        self, as_user, therapist, course
    ):
        add_appointment(course, attendance="", starts_at=NEXT_WEEK)
        url = self._create(as_user(therapist))
        response = HttpClient().get(url.removeprefix("http://127.0.0.1:8000"))
        calendar = icalendar.Calendar.from_ical(response.content)
        assert str(calendar["x-wr-calname"]) == "Appointments"
        words = set(re.findall(r"[a-z]+", response.content.decode().lower()))
        assert not words & {"ipt", "therapy", "therapist", "interpersonal", "psychotherapy"}

    def test_a_deactivated_therapists_address_answers_404(self, as_user, therapist, administrator):
        path = self._create(as_user(therapist)).removeprefix("http://127.0.0.1:8000")
        self._set_active(therapist, administrator, active=False)
        assert HttpClient().get(path).status_code == 404
        self._set_active(therapist, administrator, active=True)
        assert HttpClient().get(path).status_code == 200

    def test_someone_no_longer_a_therapist_has_no_feed(self, as_user, therapist, administrator):
        path = self._create(as_user(therapist)).removeprefix("http://127.0.0.1:8000")
        self._set_active(therapist, administrator, active=True, roles=["supervisor"])
        assert HttpClient().get(path).status_code == 404

    def _set_active(self, user, by, *, active, roles=("therapist",)):
        """Change the account in staff management, as an administrator does."""
        user.refresh_from_db()
        accounts.update_staff(
            user=user,
            by=by,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            roles=roles,
            sites=list(user.sites.all()),
            supervisors=list(user.supervisors.all()),
            is_active=active,
        )

    def test_a_made_up_token_answers_404(self, db):
        path = reverse("reminders:feed", kwargs={"token": "not-a-real-token"})
        assert HttpClient().get(path).status_code == 404

    def test_someone_who_is_not_a_therapist_has_no_feed_page(self, as_user, administrator):
        assert as_user(administrator).get(reverse("reminders:calendar")).status_code == 404
        assert as_user(administrator).post(reverse("reminders:calendar_create")).status_code == 404

    def test_an_outsider_cannot_revoke_anothers_feed(self, as_user, therapist, outsider):
        self._create(as_user(therapist))
        assert as_user(outsider).post(reverse("reminders:calendar_revoke")).status_code == 404
        assert CalendarFeed.objects.active().count() == 1
