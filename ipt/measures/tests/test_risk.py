"""Risk always reaches a clinician: every way a PHQ-9 arrives raises an alert for question 9,
and an alert nobody acknowledges escalates to the supervisor (or the service managers)."""

import datetime as dt

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ipt.accounts.models import Supervision
from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import add_appointment
from ipt.measures import presenters, services
from ipt.measures.instruments import InvalidAnswers
from ipt.measures.models import EntryMode, MeasuresSettings, Response, RiskAlert

from .support import NOW, TODAY_AT_TEN, form_data, gad7, phq9, sixth_session, wsas


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def appointment(course):
    return sixth_session(course)


def _submit(appointment, answers, *, by, entry_mode=EntryMode.THERAPIST_IN_SESSION):
    return services.submit(
        appointment=appointment,
        instrument_code="PHQ9",
        answers=answers,
        entry_mode=entry_mode,
        by=by,
    )


def _raised(alert: RiskAlert, therapist, response: Response) -> None:
    assert alert.flag == "PHQ9_Q9"
    assert alert.response == response
    assert alert.client_id == response.client_id and alert.course_id == response.course_id
    assert alert.therapist == therapist
    assert alert.raised_at == NOW
    assert alert.escalate_at == NOW + dt.timedelta(hours=24)
    assert alert.is_open and alert.escalated_at is None


def test_a_complete_form_entered_by_the_therapist_raises_an_alert(as_user, appointment, therapist):
    url = reverse("measures:enter", kwargs={"pk": appointment.pk})
    response = as_user(therapist).post(
        url, form_data({"PHQ9": phq9(q9=1), "GAD7": gad7(), "WSAS": wsas()})
    )
    assert response.status_code == 302
    phq = Response.objects.get(instrument_code="PHQ9")
    _raised(RiskAlert.objects.get(), therapist, phq)
    assert phq.is_complete


def test_an_incomplete_form_with_question_9_answered_raises_an_alert(
    as_user, appointment, therapist
):
    url = reverse("measures:enter", kwargs={"pk": appointment.pk})
    data = form_data({"PHQ9": {"q9": 2}, "GAD7": {}, "WSAS": {}}, save_incomplete="on")
    assert as_user(therapist).post(url, data).status_code == 302
    phq = Response.objects.get(instrument_code="PHQ9")
    assert not phq.is_complete
    _raised(RiskAlert.objects.get(), therapist, phq)


def test_a_correction_that_sets_question_9_raises_a_new_alert(as_user, appointment, therapist):
    original = _submit(appointment, phq9(q9=0), by=therapist)
    assert not RiskAlert.objects.exists()

    url = reverse("measures:correct", kwargs={"pk": original.pk})
    data = form_data({"PHQ9": phq9(q9=3)}, reason="Question 9 was missed off the form")
    assert as_user(therapist).post(url, data).status_code == 302

    corrected = Response.objects.current().get()
    _raised(RiskAlert.objects.get(), therapist, corrected)


def test_a_form_the_client_submits_raises_an_alert(appointment, therapist):
    """As the portal will: the service function, no member of staff, the client's own mode."""
    response = _submit(appointment, phq9(q9=1), by=None, entry_mode=EntryMode.CLIENT_ONLINE)
    _raised(RiskAlert.objects.get(), therapist, response)
    event = AuditEvent.objects.get(object_type="measures.riskalert", action="create")
    assert event.actor is None and event.actor_label == "system"
    assert event.client_id == response.client_id


def test_question_9_answered_not_at_all_raises_nothing(appointment, therapist):
    _submit(appointment, phq9(q9=0, each=3), by=therapist)
    assert not RiskAlert.objects.exists()


def test_an_alert_is_never_removed_by_a_correction(appointment, therapist):
    original = _submit(appointment, phq9(q9=1), by=therapist)
    corrected = services.correct(
        response=original, answers=phq9(q9=0), reason="Wrong box ticked", by=therapist
    )
    assert corrected.flags == []
    alert = RiskAlert.objects.get()
    assert alert.is_open and alert.response == original
    event = AuditEvent.objects.get(object_id=str(corrected.pk), object_type="measures.response")
    assert "stays until acknowledged" in event.summary


def test_a_correction_that_keeps_the_flag_raises_no_second_alert(appointment, therapist):
    original = _submit(appointment, phq9(q9=1), by=therapist)
    services.correct(response=original, answers=phq9(q9=2), reason="Misread", by=therapist)
    assert RiskAlert.objects.count() == 1


