"""Booking, moving, recording and rebooking appointments, through the services."""

import datetime as dt
import re

import pytest

from ipt.appointments import services
from ipt.appointments.models import Appointment, Kind, Medium
from ipt.appointments.services import AppointmentRefused
from ipt.appointments.tests.conftest import at
from ipt.appointments.tests.factories import AppointmentFactory, history
from ipt.core.models import AuditEvent
from ipt.courses import services as courses
from ipt.courses.tests.factories import open_course
from ipt.organisations.tests.factories import ClosureDateFactory, RoomFactory


def _book(course, starts_at, *, minutes=50, by=None, **arrangement):
    arrangement = {"medium": Medium.TELEPHONE, "phone_number": "01632 960 001", **arrangement}
    return services.book(
        course=course,
        kind=arrangement.pop("kind", Kind.TREATMENT),
        starts_at=starts_at,
        minutes=minutes,
        by=by or course.therapist,
        **arrangement,
    )


def _events(action="create"):
    return AuditEvent.objects.filter(object_type="appointments.appointment", action=action)


def complete(course):
    courses.change_status(course=course, to_status="treatment", by=course.therapist)
    courses.change_status(
        course=course, to_status="completed", by=course.therapist, reason_code="planned_ending"
    )


@pytest.fixture
def oscars_course(other_therapist, site):
    return open_course(therapist=other_therapist, site=site, by=other_therapist)


class TestBooking:
    def test_it_books_with_the_courses_therapist_and_audits_it(self, course):
        appointment = _book(course, at("2026-11-26"))
        assert appointment.therapist == course.therapist
        assert appointment.minutes == 50
        event = _events().get(object_id=str(appointment.pk))
        assert event.client_id == course.client_id
        assert event.summary == (
            "Booked a treatment appointment for Thursday 26 November 2026, 10:00"
        )

    def test_it_refuses_a_clash_with_the_same_therapist(self, course, therapist, site):
        _book(course, at("2026-11-26", "10:00"))
        another = open_course(therapist=therapist, site=site)
        with pytest.raises(AppointmentRefused, match="Tessa Marlow is already booked") as refused:
            _book(another, at("2026-11-26", "10:30"))
        assert "Nothing was booked" in str(refused.value)
        assert Appointment.objects.count() == 1
        assert _events().count() == 1

    def test_it_refuses_a_clash_in_the_same_room(self, course, oscars_course, site, room):
        _book(course, at("2026-11-26"), medium=Medium.FACE_TO_FACE, site=site, room=room)
        with pytest.raises(AppointmentRefused, match=r"Room 1, Riverside Centre is already booked"):
            _book(
                oscars_course,
                at("2026-11-26", "10:45"),
                medium=Medium.FACE_TO_FACE,
                site=site,
                room=room,
            )
        assert not oscars_course.appointments.exists()

    def test_it_lets_two_therapists_use_different_rooms_at_once(self, course, oscars_course, site):
        one, two = RoomFactory(site=site), RoomFactory(site=site)
        _book(course, at("2026-11-26"), medium=Medium.FACE_TO_FACE, site=site, room=one)
        _book(oscars_course, at("2026-11-26"), medium=Medium.FACE_TO_FACE, site=site, room=two)
        assert Appointment.objects.count() == 2

    @pytest.mark.parametrize("code", ["2", "4"])
    def test_it_treats_a_cancelled_slot_as_free(self, course, code):
        AppointmentFactory(
            course=course, starts_at=at("2026-11-24", "08:00"), attendance=code, outcome=True
        )
        assert _book(course, at("2026-11-24", "08:00")).starts_at == at("2026-11-24", "08:00")

    def test_it_keeps_a_missed_slot_taken(self, course):
        AppointmentFactory(
            course=course, starts_at=at("2026-11-24", "08:00"), attendance="3", outcome=True
        )
        with pytest.raises(AppointmentRefused, match="already booked"):
            _book(course, at("2026-11-24", "08:00"))

    def test_it_allows_back_to_back_appointments(self, course):
        _book(course, at("2026-11-26", "10:00"))
        _book(course, at("2026-11-26", "10:50"))
        _book(course, at("2026-11-26", "09:10"))
        assert course.appointments.count() == 3

    def test_it_refuses_a_day_the_service_is_closed(self, course, service):
        ClosureDateFactory(service=service, date=dt.date(2026, 12, 25), reason="Christmas Day")
        with pytest.raises(AppointmentRefused) as refused:
            _book(course, at("2026-12-25"))
        assert str(refused.value) == (
            "The service is closed on Friday 25 December 2026 (Christmas Day). Choose another day"
        )
        assert refused.value.field == "starts_at"

    @pytest.mark.parametrize(
        ("arrangement", "message", "field"),
        [
            ({"medium": Medium.FACE_TO_FACE}, "Select the site", "site"),
            (
                {"medium": Medium.TELEPHONE, "phone_number": " "},
                "Enter the number we will call",
                "phone_number",
            ),
            ({"medium": Medium.VIDEO}, "no video service address", "medium"),
            ({"client_attends": False}, "Select who attends", "attendees"),
            ({"minutes": 5}, "between 15 and 180 minutes", "minutes"),
        ],
    )
    def test_it_refuses_an_incomplete_booking(self, course, arrangement, message, field):
        with pytest.raises(AppointmentRefused, match=message) as refused:
            _book(course, at("2026-11-26"), **arrangement)
        assert refused.value.field == field
        assert not course.appointments.exists()

    def test_it_refuses_a_room_at_another_site(self, course, site, service):
        from ipt.organisations.tests.factories import SiteFactory

        elsewhere = RoomFactory(site=SiteFactory(service=service, name="Hilltop Clinic"))
        with pytest.raises(AppointmentRefused, match="Select a room at Riverside Centre"):
            _book(course, at("2026-11-26"), medium=Medium.FACE_TO_FACE, site=site, room=elsewhere)

    def test_it_keeps_only_what_the_medium_needs(self, course, site, room, video_service):
        appointment = _book(
            course, at("2026-11-26"), medium=Medium.VIDEO, site=site, room=room, phone_number="0"
        )
        assert (appointment.site, appointment.room, appointment.phone_number) == (None, None, "")

    def test_it_refuses_treatment_after_the_course_ended(self, course):
        complete(course)
        with pytest.raises(AppointmentRefused, match="The course has ended"):
            _book(course, at("2026-11-26"))
        assert _book(course, at("2026-11-26"), kind=Kind.FOLLOW_UP).kind == Kind.FOLLOW_UP

    def test_it_refuses_a_booster_before_the_course_is_completed(self, course):
        with pytest.raises(AppointmentRefused, match="once the course is completed"):
            _book(course, at("2026-11-26"), kind=Kind.BOOSTER)


