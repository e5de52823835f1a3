"""Messages go when due, through the right channel; the task re-checks them first; a failed send
is tried again and then marked failed, never dropped; bodies hold nothing clinical."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import add_appointment
from ipt.notes.models import HomeworkTask
from ipt.reminders import services
from ipt.reminders.models import Message, Status
from ipt.reminders.tasks import send_message

from .conftest import NEXT_WEEK, NOW

TWO_DAYS_BEFORE = NEXT_WEEK - dt.timedelta(hours=48)


def _message(appointment, kind="appointment_48h", channel="email"):
    return Message.objects.get(appointment=appointment, kind=kind, channel=channel)


def test_it_sends_an_email_when_it_is_due(book, now):
    message = _message(book())
    assert send_message.call(message.pk) == Status.SCHEDULED
    assert mail.outbox == []

    now.move_to(TWO_DAYS_BEFORE, tick=False)
    assert send_message.call(message.pk) == Status.SENT

    [email] = mail.outbox
    assert email.to == ["alex@example.org"]
    assert email.subject == "Appointment reminder"
    message.refresh_from_db()
    assert (message.status, message.sent_at, message.attempts) == ("sent", TWO_DAYS_BEFORE, 1)
    event = AuditEvent.objects.filter(object_id=str(message.pk)).latest("sequence")
    assert event.summary == "Sent the appointment reminder by email"
    assert event.actor_label == "reminders"


def test_it_sends_a_text_message_through_the_sender(book, now, fake_sms):
    message = _message(book(), "appointment_2h", "sms")
    now.move_to(message.scheduled_for, tick=False)
    send_message.call(message.pk)
    [sent] = fake_sms.outbox
    assert sent.to == "07700900123"
    assert sent.body == message.body
    message.refresh_from_db()
    assert (message.status, message.provider_reference) == ("sent", "fake-1")


def test_it_sends_nothing_twice(book, now):
    message = _message(book())
    now.move_to(TWO_DAYS_BEFORE, tick=False)
    send_message.call(message.pk)
    send_message.call(message.pk)
    services.send_due()
    assert len(mail.outbox) == 2  # the appointment reminder and the questionnaire request


def test_a_failed_send_is_tried_again_later_then_marked_failed(
    book, now, fake_sms, django_capture_on_commit_callbacks
):
    message = _message(book(), "appointment_48h", "sms")
    fake_sms.fail_with = "GOV.UK Notify could not be reached"
    at = TWO_DAYS_BEFORE
    for attempt, wait in enumerate([5, 15, 60], start=1):
        now.move_to(at, tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            assert send_message.call(message.pk) == Status.SCHEDULED
        message.refresh_from_db()
        assert message.attempts == attempt
        at = at + dt.timedelta(minutes=wait)
        assert message.scheduled_for == at
        assert message.last_error == "SmsFailed: GOV.UK Notify could not be reached"
        retry_task = DBTaskResult.objects.filter(run_after=at, args_kwargs__args=[message.pk])
        assert retry_task.exists()

    now.move_to(at, tick=False)
    assert send_message.call(message.pk) == Status.FAILED
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 4)
    assert fake_sms.outbox == []
    summaries = list(
        AuditEvent.objects.filter(object_id=str(message.pk), action="update")
        .order_by("sequence")
        .values_list("summary", flat=True)
    )
    assert summaries[0].startswith(
        "The appointment reminder by text message could not be sent; trying again at "
    )
    assert summaries[-1] == (
        "The appointment reminder by text message could not be sent and will not be tried "
        "again until someone asks (attempt 4)"
    )


def test_a_failed_message_can_be_tried_again(book, now, fake_sms, administrator):
    message = _message(book(), "appointment_48h", "sms")
    message.status, message.attempts = Status.FAILED, 4
    message.save(update_fields=["status", "attempts"])
    now.move_to(TWO_DAYS_BEFORE + dt.timedelta(hours=3), tick=False)

    services.retry(message=message, by=administrator)
    assert send_message.call(message.pk) == Status.SENT
    assert len(fake_sms.outbox) == 1
    event = AuditEvent.objects.get(actor=administrator, object_type="reminders.message")
    assert event.summary == "Asked to try the appointment reminder by text message again"


def test_only_a_failed_message_can_be_tried_again(book, administrator):
    with pytest.raises(services.RemindersRefused):
        services.retry(message=_message(book()), by=administrator)


def test_the_task_cancels_a_message_whose_appointment_moved_without_it(book, now):
    appointment = book()
    type(appointment).objects.filter(pk=appointment.pk).update(
        starts_at=NEXT_WEEK + dt.timedelta(hours=1), ends_at=NEXT_WEEK + dt.timedelta(hours=2)
    )
    message = _message(appointment)
    now.move_to(TWO_DAYS_BEFORE, tick=False)
    assert send_message.call(message.pk) == Status.CANCELLED
    message.refresh_from_db()
    assert message.cancelled_because == "The appointment moved"
    assert mail.outbox == []


def test_the_task_cancels_a_message_once_consent_is_withdrawn(book, now, client_record):
    message = _message(book())
    client_record.consent_email = False
    client_record.save(update_fields=["consent_email"])
    now.move_to(TWO_DAYS_BEFORE, tick=False)
    assert send_message.call(message.pk) == Status.CANCELLED
    message.refresh_from_db()
    assert message.cancelled_because == "The client no longer consents to emails"
    assert mail.outbox == []


def test_the_sweep_sends_what_is_due_when_a_task_was_lost(book, now):
    book()
    DBTaskResult.objects.all().delete()
    now.move_to(TWO_DAYS_BEFORE, tick=False)
    out = StringIO()
    call_command("send_due_reminders", stdout=out)
    assert out.getvalue().strip() == "Reminders due: 4 sent"
    assert len(mail.outbox) == 2


def test_the_worker_sends_the_message_once_it_is_due(book, now, monkeypatch):
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    message = _message(book(), "appointment_2h", "email")
    DBTaskResult.objects.exclude(args_kwargs__args=[message.pk]).delete()
    now.move_to(message.scheduled_for + dt.timedelta(seconds=1), tick=False)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert [email.subject for email in mail.outbox] == ["Appointment reminder"]


@pytest.fixture
def homework(course, therapist):
    session = add_appointment(course, starts_at=NOW - dt.timedelta(days=1))
    return HomeworkTask.objects.create(
        course=course,
        set_at=session,
        description="Talk to my sister about the argument over Mum's care",
        set_by=therapist,
    )


def test_a_homework_nudge_goes_three_days_after_the_session(homework, client_record, now):
    nudge_at = homework.set_at.ends_at + dt.timedelta(hours=72)
    assert services.send_due() == {}
    assert {(m.kind, m.scheduled_for) for m in Message.objects.all()} == {("homework", nudge_at)}
    assert mail.outbox == []

    now.move_to(nudge_at, tick=False)
    assert services.send_due() == {"sent": 2}
    assert {m.kind for m in Message.objects.all()} == {"homework"}
    assert len(mail.outbox) == 1
    assert services.send_due() == {}


def test_no_homework_nudge_once_the_homework_is_reviewed(homework, client_record, now, course):
    review = add_appointment(course, starts_at=NOW + dt.timedelta(days=5))
    HomeworkTask.objects.filter(pk=homework.pk).update(
        outcome="done", reviewed_at=review, reviewed_by=course.therapist, reviewed_on=NOW
    )
    now.move_to(homework.set_at.ends_at + dt.timedelta(hours=72), tick=False)
    services.send_due()
    assert not Message.objects.exists()


def test_no_message_holds_clinical_details(book, homework, course, now, fake_sms):
    book()
    now.move_to(homework.set_at.ends_at + dt.timedelta(hours=72), tick=False)
    services.send_due()
    now.move_to(NEXT_WEEK - dt.timedelta(hours=1), tick=False)
    services.send_due()
    bodies = [email.body for email in mail.outbox] + [sent.body for sent in fake_sms.outbox]
    assert len(bodies) == 10  # 4 kinds before the appointment + the homework nudge, both ways
    referral_reason = course.referral.reason
    for body in bodies:
        assert "Northshire Talking Therapies" in body
        assert "http://127.0.0.1:8000/my/" in body
        assert "sister" not in body and "argument" not in body
        assert referral_reason not in body and "bereavement" not in body
        assert course.client.family_name not in body
        assert "Tessa" not in body


def test_a_message_goes_under_the_name_the_service_chose(book, now, service, manager):
    services.update_settings(service=service, by=manager, sender_name="Northshire Health")
    message = _message(book())
    now.move_to(TWO_DAYS_BEFORE, tick=False)
    send_message.call(message.pk)
    [email] = mail.outbox
    assert email.from_email == "Northshire Health <no-reply@localhost>"
    assert "You have an appointment with Northshire Health on Monday 9 March 2026" in email.body
    assert service.name not in email.body and service.name not in email.from_email


def test_a_message_goes_under_the_services_name_by_default(book, now, service):
    message = _message(book())
    now.move_to(TWO_DAYS_BEFORE, tick=False)
    send_message.call(message.pk)
    assert mail.outbox[0].from_email == f"{service.name} <no-reply@localhost>"