def test_the_escalation_time_comes_from_the_service_settings(appointment, therapist, service):
    MeasuresSettings.objects.create(service=service, escalation_hours=4)
    _submit(appointment, phq9(q9=1), by=therapist)
    assert RiskAlert.objects.get().escalate_at == NOW + dt.timedelta(hours=4)


def test_raising_an_alert_is_audited_without_a_score(appointment, therapist):
    response = _submit(appointment, phq9(q9=1), by=therapist)
    event = AuditEvent.objects.get(object_type="measures.riskalert", action="create")
    assert event.client_id == response.client_id and event.actor == therapist
    assert event.summary == (
        "Risk alert raised for the client's therapist: PHQ-9 question 9 (thoughts that you "
        "would be better off dead or of hurting yourself in some way): answered 'Several days'"
    )


def test_the_alert_says_what_was_answered_and_what_to_do_never_a_risk_level(appointment, therapist):
    _submit(appointment, phq9(q9=2), by=therapist)
    message = presenters.alert_message(RiskAlert.objects.get())
    assert message == (
        "PHQ-9 question 9 (thoughts that you would be better off dead or of hurting yourself in "
        "some way): answered 'More than half the days' on Tuesday 24 November 2026. "
        "Talk to the client about their safety before or at the session."
    )
    for word in ("score", "low", "medium", "high", "risk level"):
        assert word not in message.lower()


