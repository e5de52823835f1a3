"""Responses are never changed and alerts change once; the database holds the same rules."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError

from ipt.measures import services
from ipt.measures.models import AppendOnlyError, EntryMode, Response, RiskAlert

from .support import NOW, phq9, sixth_session


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def response(course, therapist):
    return services.submit(
        appointment=sixth_session(course),
        instrument_code="PHQ9",
        answers=phq9(q9=1),
        entry_mode=EntryMode.THERAPIST_IN_SESSION,
        by=therapist,
    )


def _copy(response, **changes) -> Response:
    fields = {
        name: getattr(response, name)
        for name in (
            "client_id",
            "course_id",
            "appointment_id",
            "instrument_code",
            "answers",
            "total",
            "severity",
            "is_complete",
            "incomplete_reason",
            "entry_mode",
            "effective_at",
        )
    }
    return Response(**(fields | changes))


def test_it_refuses_to_save_a_submitted_response_again(response):
    response.total = 0
    with pytest.raises(AppendOnlyError, match="correct it instead"):
        response.save()
    with pytest.raises(AppendOnlyError):
        response.delete()
    response.refresh_from_db()
    assert response.total == 9


def test_the_database_refuses_to_update_a_response(response):
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(total=0)
    response.refresh_from_db()
    assert response.total == 9


def test_the_database_allows_one_first_version_per_appointment_and_questionnaire(response):
    with pytest.raises(IntegrityError), transaction.atomic():
        _copy(response).save()


def test_the_database_allows_one_correction_of_each_version(response, therapist):
    services.correct(response=response, answers=phq9(q9=2), reason="Typo", by=therapist)
    with pytest.raises(IntegrityError), transaction.atomic():
        _copy(response, version=3, supersedes=response, correction_reason="Again").save()


def test_the_database_wants_a_reason_for_a_correction(response):
    with pytest.raises(IntegrityError), transaction.atomic():
        _copy(response, version=2, supersedes=response).save()


def test_the_database_refuses_a_total_for_an_incomplete_form(response):
    with pytest.raises(IntegrityError), transaction.atomic():
        _copy(
            response,
            appointment_id=None,
            is_complete=False,
            incomplete_reason="Not answered: question 3 (sleep)",
        ).save()


def test_current_leaves_out_superseded_versions(response, therapist):
    corrected = services.correct(response=response, answers=phq9(q9=2), reason="Typo", by=therapist)
    again = services.correct(response=corrected, answers=phq9(q9=3), reason="Typo", by=therapist)

    assert list(Response.objects.current()) == [again]
    assert list(Response.objects.for_outcomes()) == [again]
    assert Response.objects.count() == 3


def test_an_alert_is_only_ever_acknowledged_or_escalated(response):
    alert = RiskAlert.objects.get()
    alert.flag = "OTHER"
    with pytest.raises(AppendOnlyError):
        alert.save()
    with pytest.raises(AppendOnlyError):
        alert.save(update_fields=["flag"])
    with pytest.raises(AppendOnlyError):
        alert.delete()


def test_the_database_refuses_to_change_an_alert_once_acknowledged(response, therapist):
    alert = services.acknowledge(alert=RiskAlert.objects.get(), action_note="Called", by=therapist)
    with pytest.raises(DatabaseError, match="once"), transaction.atomic():
        RiskAlert.objects.filter(pk=alert.pk).update(action_note="Something else")
    with pytest.raises(DatabaseError, match="once"), transaction.atomic():
        RiskAlert.objects.filter(pk=alert.pk).update(escalate_at=NOW + dt.timedelta(days=9))


def test_the_database_wants_a_note_and_a_person_with_an_acknowledgement(response):
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskAlert.objects.filter(pk=RiskAlert.objects.get().pk).update(acknowledged_at=NOW)