class TestSeries:
    def test_it_books_a_weekly_series_at_the_contracts_frequency(self, course):
        booked = services.book_series(
            course=course,
            first_starts_at=at("2026-12-01"),
            count=3,
            by=course.therapist,
            medium=Medium.TELEPHONE,
            phone_number="01632 960 001",
        )
        assert [a.starts_at for a in booked] == [
            at("2026-12-01"),
            at("2026-12-08"),
            at("2026-12-15"),
        ]
        assert {a.minutes for a in booked} == {50}
        assert _events().count() == 3

    def test_it_moves_a_session_off_a_closure_date_and_keeps_the_count(self, course, service):
        ClosureDateFactory(service=service, date=dt.date(2026, 12, 29), reason="Christmas closure")
        booked = services.book_series(
            course=course,
            first_starts_at=at("2026-12-15"),
            count=4,
            by=course.therapist,
            medium=Medium.TELEPHONE,
            phone_number="01632 960 001",
        )
        days = [a.starts_at.date() for a in booked]
        assert days == [
            dt.date(2026, 12, 15),
            dt.date(2026, 12, 22),
            dt.date(2027, 1, 5),
            dt.date(2027, 1, 12),
        ]
        assert dt.date(2026, 12, 29) not in days

    def test_it_skips_a_closure_on_the_first_date_too(self, course, service):
        ClosureDateFactory(service=service, date=dt.date(2026, 12, 1))
        booked = services.book_series(
            course=course,
            first_starts_at=at("2026-12-01"),
            count=2,
            by=course.therapist,
            medium=Medium.TELEPHONE,
            phone_number="01632 960 001",
        )
        assert [a.starts_at for a in booked] == [at("2026-12-08"), at("2026-12-15")]

    def test_it_keeps_the_local_time_across_the_clock_change(self, course):
        booked = services.book_series(
            course=course,
            first_starts_at=at("2027-03-23"),
            count=2,
            by=course.therapist,
            medium=Medium.TELEPHONE,
            phone_number="01632 960 001",
        )
        assert [a.starts_at for a in booked] == [at("2027-03-23"), at("2027-03-30")]
        assert booked[1].starts_at.astimezone(dt.UTC).hour == 9

    def test_it_uses_the_monthly_frequency_of_maintenance_ipt(self, therapist, site):
        course = open_course(therapist=therapist, site=site, variant_code="maintenance")
        booked = services.book_series(
            course=course,
            first_starts_at=at("2026-12-01"),
            count=2,
            by=therapist,
            medium=Medium.TELEPHONE,
            phone_number="01632 960 001",
        )
        assert booked[1].starts_at - booked[0].starts_at == dt.timedelta(days=28)

    def test_it_saves_nothing_when_any_session_clashes(self, course, therapist, site):
        other = open_course(therapist=therapist, site=site)
        AppointmentFactory(course=other, starts_at=at("2026-12-08", "10:30"))
        AppointmentFactory(course=other, starts_at=at("2026-12-22", "09:30"))
        with pytest.raises(AppointmentRefused) as refused:
            services.book_series(
                course=course,
                first_starts_at=at("2026-12-01"),
                count=4,
                by=therapist,
                medium=Medium.TELEPHONE,
                phone_number="01632 960 001",
            )
        message = str(refused.value)
        assert message.startswith("2 of the 4 times clash with other appointments")
        assert "Tuesday 8 December 2026, 10:00" in message
        assert "Tuesday 22 December 2026, 10:00" in message
        assert "Tuesday 1 December 2026" not in message
        assert "Nothing was booked" in message
        assert not course.appointments.exists()
        assert not _events().exists()

    def test_it_refuses_a_series_that_is_too_long(self, course):
        with pytest.raises(AppointmentRefused, match="Book between 1 and 40 sessions"):
            services.book_series(
                course=course,
                first_starts_at=at("2026-12-01"),
                count=41,
                by=course.therapist,
                medium=Medium.TELEPHONE,
                phone_number="01632 960 001",
            )


