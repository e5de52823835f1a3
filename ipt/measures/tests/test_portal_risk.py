"""Risk answers always reach a clinician: a portal questionnaire holding a risk answer (PHQ-9
question 9 above 'Not at all') that the client leaves unsent is sent for them 30 minutes after
their last answer, by a queued task or, should the task be lost, by the sweep command."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from ipt.core.models import AuditEvent
from ipt.measures import drafts, presenters, services
from ipt.measures.models import EntryMode, PortalDraft, Response, RiskAlert
from ipt.measures.tasks import submit_risky_draft

from .support import NOW, TODAY_AT_TEN, phq9, sixth_session
from .test_portal import sign_in

LATER = NOW + drafts.RISKY_DRAFT_SENT_AFTER


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def appointment(course):
    return sixth_session(course)


@pytest.fixture
def give(appointment, course, django_capture_on_commit_callbacks):
    """Answer questions in the portal as the client, committing each answer."""

    def give(answers: dict[str, int], code: str = "PHQ9") -> PortalDraft:
        for item_id, value in answers.items():
            with django_capture_on_commit_callbacks(execute=True):
                draft = drafts.save_answer(
                    appointment=appointment,
                    instrument_code=code,
                    item_id=item_id,
                    choice=str(value),
                    by=course.client,
                )
        return draft

    return give


def _queued() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path="ipt.measures.tasks.submit_risky_draft").order_by(
            "run_after"
        )
    )


def test_a_risk_answer_queues_sending_30_minutes_later(give):
    draft = give(phq9(q9=1, leave_out=("q10",)))

    [queued] = _queued()
    assert queued.run_after == LATER
    assert queued.args_kwargs == {"args": [draft.pk], "kwargs": {}}


def test_answers_without_a_risk_answer_queue_nothing(give):
    give(phq9(q9=0))
    give({f"q{n}": 3 for n in range(1, 8)}, code="GAD7")

    assert _queued() == []


def test_nothing_is_sent_before_30_minutes(give, clock):
    draft = give(phq9(q9=2, leave_out=("q10",)))
    clock.move_to(LATER - dt.timedelta(seconds=1), tick=False)

    assert submit_risky_draft.call(draft.pk) is None

    assert PortalDraft.objects.filter(pk=draft.pk).exists()
    assert not Response.objects.exists()
    assert not RiskAlert.objects.exists()


def test_after_30_minutes_the_clients_answers_are_sent_and_the_alert_raised(
    give, clock, course, therapist
):
    draft = give(phq9(q9=2, leave_out=("q10",)))
    clock.move_to(LATER, tick=False)

    sent_id = submit_risky_draft.call(draft.pk)

    response = Response.objects.get()
    assert sent_id == response.pk
    assert response.answers == phq9(q9=2, leave_out=("q10",))
    assert not response.is_complete and response.total is None
    assert response.entry_mode == EntryMode.CLIENT_ONLINE
    assert response.submitted_by is None
    assert response.effective_at == NOW
    assert response.session_number == 6
    assert not PortalDraft.objects.exists()
    alert = RiskAlert.objects.get()
    assert alert.response == response and alert.therapist == therapist
    event = AuditEvent.objects.get(object_type="measures.response")
    assert event.client_id == course.client_id
    assert event.actor_label == "system"
    assert event.summary.startswith("Entered the PHQ-9 for session 6 (completed online by")
    assert event.summary.endswith(
        "; sent automatically because it held a risk answer and was not sent within 30 minutes"
    )
    assert AuditEvent.objects.filter(object_type="measures.riskalert").count() == 1


def test_the_alert_is_raised_once_however_often_it_is_sent(give, clock):
    draft = give(phq9(q9=1, leave_out=("q10",)))
    clock.move_to(LATER, tick=False)

    submit_risky_draft.call(draft.pk)
    again = submit_risky_draft.call(draft.pk)
    swept = drafts.submit_risky_drafts()

    assert again is None and swept == []
    assert Response.objects.count() == 1
    assert RiskAlert.objects.count() == 1


def test_nothing_is_sent_when_the_client_sent_it_themselves(give, clock, appointment, course):
    draft = give(phq9(q9=1))
    clock.move_to(NOW + dt.timedelta(minutes=10), tick=False)
    drafts.submit(appointment=appointment, instrument_code="PHQ9", by=course.client)
    clock.move_to(LATER, tick=False)

    assert submit_risky_draft.call(draft.pk) is None

    response = Response.objects.get()
    assert response.effective_at == NOW + dt.timedelta(minutes=10)
    assert RiskAlert.objects.count() == 1
    assert not AuditEvent.objects.filter(summary__contains="sent automatically").exists()


def test_it_remembers_a_risk_answer_the_client_changes_back(give, clock, course):
    give(phq9(q9=2, leave_out=("q10",)))
    clock.move_to(NOW + dt.timedelta(minutes=5), tick=False)
    draft = give({"q9": 0})

    draft.refresh_from_db()
    assert draft.answers["q9"] == 0
    assert draft.risk_seen_at == NOW
    assert draft.risk_answers == {"q9": 2}
    first = AuditEvent.objects.filter(object_type="measures.portaldraft").order_by("pk")
    assert [e.changes.get("risk_answers") for e in first if "risk_answers" in e.changes] == [
        [None, {"q9": 2}]
    ]


def test_it_sends_a_risk_answer_changed_back_and_tells_the_clinician_what_was_answered(
    give, clock, course, therapist, django_capture_on_commit_callbacks
):
    draft = give(phq9(q9=2, leave_out=("q10",)))
    give({"q9": 0})
    clock.move_to(LATER, tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        sent_id = submit_risky_draft.call(draft.pk)

    response = Response.objects.get()
    assert sent_id == response.pk
    assert response.answers["q9"] == 0 and response.flags == []
    assert not PortalDraft.objects.exists()
    alert = RiskAlert.objects.get()
    assert alert.response == response and alert.therapist == therapist
    assert alert.flag == "PHQ9_Q9" and alert.answers == {"q9": 2}
    assert alert.note == (
        "question 9 answered 'More than half the days' online, "
        "then changed to 'Not at all' before sending"
    )
    message = presenters.alert_message(alert)
    assert "answered 'More than half the days' (question 9 answered" in message
    event = AuditEvent.objects.get(object_type="measures.riskalert")
    assert event.client_id == course.client_id
    assert "then changed to 'Not at all' before sending" in event.summary
    assert _escalations() == [alert.escalate_at]


def test_it_alerts_when_the_client_sends_a_risk_answer_changed_back_themselves(
    give, appointment, course
):
    give(phq9(q9=1))
    give({"q9": 0})

    response = drafts.submit(appointment=appointment, instrument_code="PHQ9", by=course.client)

    assert response.flags == []
    alert = RiskAlert.objects.get()
    assert alert.response == response
    assert alert.note == (
        "question 9 answered 'Several days' online, then changed to 'Not at all' before sending"
    )
    event = AuditEvent.objects.get(object_type="measures.riskalert")
    assert event.actor_label == f"client {course.client.reference}"


def test_a_risk_answer_the_client_keeps_raises_one_alert_of_its_own(give, appointment, course):
    give(phq9(q9=3))
    give({"q9": 1})

    drafts.submit(appointment=appointment, instrument_code="PHQ9", by=course.client)

    alert = RiskAlert.objects.get()
    assert alert.note == "" and alert.answers == {}


def test_a_client_still_answering_has_30_minutes_from_their_last_answer(give, clock):
    draft = give(phq9(q9=1, leave_out=("q10",)))
    clock.move_to(NOW + dt.timedelta(minutes=20), tick=False)
    give({"q10": 1})

    clock.move_to(LATER, tick=False)
    assert submit_risky_draft.call(draft.pk) is None

    clock.move_to(NOW + dt.timedelta(minutes=50), tick=False)
    assert [task.run_after for task in _queued()] == [LATER, NOW + dt.timedelta(minutes=50)]
    submit_risky_draft.call(draft.pk)
    response = Response.objects.get()
    assert response.is_complete and response.answers == phq9(q9=1)
    assert response.effective_at == NOW + dt.timedelta(minutes=20)


def test_it_is_sent_even_after_the_questionnaire_has_closed(give, clock):
    draft = give(phq9(q9=3, leave_out=("q10",)))
    clock.move_to(TODAY_AT_TEN + dt.timedelta(hours=3), tick=False)

    submit_risky_draft.call(draft.pk)

    assert Response.objects.get().effective_at == NOW
    assert RiskAlert.objects.count() == 1


def test_the_client_then_sees_it_as_completed(give, clock, appointment, course, therapist):
    give(phq9(q9=1, leave_out=("q10",)))
    clock.move_to(LATER, tick=False)
    drafts.submit_risky_drafts()
    me = sign_in(course.client, invited_by=therapist)
    done = reverse(
        "measures:portal_done", kwargs={"appointment_pk": appointment.pk, "code": "PHQ9"}
    )
    question_10 = reverse(
        "measures:portal_question",
        kwargs={"appointment_pk": appointment.pk, "code": "PHQ9", "item_id": "q10"},
    )

    listed = me.get(reverse("measures:portal_sets")).content.decode()
    posted = me.post(question_10, {"answer": "1"})

    assert "Completed" in listed
    assert posted.url == done
    assert Response.objects.count() == 1


def test_the_sweep_sends_one_whose_task_was_lost(give, clock):
    give(phq9(q9=1, leave_out=("q10",)))
    DBTaskResult.objects.all().delete()
    out = StringIO()

    call_command("escalate_risk_alerts", stdout=out)
    assert not Response.objects.exists()

    clock.move_to(LATER, tick=False)
    call_command("escalate_risk_alerts", stdout=out)
    call_command("escalate_risk_alerts", stdout=out)

    assert out.getvalue().splitlines()[::2] == [
        "Sent 0 unsent questionnaire(s) holding a risk answer",
        "Sent 1 unsent questionnaire(s) holding a risk answer",
        "Sent 0 unsent questionnaire(s) holding a risk answer",
    ]
    assert Response.objects.get().entry_mode == EntryMode.CLIENT_ONLINE
    assert RiskAlert.objects.count() == 1


def test_the_worker_sends_it_once_it_is_due(give, clock, monkeypatch):
    # As in test_tasks: the worker must not close the test's own connection between tasks.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    give(phq9(q9=1, leave_out=("q10",)))

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert not Response.objects.exists()

    clock.move_to(LATER + dt.timedelta(seconds=1), tick=False)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")

    assert _queued()[0].status == "SUCCESSFUL"
    assert RiskAlert.objects.count() == 1
    assert not PortalDraft.objects.exists()


def _escalations() -> list[dt.datetime]:
    return [
        task.run_after
        for task in DBTaskResult.objects.filter(
            task_path="ipt.measures.tasks.escalate_risk_alerts"
        ).order_by("run_after")
    ]


def _enter(appointment, therapist, answers):
    with transaction.atomic():
        return services.submit(
            appointment=appointment,
            instrument_code="PHQ9",
            answers=answers,
            entry_mode=EntryMode.THERAPIST_IN_SESSION,
            by=therapist,
        )


def test_it_passes_the_clients_risk_answer_on_when_the_therapist_has_entered_the_questionnaire(
    give, clock, appointment, course, therapist
):
    draft = give(phq9(q9=1, leave_out=("q10",)))
    entered = _enter(appointment, therapist, phq9(q9=0))
    clock.move_to(LATER, tick=False)

    with_escalation = submit_risky_draft.call(draft.pk)

    assert with_escalation == entered.pk
    assert list(Response.objects.all()) == [entered]
    alert = RiskAlert.objects.get()
    assert alert.response == entered and alert.therapist == therapist
    assert alert.answers == {"q9": 1}
    assert alert.note == (
        "answered online by the client (question 9 'Several days') "
        "after it was entered by the therapist in the session"
    )
    assert "answered 'Several days' (answered online by the client" in (
        presenters.alert_message(alert)
    )
    assert not PortalDraft.objects.exists()
    passed = AuditEvent.objects.get(object_type="measures.portaldraft", action="delete")
    assert passed.summary == (
        "The client's unsent PHQ-9 answers were passed on to their therapist with a risk alert: "
        "the questionnaire had already been entered by the therapist in the session for this "
        "appointment"
    )
    assert passed.changes["answers"] == [phq9(q9=1, leave_out=("q10",)), None]
    assert drafts.submit_risky_drafts() == []
    assert RiskAlert.objects.count() == 1


def test_an_alert_passed_on_escalates_like_any_other(
    give, clock, appointment, therapist, django_capture_on_commit_callbacks
):
    draft = give(phq9(q9=2, leave_out=("q10",)))
    _enter(appointment, therapist, phq9(q9=0))
    clock.move_to(LATER, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit_risky_draft.call(draft.pk)
    alert = RiskAlert.objects.get()

    assert _escalations() == [alert.escalate_at]
    assert services.escalate_due(now=alert.escalate_at) == [alert]


def test_the_clients_risk_answer_is_passed_on_even_when_the_therapist_also_flagged_it(
    give, appointment, course, therapist
):
    give(phq9(q9=3))
    entered = _enter(appointment, therapist, phq9(q9=1))

    returned = drafts.submit(appointment=appointment, instrument_code="PHQ9", by=course.client)

    assert returned == entered
    own, passed_on = RiskAlert.objects.order_by("pk")
    assert own.note == "" and passed_on.answers == {"q9": 3}
    assert passed_on.note.startswith(
        "answered online by the client (question 9 'Nearly every day')"
    )
    assert AuditEvent.objects.filter(object_type="measures.riskalert").count() == 2


def test_a_draft_without_a_risk_answer_is_recorded_not_dropped_silently(
    give, appointment, course, therapist
):
    give(phq9(q9=0))
    _enter(appointment, therapist, phq9(q9=0))

    drafts.submit(appointment=appointment, instrument_code="PHQ9", by=course.client)

    assert not RiskAlert.objects.exists()
    assert not PortalDraft.objects.exists()
    event = AuditEvent.objects.get(object_type="measures.portaldraft", action="delete")
    assert event.actor_label == f"client {course.client.reference}"
    assert "recorded here and not added" in event.summary
    assert event.changes["answers"][0] == phq9(q9=0)


def test_the_client_is_told_honestly_their_answers_were_passed_on(
    give, appointment, course, therapist
):
    give(phq9(q9=2))
    _enter(appointment, therapist, phq9(q9=0))
    me = sign_in(course.client, invited_by=therapist)
    check = reverse(
        "measures:portal_check", kwargs={"appointment_pk": appointment.pk, "code": "PHQ9"}
    )

    done = me.get(me.post(check).url).content.decode()

    assert "Your therapist has already recorded the PHQ-9 for this appointment" in done
    assert (
        "Your therapist has already recorded this questionnaire for this appointment; "
        "we have passed your answers on." in done
    )
    assert "Thank you, your PHQ-9 answers have been sent" not in done
    assert "Help in a crisis" in done
    assert RiskAlert.objects.get().answers == {"q9": 2}


def test_after_an_automatic_send_the_client_is_told_it_was_sent_automatically(
    give, clock, appointment, course, therapist
):
    give(phq9(q9=1, leave_out=("q10",)))
    clock.move_to(LATER, tick=False)
    drafts.submit_risky_drafts()
    me = sign_in(course.client, invited_by=therapist)
    done_url = reverse(
        "measures:portal_done", kwargs={"appointment_pk": appointment.pk, "code": "PHQ9"}
    )

    done = me.get(done_url).content.decode()

    assert "Your PHQ-9 answers were sent to your therapist automatically" in done
    assert "Thank you, your PHQ-9 answers have been sent" not in done
    with pytest.raises(drafts.DraftRefused, match="sent to your therapist automatically"):
        drafts.save_answer(
            appointment=appointment,
            instrument_code="PHQ9",
            item_id="q10",
            choice="1",
            by=course.client,
        )


def test_the_database_refuses_changing_what_a_passed_on_alert_says(give, appointment, course):
    give(phq9(q9=1))
    give({"q9": 0})
    drafts.submit(appointment=appointment, instrument_code="PHQ9", by=course.client)

    with pytest.raises(DatabaseError, match="once"), transaction.atomic():
        RiskAlert.objects.update(note="")
    with pytest.raises(DatabaseError, match="once"), transaction.atomic():
        RiskAlert.objects.update(answers={})

    assert RiskAlert.objects.get().answers == {"q9": 1}


def test_the_crisis_information_stays_after_a_risk_answer_is_changed_back(
    give, appointment, course, therapist
):
    give(phq9(q9=1, leave_out=("q10",)))
    give({"q9": 0})
    me = sign_in(course.client, invited_by=therapist)
    question_9 = reverse(
        "measures:portal_question",
        kwargs={"appointment_pk": appointment.pk, "code": "PHQ9", "item_id": "q9"},
    )

    page = me.get(question_9).content.decode()

    assert "call Samaritans free on 116 123" in page