def test_the_escalation_is_queued_when_the_alert_is_committed(
    appointment, therapist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _submit(appointment, phq9(q9=1), by=therapist)
    assert not DBTaskResult.objects.exists()
    assert callbacks  # the escalation, and the course's outcome summary refresh

    for callback in callbacks:
        callback()

    task = DBTaskResult.objects.get()
    assert task.task_path == "ipt.measures.tasks.escalate_risk_alerts"
    assert task.run_after == RiskAlert.objects.get().escalate_at
    assert task.status == "READY"


def test_nothing_is_queued_when_the_submission_fails(
    appointment, therapist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidAnswers):
        services.submit_set(
            appointment=appointment,
            answers_by_instrument={"PHQ9": phq9(q9=1), "GAD7": {"q1": 9}},
            entry_mode=EntryMode.THERAPIST_IN_SESSION,
            by=therapist,
        )
    assert not RiskAlert.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_an_earlier_next_session_is_queued_too(
    course, appointment, therapist, django_capture_on_commit_callbacks
):
    later_today = add_appointment(
        course, starts_at=TODAY_AT_TEN + dt.timedelta(hours=5), attendance=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        _submit(appointment, phq9(q9=1), by=therapist)
    assert sorted(DBTaskResult.objects.values_list("run_after", flat=True)) == [
        later_today.starts_at,
        NOW + dt.timedelta(hours=24),
    ]


@pytest.fixture
def alert(appointment, therapist):
    _submit(appointment, phq9(q9=1), by=therapist)
    return RiskAlert.objects.get()


def test_an_unacknowledged_alert_escalates_to_the_supervisor_after_24_hours(alert, supervisor):
    assert services.escalate_due(now=NOW + dt.timedelta(hours=23, minutes=59)) == []

    when = NOW + dt.timedelta(hours=24)
    assert services.escalate_due(now=when) == [alert]

    alert.refresh_from_db()
    assert alert.escalated_at == when
    assert list(alert.escalated_to.all()) == [supervisor]
    event = AuditEvent.objects.get(object_type="measures.riskalert", action="update")
    assert event.actor is None and event.client_id == alert.client_id
    assert event.summary.endswith("not acknowledged in time")
    assert event.changes["escalated_to"] == [[], ["sam"]]


def test_an_alert_escalates_once(alert, supervisor):
    services.escalate_due(now=NOW + dt.timedelta(hours=24))
    assert services.escalate_due(now=NOW + dt.timedelta(hours=48)) == []
    assert AuditEvent.objects.filter(object_type="measures.riskalert", action="update").count() == 1


def test_an_alert_escalates_when_the_next_session_starts_first(course, alert, supervisor):
    # The session the questionnaire was entered at does not count: it has already begun.
    assert services.escalate_due(now=TODAY_AT_TEN + dt.timedelta(minutes=30)) == []
    cancelled = add_appointment(course, starts_at=NOW + dt.timedelta(hours=3), attendance="2")
    nxt = add_appointment(course, starts_at=NOW + dt.timedelta(hours=6), attendance="")
    assert services.escalate_due(now=cancelled.starts_at + dt.timedelta(minutes=1)) == []

    assert services.escalate_due(now=nxt.starts_at) == [alert]
    event = AuditEvent.objects.get(object_type="measures.riskalert", action="update")
    assert event.summary.endswith("not acknowledged before the next session started")


def test_a_client_submission_escalates_when_the_session_it_was_for_starts(
    course, therapist, supervisor
):
    appointment = add_appointment(course, starts_at=NOW + dt.timedelta(days=2), attendance="")
    _submit(appointment, phq9(q9=1), by=None, entry_mode=EntryMode.CLIENT_ONLINE)
    # Raised two days before the session: the 24 hours pass first.
    assert len(services.escalate_due(now=NOW + dt.timedelta(hours=24))) == 1


def test_an_acknowledged_alert_never_escalates(alert, therapist, supervisor):
    services.acknowledge(
        alert=alert, action_note="Called the client; safety plan agreed", by=therapist
    )
    assert services.escalate_due(now=NOW + dt.timedelta(days=30)) == []
    alert.refresh_from_db()
    assert alert.escalated_at is None


def test_without_a_supervisor_an_alert_goes_to_the_service_managers(
    alert, manager, other_therapist
):
    escalated = services.escalate_due(now=NOW + dt.timedelta(hours=24))
    assert list(escalated[0].escalated_to.all()) == [manager]


def test_an_inactive_supervisor_is_passed_over_for_the_managers(alert, supervisor, manager):
    supervisor.is_active = False
    supervisor.save(update_fields=["is_active"])
    escalated = services.escalate_due(now=NOW + dt.timedelta(hours=24))
    assert list(escalated[0].escalated_to.all()) == [manager]


def test_every_supervisor_of_the_therapist_gets_the_alert(alert, supervisor, therapist, service):
    from ipt.accounts.tests.factories import UserFactory

    second = UserFactory(username="sue", service=service, is_therapist=True, is_supervisor=True)
    Supervision.objects.create(supervisor=second, supervisee=therapist)
    escalated = services.escalate_due(now=NOW + dt.timedelta(hours=24))
    assert set(escalated[0].escalated_to.all()) == {supervisor, second}


def test_the_therapist_acknowledges_with_an_action_note(alert, therapist, _now):
    _now.move_to(NOW + dt.timedelta(hours=2), tick=False)
    services.acknowledge(
        alert=alert, action_note="  Phoned the client; no plans or intent  ", by=therapist
    )

    alert.refresh_from_db()
    assert alert.acknowledged_at == NOW + dt.timedelta(hours=2)
    assert alert.acknowledged_by == therapist
    assert alert.action_note == "Phoned the client; no plans or intent"
    event = AuditEvent.objects.get(object_type="measures.riskalert", action="update")
    assert event.actor == therapist and event.client_id == alert.client_id
    assert event.summary.endswith("Action: Phoned the client; no plans or intent")


@pytest.mark.parametrize("persona", ["supervisor", "manager"])
def test_the_supervisor_or_a_manager_may_acknowledge(request, alert, persona):
    person = request.getfixturevalue(persona)
    services.acknowledge(alert=alert, action_note="Discussed with the therapist", by=person)
    alert.refresh_from_db()
    assert alert.acknowledged_by == person


@pytest.mark.parametrize("persona", ["other_therapist", "administrator", "outsider"])
def test_nobody_else_may_acknowledge(request, alert, persona):
    with pytest.raises(services.MeasuresRefused, match="Only the client's therapist"):
        services.acknowledge(alert=alert, action_note="Seen", by=request.getfixturevalue(persona))
    alert.refresh_from_db()
    assert alert.is_open


def test_an_acknowledgement_needs_a_note_and_happens_once(alert, therapist, supervisor):
    with pytest.raises(services.MeasuresRefused, match="Enter what you did"):
        services.acknowledge(alert=alert, action_note=" ", by=therapist)
    services.acknowledge(alert=alert, action_note="Called", by=therapist)
    with pytest.raises(services.MeasuresRefused, match="already been acknowledged"):
        services.acknowledge(alert=alert, action_note="Called again", by=supervisor)
    alert.refresh_from_db()
    assert alert.acknowledged_by == therapist and alert.action_note == "Called"