class TestMove:
    def test_it_moves_an_appointment_and_audits_the_change(self, course):
        appointment = _book(course, at("2026-11-26"))
        services.move(
            appointment=appointment, starts_at=at("2026-11-27", "14:00"), by=course.therapist
        )
        appointment.refresh_from_db()
        assert appointment.starts_at == at("2026-11-27", "14:00")
        assert appointment.minutes == 50
        event = _events("update").get(object_id=str(appointment.pk))
        assert event.summary == (
            "Moved the treatment appointment from Thursday 26 November 2026, 10:00 "
            "to Friday 27 November 2026, 14:00"
        )
        assert set(event.changes) == {"starts_at", "ends_at"}

    def test_it_moves_within_its_own_slot(self, course):
        appointment = _book(course, at("2026-11-26", "10:00"))
        services.move(
            appointment=appointment, starts_at=at("2026-11-26", "10:15"), by=course.therapist
        )
        assert appointment.starts_at == at("2026-11-26", "10:15")

    def test_it_refuses_to_move_onto_a_clash(self, course):
        first = _book(course, at("2026-11-26", "10:00"))
        _book(course, at("2026-11-26", "14:00"))
        with pytest.raises(AppointmentRefused, match="The appointment was not moved"):
            services.move(
                appointment=first, starts_at=at("2026-11-26", "14:30"), by=course.therapist
            )
        first.refresh_from_db()
        assert first.starts_at == at("2026-11-26", "10:00")
        assert not _events("update").exists()

    def test_it_refuses_to_move_a_recorded_appointment(self, course):
        appointment = AppointmentFactory(
            course=course, starts_at=at("2026-11-17"), attendance="3", outcome=True
        )
        with pytest.raises(AppointmentRefused, match="Rebook it instead"):
            services.move(appointment=appointment, starts_at=at("2026-11-26"), by=course.therapist)


