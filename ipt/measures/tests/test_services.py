"""Submitting and correcting questionnaires: scoring, stamping, incompleteness, audit, refusals."""

import datetime as dt

import pytest

from ipt.core.models import AuditEvent
from ipt.courses import services as courses
from ipt.courses.models import TherapyVariant
from ipt.courses.tests.factories import add_appointment
from ipt.measures import services
from ipt.measures.instruments import InvalidAnswers
from ipt.measures.models import EntryMode, MeasuresSettings, Response

from .support import NOW, TODAY_AT_TEN, gad7, phq9, sixth_session, wsas


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def appointment(course):
    return sixth_session(course)


def _submit(appointment, code="PHQ9", answers=None, **extra):
    return services.submit(
        appointment=appointment,
        instrument_code=code,
        answers=phq9() if answers is None else answers,
        entry_mode=extra.pop("entry_mode", EntryMode.THERAPIST_IN_SESSION),
        by=extra.pop("by", appointment.course.therapist),
        **extra,
    )


def test_it_stores_a_complete_phq9_with_its_total_band_and_stamp(appointment, therapist):
    response = _submit(appointment, answers=phq9(each=2))

    response.refresh_from_db()
    assert (response.total, response.severity, response.is_complete) == (
        16,
        "moderately severe",
        True,
    )
    assert response.incomplete_reason == "" and response.flags == []
    assert (response.session_number, response.phase) == (6, "middle")
    assert response.client_id == appointment.course.client_id
    assert response.course_id == appointment.course_id and response.appointment == appointment
    assert response.entry_mode == "therapist_in_session"
    assert response.submitted_by == therapist
    assert response.effective_at == NOW and response.submitted_at == NOW
    assert response.instrument_version == "1" and response.version == 1


def test_it_stamps_the_phase_from_the_current_contract(appointment, course, therapist):
    courses.renegotiate_contract(
        course=course,
        by=therapist,
        reason="Longer initial phase agreed",
        agreed_on=NOW.date(),
        initial_last=6,
    )
    response = _submit(appointment)
    assert (response.session_number, response.phase) == (6, "initial")


def test_it_gives_no_session_number_to_an_assessment(course, therapist):
    assessment = add_appointment(course, kind="assessment", starts_at=TODAY_AT_TEN, attendance="")
    response = _submit(assessment)
    assert (response.session_number, response.phase) == (None, "")


def test_it_stores_an_incomplete_form_without_a_total_and_says_what_is_missing(appointment):
    response = _submit(appointment, answers=phq9(leave_out=("q3", "q10")))

    assert response.is_complete is False
    assert response.total is None and response.severity == ""
    assert response.incomplete_reason == (
        "Not answered: question 3 (sleep) and question 10 (difficulty)"
    )
    assert not Response.objects.for_outcomes().exists()


def test_it_stores_a_wsas_without_the_work_item_for_someone_not_working(appointment):
    response = _submit(appointment, code="WSAS", answers=wsas(3, not_working=True))
    assert response.is_complete and response.total == 12


@pytest.mark.parametrize(
    "answers",
    [
        {"q1": 4},
        {"q11": 1},
        {"q1": "2"},
        {"q1": True},
    ],
)
def test_it_refuses_invalid_answers_and_saves_nothing(appointment, answers):
    with pytest.raises(InvalidAnswers):
        _submit(appointment, answers=answers)
    assert not Response.objects.exists()
    assert not AuditEvent.objects.filter(object_type="measures.response").exists()


def test_it_refuses_an_unknown_questionnaire(appointment):
    with pytest.raises(services.MeasuresRefused, match="There is no questionnaire called XYZ"):
        _submit(appointment, code="XYZ", answers={})


def test_it_refuses_a_second_entry_for_the_same_appointment(appointment):
    _submit(appointment)
    with pytest.raises(services.MeasuresRefused, match="already been entered. Correct it"):
        _submit(appointment)
    assert Response.objects.count() == 1


def test_it_refuses_answers_from_the_future(appointment):
    with pytest.raises(services.MeasuresRefused, match="cannot be in the future"):
        _submit(appointment, effective_at=NOW + dt.timedelta(hours=1))


def test_it_refuses_an_unknown_entry_mode(appointment):
    with pytest.raises(services.MeasuresRefused, match="Select how the answers were given"):
        _submit(appointment, entry_mode="fax")


def test_it_audits_a_submission_with_the_client(appointment, therapist):
    response = _submit(appointment, answers=phq9(each=2))
    event = AuditEvent.objects.get(object_type="measures.response", action="create")
    assert event.client_id == appointment.course.client_id
    assert event.object_id == str(response.pk)
    assert event.actor == therapist
    assert event.summary == (
        "Entered the PHQ-9 for session 6 (entered by the therapist in the session): total 16"
    )


