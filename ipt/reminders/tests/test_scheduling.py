"""Reminders are scheduled at the right times, only by consented channels, and follow the
appointment when it is moved, rebooked or cancelled."""

import datetime as dt

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from ipt.appointments import services as appointments
from ipt.core.models import AuditEvent
from ipt.courses import services as courses
from ipt.measures import services as measures
from ipt.reminders import services, sms
from ipt.reminders.models import Message, Status

from .conftest import LONDON, NEXT_WEEK, NOW

QUESTIONNAIRE_KINDS = {"questionnaires", "questionnaires_nudge"}


def _scheduled(appointment):
    return {
        (m.kind, m.channel): m.scheduled_for
        for m in Message.objects.filter(appointment=appointment, status=Status.SCHEDULED)
    }


def test_it_schedules_each_reminder_by_each_consented_channel_at_its_time(book):
    appointment = book()
    hours = dt.timedelta(hours=1)
    expected = {
        "appointment_48h": NEXT_WEEK - 48 * hours,
        "appointment_2h": NEXT_WEEK - 2 * hours,
        "questionnaires": NEXT_WEEK - 48 * hours,
        "questionnaires_nudge": NEXT_WEEK - 24 * hours,
    }
    assert _scheduled(appointment) == {
        (kind, channel): at for kind, at in expected.items() for channel in ("email", "sms")
    }


def test_it_queues_a_task_for_each_message_at_its_time(book):
    appointment = book()
    queued = {
        (task.args_kwargs["args"][0], task.run_after)
        for task in DBTaskResult.objects.filter(task_path="ipt.reminders.tasks.send_message")
    }
    assert queued == {
        (m.pk, m.scheduled_for) for m in Message.objects.filter(appointment=appointment)
    }


def test_it_audits_each_scheduled_message_under_the_client(book, client_record, therapist):
    appointment = book()
    events = AuditEvent.objects.filter(object_type="reminders.message", action="create")
    assert events.count() == 8
    event = events.get(
        object_id=str(
            Message.objects.get(appointment=appointment, kind="appointment_2h", channel="sms").pk
        )
    )
    assert event.client_id == client_record.pk
    assert event.actor == therapist
    assert event.summary == (
        "Scheduled the appointment reminder on the day by text message for "
        "Monday 9 March 2026, 08:00"
    )


def test_it_uses_only_the_channels_the_client_consented_to(book, client_record):
    client_record.consent_sms = False
    client_record.save(update_fields=["consent_sms"])
    appointment = book()
    assert {channel for _, channel in _scheduled(appointment)} == {"email"}
    assert set(Message.objects.values_list("recipient", flat=True)) == {"alex@example.org"}


def test_it_sends_nothing_to_a_client_who_consented_to_nothing(book, client_record):
    client_record.consent_sms = client_record.consent_email = False
    client_record.save(update_fields=["consent_sms", "consent_email"])
    book()
    assert not Message.objects.exists()


def test_it_schedules_no_text_messages_when_texts_are_switched_off(book):
    sms.use(None)  # no GOV.UK Notify key in the test settings
    appointment = book()
    assert {channel for _, channel in _scheduled(appointment)} == {"email"}


def test_it_does_not_send_late_reminders_but_asks_for_questionnaires_at_once(book):
    tomorrow = NOW + dt.timedelta(hours=30)
    appointment = book(starts_at=tomorrow)
    emails = {
        kind: at for (kind, channel), at in _scheduled(appointment).items() if channel == "email"
    }
    assert emails == {
        "questionnaires": NOW,
        "questionnaires_nudge": tomorrow - dt.timedelta(hours=24),
        "appointment_2h": tomorrow - dt.timedelta(hours=2),
    }


def test_scheduling_again_changes_nothing(book):
    appointment = book()
    before = list(Message.objects.values_list("pk", "scheduled_for", "status"))
    events = AuditEvent.objects.count()
    services.schedule_for(appointment)
    assert list(Message.objects.values_list("pk", "scheduled_for", "status")) == before
    assert AuditEvent.objects.count() == events


def test_moving_the_appointment_reschedules_its_reminders(book, django_capture_on_commit_callbacks):
    appointment = book()
    later = NEXT_WEEK + dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        appointments.move(appointment=appointment, starts_at=later, by=appointment.therapist)
    assert _scheduled(appointment)[("appointment_48h", "email")] == later - dt.timedelta(hours=48)
    assert len(_scheduled(appointment)) == 8
    old = Message.objects.filter(appointment_at=NEXT_WEEK)
    assert {m.status for m in old} == {Status.CANCELLED}
    assert {m.cancelled_because for m in old} == {"The appointment moved"}
    assert AuditEvent.objects.filter(
        object_type="reminders.message", summary__startswith="Cancelled the appointment reminder"
    ).exists()