class TestRecording:
    @pytest.mark.parametrize(
        ("arrangement", "code"),
        [
            ({"medium": Medium.TELEPHONE, "phone_number": "01632 960 001"}, "02"),
            ({"medium": Medium.VIDEO}, "11"),
            ("face_to_face", "01"),
        ],
    )
    def test_it_stamps_the_consultation_mechanism_from_the_medium(
        self, course, site, video_service, arrangement, code, frozen_now
    ):
        if arrangement == "face_to_face":
            arrangement = {"medium": Medium.FACE_TO_FACE, "site": site}
        appointment = _book(course, at("2026-11-24", "08:00"), **arrangement)
        services.record_attendance(appointment=appointment, attendance="5", by=course.therapist)
        appointment.refresh_from_db()
        assert appointment.consultation_mechanism == code
        assert appointment.therapy_mode == "01"
        assert appointment.care_activity == "443730003"
        assert appointment.recorded_at == frozen_now
        assert appointment.recorded_by == course.therapist

    @pytest.mark.parametrize(("variant", "mode"), [("conjoint", "02"), ("group", "03")])
    def test_it_takes_the_therapy_mode_from_the_variant(self, therapist, site, variant, mode):
        course = open_course(therapist=therapist, site=site, variant_code=variant)
        appointment = AppointmentFactory(course=course, starts_at=at("2026-11-24", "08:00"))
        services.record_attendance(appointment=appointment, attendance="3", by=therapist)
        assert appointment.therapy_mode == mode

    @pytest.mark.parametrize(
        ("code", "counted"), [("5", 1), ("6", 1), ("7", 0), ("2", 0), ("3", 0), ("4", 0)]
    )
    def test_it_counts_only_codes_5_and_6_as_attended(self, course, code, counted):
        appointment = AppointmentFactory(course=course, starts_at=at("2026-11-24", "08:00"))
        services.record_attendance(appointment=appointment, attendance=code, by=course.therapist)
        assert courses.attended_treatment_sessions(course) == counted

    @pytest.mark.parametrize("kind", [Kind.ASSESSMENT, Kind.REVIEW, Kind.FOLLOW_UP])
    def test_it_counts_only_treatment_appointments(self, course, kind):
        appointment = AppointmentFactory(
            course=course, kind=kind, starts_at=at("2026-11-24", "08:00")
        )
        services.record_attendance(appointment=appointment, attendance="5", by=course.therapist)
        assert courses.attended_treatment_sessions(course) == 0
        assert course.status == "assessment"

    def test_it_starts_treatment_at_the_first_attended_treatment_session(self, course):
        missed, seen = history(course, ["", ""], first=at("2026-11-16", "10:00"))
        services.record_attendance(appointment=missed, attendance="3", by=course.therapist)
        course.refresh_from_db()
        assert course.status == "assessment"
        services.record_attendance(appointment=seen, attendance="6", by=course.therapist)
        assert course.status == "treatment"
        course.refresh_from_db()
        assert course.status == "treatment"
        assert course.status_changes.last().note == "First treatment session attended"
        assert courses.progress(course).label == "Session 1 of 16 · initial phase"

    def test_it_refuses_to_record_attendance_before_the_appointment(self, course):
        appointment = AppointmentFactory(course=course, starts_at=at("2026-11-24", "09:16"))
        with pytest.raises(AppointmentRefused) as refused:
            services.record_attendance(appointment=appointment, attendance="5", by=course.therapist)
        assert str(refused.value) == (
            "This appointment has not happened yet. You can record whether the client attended "
            "from Tuesday 24 November 2026, 09:01, or record a cancellation now"
        )
        appointment.refresh_from_db()
        assert not appointment.attendance
        assert not _events("update").exists()

    def test_it_records_attendance_from_15_minutes_before_the_start(self, course):
        appointment = AppointmentFactory(course=course, starts_at=at("2026-11-24", "09:15"))
        services.record_attendance(appointment=appointment, attendance="5", by=course.therapist)
        assert appointment.attendance == "5"

    @pytest.mark.parametrize("code", ["2", "4"])
    def test_it_records_a_cancellation_in_advance(self, course, code):
        appointment = AppointmentFactory(course=course, starts_at=at("2026-12-03"))
        services.record_attendance(appointment=appointment, attendance=code, by=course.therapist)
        appointment.refresh_from_db()
        assert appointment.attendance == code

    def test_it_needs_a_reason_to_correct_an_outcome_and_audits_it(self, course):
        appointment = AppointmentFactory(course=course, starts_at=at("2026-11-23"))
        services.record_attendance(appointment=appointment, attendance="3", by=course.therapist)
        with pytest.raises(AppointmentRefused, match="Enter the reason") as refused:
            services.record_attendance(appointment=appointment, attendance="5", by=course.therapist)
        assert refused.value.field == "reason"
        services.record_attendance(
            appointment=appointment,
            attendance="5",
            by=course.therapist,
            reason="Client was in the waiting room",
        )
        appointment.refresh_from_db()
        assert appointment.attendance == "5"
        correction = _events("update").order_by("sequence").last()
        assert correction.changes["attendance"] == ["3", "5"]
        assert correction.summary.endswith("Client was in the waiting room")

    def test_it_flags_two_missed_sessions_in_a_row_for_review(self, course):
        first, second = history(course, ["", ""], first=at("2026-11-10"))
        services.record_attendance(appointment=first, attendance="3", by=course.therapist)
        assert not courses.needs_review(course)
        services.record_attendance(appointment=second, attendance="7", by=course.therapist)
        assert courses.needs_review(course)

    def test_it_keeps_the_run_going_through_a_cancellation(self, course):
        appointments = history(course, ["", "", ""], first=at("2026-11-03"))
        for appointment, code in zip(appointments, ["3", "2", "3"], strict=True):
            services.record_attendance(
                appointment=appointment, attendance=code, by=course.therapist
            )
        assert courses.needs_review(course)

    def test_it_ends_the_run_when_the_client_attends(self, course):
        appointments = history(course, ["", "", ""], first=at("2026-11-03"))
        for appointment, code in zip(appointments, ["3", "5", "3"], strict=True):
            services.record_attendance(
                appointment=appointment, attendance=code, by=course.therapist
            )
        assert not courses.needs_review(course)

    def test_it_follows_the_services_threshold(self, course, service):
        service.consecutive_non_attendances_for_review = 3
        service.save(update_fields=["consecutive_non_attendances_for_review"])
        history(course, ["3", "3"], first=at("2026-11-10"))
        assert not courses.needs_review(course)