def test_it_submits_a_whole_set_or_nothing(appointment):
    with pytest.raises(InvalidAnswers):
        services.submit_set(
            appointment=appointment,
            answers_by_instrument={"PHQ9": phq9(), "GAD7": {"q1": 9}},
            entry_mode=EntryMode.PAPER,
            by=appointment.course.therapist,
        )
    assert not Response.objects.exists()

    saved = services.submit_set(
        appointment=appointment,
        answers_by_instrument={"PHQ9": phq9(), "GAD7": gad7(), "WSAS": wsas()},
        entry_mode=EntryMode.PAPER,
        by=appointment.course.therapist,
    )
    assert [r.instrument_code for r in saved] == ["PHQ9", "GAD7", "WSAS"]
    assert {r.entry_mode for r in saved} == {"paper"}


def test_it_corrects_as_a_new_version_and_keeps_the_original(appointment, therapist):
    original = _submit(appointment, answers=phq9(each=1))
    corrected = services.correct(
        response=original,
        answers=phq9(each=2),
        reason="Entered against the wrong client's form",
        by=therapist,
    )

    original.refresh_from_db()
    assert original.answers == phq9(each=1) and original.total == 8
    assert (corrected.version, corrected.supersedes, corrected.total) == (2, original, 16)
    assert corrected.correction_reason == "Entered against the wrong client's form"
    assert corrected.effective_at == original.effective_at
    assert (corrected.session_number, corrected.phase) == (6, "middle")
    assert list(Response.objects.current()) == [corrected]
    assert original.superseded_by == corrected
    event = AuditEvent.objects.get(object_id=str(corrected.pk), object_type="measures.response")
    assert event.summary.startswith("Corrected the PHQ-9 (version 2)")
    assert event.changes["total"] == [8, 16]


def test_it_refuses_a_correction_without_a_reason_or_a_change(appointment, therapist):
    original = _submit(appointment)
    with pytest.raises(services.MeasuresRefused, match="Enter the reason"):
        services.correct(response=original, answers=phq9(each=2), reason="  ", by=therapist)
    with pytest.raises(services.MeasuresRefused, match="Change at least one answer"):
        services.correct(response=original, answers=phq9(), reason="Typo", by=therapist)
    assert Response.objects.count() == 1


def test_it_refuses_to_correct_a_version_already_corrected(appointment, therapist):
    original = _submit(appointment)
    services.correct(response=original, answers=phq9(each=2), reason="Typo", by=therapist)
    with pytest.raises(services.MeasuresRefused, match="Correct the latest version"):
        services.correct(response=original, answers=phq9(each=3), reason="Typo", by=therapist)


def test_a_correction_can_complete_an_incomplete_form(appointment, therapist):
    original = _submit(appointment, answers=phq9(leave_out=("q4",)))
    corrected = services.correct(
        response=original, answers=phq9(), reason="Client answered later", by=therapist
    )
    assert corrected.is_complete and corrected.total == 8
    assert list(Response.objects.for_outcomes()) == [corrected]


def test_it_uses_the_default_set_until_one_is_configured(course, therapist, manager):
    assert services.instrument_codes_for(course) == ["PHQ9", "GAD7", "WSAS"]

    services.configure_set(service=course.service, instrument_codes=["PHQ9", "WSAS"], by=manager)
    assert services.instrument_codes_for(course) == ["PHQ9", "WSAS"]

    services.configure_set(
        service=course.service, variant=course.variant, instrument_codes=["PHQ9"], by=manager
    )
    assert services.instrument_codes_for(course) == ["PHQ9"]
    assert AuditEvent.objects.filter(object_type="measures.questionnaireset").count() == 2


def test_it_refuses_a_set_with_an_unknown_questionnaire_or_another_services_variant(
    course, manager, outsider
):
    with pytest.raises(services.MeasuresRefused, match="There is no questionnaire called CORE"):
        services.configure_set(service=course.service, instrument_codes=["CORE"], by=manager)
    with pytest.raises(services.MeasuresRefused, match="Select at least one"):
        services.configure_set(service=course.service, instrument_codes=[], by=manager)
    elsewhere = TherapyVariant.objects.create(service=outsider.service, code="x", name="X")
    with pytest.raises(services.MeasuresRefused, match="Choose one of the service's"):
        services.configure_set(
            service=course.service, variant=elsewhere, instrument_codes=["PHQ9"], by=manager
        )


def test_it_changes_the_risk_settings_and_audits_it(service, manager):
    assert services.settings_for(service).escalation_hours == 24
    assert "116 123" in services.settings_for(service).crisis_information

    services.update_settings(
        service=service, escalation_hours=12, crisis_information="Call 999", by=manager
    )

    saved = MeasuresSettings.objects.get(service=service)
    assert (saved.escalation_hours, saved.crisis_information) == (12, "Call 999")
    event = AuditEvent.objects.get(object_type="measures.measuressettings")
    assert event.changes["escalation_hours"] == [None, 12]


@pytest.mark.parametrize(
    ("hours", "text", "message"),
    [(0, "Call 999", "between 1 and 168"), (12, "  ", "Enter the crisis information")],
)
def test_it_refuses_invalid_risk_settings(service, manager, hours, text, message):
    with pytest.raises(services.MeasuresRefused, match=message):
        services.update_settings(
            service=service, escalation_hours=hours, crisis_information=text, by=manager
        )
    assert not MeasuresSettings.objects.exists()