def test_cancelling_the_appointment_cancels_its_reminders(book, django_capture_on_commit_callbacks):
    appointment = book()
    with django_capture_on_commit_callbacks(execute=True):
        appointments.record_attendance(
            appointment=appointment, attendance="2", by=appointment.therapist
        )
    assert _scheduled(appointment) == {}
    assert set(Message.objects.values_list("cancelled_because", flat=True)) == {
        "The appointment was cancelled"
    }
    event = AuditEvent.objects.filter(object_type="reminders.message", action="update").first()
    assert event.summary.endswith(": The appointment was cancelled")


def test_rebooking_schedules_reminders_for_the_new_appointment(
    book, django_capture_on_commit_callbacks
):
    appointment = book()
    with django_capture_on_commit_callbacks(execute=True):
        appointments.record_attendance(
            appointment=appointment, attendance="4", by=appointment.therapist
        )
        again = appointments.rebook(
            appointment=appointment,
            starts_at=NEXT_WEEK + dt.timedelta(days=1),
            by=appointment.therapist,
        )
    assert len(_scheduled(again)) == 8
    assert _scheduled(appointment) == {}


def test_a_series_gets_reminders_for_every_session(
    course, client_record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booked = appointments.book_series(
            course=course,
            first_starts_at=NEXT_WEEK,
            count=3,
            every_days=7,
            medium="telephone",
            phone_number="01632 960 001",
            by=course.therapist,
        )
    for appointment in booked:
        assert len(_scheduled(appointment)) == 8


def test_settings_switch_reminders_off_and_change_their_times(
    book, service, manager, django_capture_on_commit_callbacks
):
    appointment = book()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_settings(
            service=service, by=manager, appointment_48h_hours=72, questionnaires_nudge_on=False
        )
    scheduled = _scheduled(appointment)
    assert scheduled[("appointment_48h", "sms")] == NEXT_WEEK - dt.timedelta(hours=72)
    assert ("questionnaires_nudge", "sms") not in scheduled
    event = AuditEvent.objects.get(object_type="reminders.remindersettings")
    assert event.actor == manager
    assert event.changes["appointment_48h_hours"] == [48, 72]


def test_reminders_keep_the_local_time_across_the_clock_change(book):
    # The clocks go forward on Sunday 29 March 2026.
    after = dt.datetime(2026, 3, 30, 10, 0, tzinfo=LONDON)
    appointment = book(starts_at=after)
    message = Message.objects.get(appointment=appointment, kind="appointment_48h", channel="email")
    assert message.scheduled_for == dt.datetime(2026, 3, 28, 9, 0, tzinfo=LONDON)
    assert "Monday 30 March 2026 at 10:00" in message.body


# Questionnaire requests only where questionnaires open (finding 8)


def _kinds(appointment):
    return {kind for kind, _ in _scheduled(appointment)}


def test_it_asks_for_questionnaires_before_a_booster_session(book, course):
    courses.change_status(course=course, to_status="treatment", by=course.therapist)
    courses.change_status(
        course=course, to_status="completed", by=course.therapist, reason_code="planned_ending"
    )
    assert _kinds(book(kind="booster")) >= QUESTIONNAIRE_KINDS


def test_it_asks_for_no_questionnaires_before_an_assessment_or_review(book):
    assessment = book(kind="assessment")
    review = book(starts_at=NEXT_WEEK + dt.timedelta(days=1), kind="review")
    for appointment in (assessment, review):
        assert _kinds(appointment) == {"appointment_48h", "appointment_2h"}


@pytest.fixture
def no_questionnaires(monkeypatch):
    """The course's questionnaire set is empty."""
    monkeypatch.setattr(measures, "instrument_codes_for", lambda course: [])


def test_it_asks_for_no_questionnaires_when_the_course_has_none(book, no_questionnaires):
    assert _kinds(book()) == {"appointment_48h", "appointment_2h"}


def test_it_cancels_questionnaire_requests_once_the_course_has_none(book, monkeypatch):
    appointment = book()
    monkeypatch.setattr(measures, "instrument_codes_for", lambda course: [])
    services.schedule_for(appointment)
    assert _kinds(appointment) == {"appointment_48h", "appointment_2h"}
    cancelled = Message.objects.filter(status=Status.CANCELLED)
    assert {m.kind for m in cancelled} == QUESTIONNAIRE_KINDS
    assert {m.cancelled_because for m in cancelled} == {
        "There are no questionnaires before this appointment"
    }


# The sweep repairs a lost scheduling (finding 9)


def _book_losing_the_reminders(course, starts_at=NEXT_WEEK):
    """Book as the appointments services do, but the on-commit scheduling never runs (as when
    it fails and is only logged)."""
    return appointments.book(
        course=course,
        kind="treatment",
        starts_at=starts_at,
        minutes=50,
        medium="telephone",
        phone_number="01632 960 001",
        by=course.therapist,
    )


def test_the_sweep_schedules_the_reminders_a_lost_scheduling_left_out(course, client_record, now):
    appointment = _book_losing_the_reminders(course)
    assert not Message.objects.exists()
    assert services.send_due() == {}  # a week ahead: not yet looked at
    assert not Message.objects.exists()
    now.move_to(NEXT_WEEK - dt.timedelta(hours=60), tick=False)

    assert services.send_due() == {}
    hours = dt.timedelta(hours=1)
    assert _scheduled(appointment) == {
        (kind, channel): NEXT_WEEK - at * hours
        for kind, at in {
            "appointment_48h": 48,
            "appointment_2h": 2,
            "questionnaires": 48,
            "questionnaires_nudge": 24,
        }.items()
        for channel in ("email", "sms")
    }
    event = AuditEvent.objects.filter(object_type="reminders.message", action="create").first()
    assert (event.actor, event.actor_label) == (None, "reminders")

    events = AuditEvent.objects.count()
    services.send_due()
    assert AuditEvent.objects.count() == events


def test_the_sweep_sends_a_repaired_reminder_that_is_already_due(course, client_record, now):
    _book_losing_the_reminders(course, starts_at=NOW + dt.timedelta(hours=30))
    assert services.send_due() == {"sent": 2}  # the questionnaire request, by email and text
    [email] = mail.outbox
    assert email.subject == "Questions before your appointment"


def test_the_sweep_leaves_appointments_beyond_the_furthest_reminder_and_a_day(
    course, client_record
):
    _book_losing_the_reminders(course, starts_at=NOW + dt.timedelta(hours=48 + 25))
    services.send_due()
    assert not Message.objects.exists()


def test_the_sweep_looks_as_far_ahead_as_the_settings_go(course, client_record, service, manager):
    services.update_settings(service=service, by=manager, appointment_48h_hours=150)
    starts_at = NOW + dt.timedelta(hours=160)
    appointment = _book_losing_the_reminders(course, starts_at=starts_at)
    services.send_due()
    assert _scheduled(appointment)[("appointment_48h", "email")] == starts_at - dt.timedelta(
        hours=150
    )


def test_the_sweep_follows_an_appointment_moved_without_its_reminders(book, now):
    appointment = book()
    now.move_to(NEXT_WEEK - dt.timedelta(hours=60), tick=False)
    later = NEXT_WEEK + dt.timedelta(hours=1)
    type(appointment).objects.filter(pk=appointment.pk).update(
        starts_at=later, ends_at=later + dt.timedelta(minutes=50)
    )
    services.send_due()
    assert _scheduled(appointment)[("appointment_2h", "sms")] == later - dt.timedelta(hours=2)
    assert (
        Message.objects.filter(
            appointment_at=NEXT_WEEK,
            status=Status.CANCELLED,
            cancelled_because="The appointment moved",
        ).count()
        == 8
    )


def test_the_sweep_schedules_nothing_for_a_client_who_consented_to_nothing(course, client_record):
    client_record.consent_sms = client_record.consent_email = False
    client_record.save(update_fields=["consent_sms", "consent_email"])
    _book_losing_the_reminders(course)
    services.send_due(now=NEXT_WEEK - dt.timedelta(hours=30))
    assert not Message.objects.exists()


# A neutral name in messages (finding 15)


def test_messages_use_the_name_the_service_chose(book, service, manager):
    services.update_settings(service=service, by=manager, sender_name="  Northshire Health  ")
    appointment = book()
    bodies = set(Message.objects.filter(appointment=appointment).values_list("body", flat=True))
    assert len(bodies) == 3  # the appointment reminders share their words
    for body in bodies:
        assert "Northshire Health on Monday 9 March 2026 at 10:00" in body
        assert service.name not in body
    event = AuditEvent.objects.get(object_type="reminders.remindersettings")
    assert event.changes["sender_name"] == ["", "Northshire Health"]


def test_naming_the_sender_rewords_reminders_not_yet_sent(
    book, service, manager, django_capture_on_commit_callbacks
):
    appointment = book()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_settings(service=service, by=manager, sender_name="Northshire Health")
    message = Message.objects.get(appointment=appointment, kind="appointment_48h", channel="sms")
    assert message.status == Status.SCHEDULED
    assert message.body.startswith("You have an appointment with Northshire Health on")
    assert message.scheduled_for == NEXT_WEEK - dt.timedelta(hours=48)
    event = AuditEvent.objects.filter(object_id=str(message.pk)).latest("sequence")
    assert event.summary.startswith("Updated the appointment reminder by text message")
    assert event.actor == manager


def test_messages_use_the_services_name_until_another_is_chosen(book, service):
    message = Message.objects.filter(appointment=book()).first()
    assert f"with {service.name} on" in message.body


def test_a_sender_name_too_long_is_refused(service, manager):
    with pytest.raises(services.RemindersRefused, match="60 characters or fewer"):
        services.update_settings(service=service, by=manager, sender_name="x" * 61)
    assert services.settings_for(service).sender_name == ""