class TestRebooking:
    @pytest.mark.parametrize("code", ["2", "3", "4", "7"])
    def test_it_rebooks_a_cancelled_or_missed_appointment(self, course, site, room, code):
        original = AppointmentFactory(
            course=course,
            starts_at=at("2026-11-23"),
            medium=Medium.FACE_TO_FACE,
            site=site,
            room=room,
            phone_number="",
            attendance=code,
            outcome=True,
        )
        again = services.rebook(
            appointment=original, starts_at=at("2026-11-26", "15:00"), by=course.therapist
        )
        assert again.rebooked_from == original
        assert (again.kind, again.minutes, again.room, again.attendance) == (
            Kind.TREATMENT,
            50,
            room,
            "",
        )
        assert again.video_room_token != original.video_room_token
        assert _events().get(object_id=str(again.pk)).summary == (
            "Rebooked the treatment appointment of Monday 23 November 2026, 10:00 "
            "for Thursday 26 November 2026, 15:00"
        )

    @pytest.mark.parametrize(
        ("code", "message"), [("5", "was seen"), ("6", "was seen"), ("", "Record what happened")]
    )
    def test_it_refuses_to_rebook_an_attended_or_unrecorded_appointment(
        self, course, code, message
    ):
        original = AppointmentFactory(
            course=course, starts_at=at("2026-11-23"), attendance=code, outcome=bool(code)
        )
        with pytest.raises(AppointmentRefused, match=message):
            services.rebook(appointment=original, starts_at=at("2026-11-26"), by=course.therapist)
        assert course.appointments.count() == 1

    def test_it_rebooks_only_once(self, course):
        original = AppointmentFactory(
            course=course, starts_at=at("2026-11-23"), attendance="3", outcome=True
        )
        services.rebook(appointment=original, starts_at=at("2026-11-26"), by=course.therapist)
        with pytest.raises(
            AppointmentRefused, match="already been rebooked for Thursday 26 November"
        ):
            services.rebook(appointment=original, starts_at=at("2026-11-27"), by=course.therapist)

    def test_it_refuses_a_rebooking_that_clashes(self, course):
        original = AppointmentFactory(
            course=course, starts_at=at("2026-11-23"), attendance="3", outcome=True
        )
        AppointmentFactory(course=course, starts_at=at("2026-11-26"))
        with pytest.raises(AppointmentRefused, match="Nothing was booked"):
            services.rebook(appointment=original, starts_at=at("2026-11-26"), by=course.therapist)

    def test_it_will_not_mark_a_rebooked_appointment_attended(self, course):
        original = AppointmentFactory(
            course=course, starts_at=at("2026-11-23"), attendance="3", outcome=True
        )
        services.rebook(appointment=original, starts_at=at("2026-11-26"), by=course.therapist)
        with pytest.raises(AppointmentRefused, match="has been rebooked"):
            services.record_attendance(
                appointment=original, attendance="5", by=course.therapist, reason="Mistake"
            )


class TestBoosters:
    def _schedule(self, course, **kwargs):
        return services.schedule_boosters(
            course=course,
            first_starts_at=at("2027-01-12"),
            count=3,
            every_days=56,
            by=course.therapist,
            medium=Medium.TELEPHONE,
            phone_number="01632 960 001",
            **kwargs,
        )

    def test_it_schedules_boosters_only_after_the_course_is_completed(self, course):
        with pytest.raises(AppointmentRefused, match="once the course is completed"):
            self._schedule(course)
        courses.change_status(course=course, to_status="treatment", by=course.therapist)
        with pytest.raises(AppointmentRefused, match="once the course is completed"):
            self._schedule(course)
        assert not course.appointments.exists()

    def test_it_counts_boosters_apart_from_treatment_sessions(self, course):
        history(course, ["5", "5"], first=at("2026-11-03"))
        complete(course)
        boosters = self._schedule(course)
        assert [b.starts_at for b in boosters] == [
            at("2027-01-12"),
            at("2027-03-09"),
            at("2027-05-04"),
        ]
        assert {b.kind for b in boosters} == {Kind.BOOSTER}
        with_outcome = AppointmentFactory(
            course=course, kind=Kind.BOOSTER, starts_at=at("2026-11-24", "08:00")
        )
        services.record_attendance(appointment=with_outcome, attendance="5", by=course.therapist)
        assert courses.attended_treatment_sessions(course) == 2
        assert courses.progress(course).label == "Session 2 of 16 · initial phase"


class TestVideoLink:
    def test_it_gives_each_appointment_its_own_unguessable_room(self, course, video_service):
        first = _book(course, at("2026-11-26"), medium=Medium.VIDEO)
        second = _book(course, at("2026-12-03"), medium=Medium.VIDEO)
        base = video_service.video_base_url
        assert first.video_url(base).startswith("https://video.example.nhs.uk/ipt/")
        assert first.video_url(base) != second.video_url(base)
        token = first.video_url(base).rsplit("/", 1)[1]
        assert len(token) >= 32  # 24 random bytes: 192 bits, not guessable
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)

    def test_it_keeps_the_room_when_the_appointment_moves(self, course, video_service):
        appointment = _book(course, at("2026-11-26"), medium=Medium.VIDEO)
        link = appointment.video_url(video_service.video_base_url)
        services.move(appointment=appointment, starts_at=at("2026-11-27"), by=course.therapist)
        appointment.refresh_from_db()
        assert appointment.video_url(video_service.video_base_url) == link


class TestLockOrder:
    """Every write locks the therapist's row before the audit chain's: a write taking them the
    other way round, beside a booking for the same therapist, would deadlock on PostgreSQL and
    one of the two users would get an error page."""

    @staticmethod
    def _order(write) -> list[str]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            write()
        kinds = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.startswith('SELECT "accounts_user"."id" AS "pk" FROM "accounts_user" WHERE'):
                kinds.append("therapist")
            elif '"core_auditchainhead"' in sql and sql.startswith("SELECT"):
                kinds.append("audit")
        return kinds

    def test_booking_moving_recording_and_rebooking_lock_the_therapist_first(
        self, course, frozen_now
    ):
        booked = []
        writes = {
            "book": lambda: booked.append(_book(course, at("2026-11-24", "08:50"))),
            "move": lambda: services.move(
                appointment=booked[0], starts_at=at("2026-11-24", "08:55"), by=course.therapist
            ),
            "record": lambda: services.record_attendance(
                appointment=booked[0], attendance="3", by=course.therapist
            ),
            "rebook": lambda: services.rebook(
                appointment=booked[0], starts_at=at("2026-11-26"), by=course.therapist
            ),
        }
        for name, write in writes.items():
            kinds = self._order(write)
            assert "therapist" in kinds and "audit" in kinds, (name, kinds)
            assert kinds.index("therapist") < kinds.index("audit"), name
