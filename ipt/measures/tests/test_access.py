"""Who sees questionnaire answers and risk alerts, and who may enter, correct and acknowledge."""

import datetime as dt

import pytest

from ipt.accounts.models import Supervision
from ipt.measures import access, services
from ipt.measures.models import EntryMode, RiskAlert

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


@pytest.fixture
def alert(response):
    return RiskAlert.objects.select_related("client", "course").get()


CLINICIANS_OF_THE_COURSE = [
    ("therapist", True),
    ("supervisor", True),
    ("manager", True),
    ("administrator", False),
    ("other_therapist", False),
    ("outsider", False),
]


@pytest.mark.parametrize(("persona", "sees"), CLINICIANS_OF_THE_COURSE)
def test_it_shows_answers_only_to_clinicians_of_the_course(request, response, persona, sees):
    user = request.getfixturevalue(persona)
    assert access.visible_responses(user).filter(pk=response.pk).exists() is sees


@pytest.mark.parametrize(("persona", "sees"), CLINICIANS_OF_THE_COURSE)
def test_it_shows_alerts_only_to_clinicians_of_the_course(request, alert, persona, sees):
    user = request.getfixturevalue(persona)
    assert access.visible_alerts(user).filter(pk=alert.pk).exists() is sees


@pytest.mark.parametrize(("persona", "may"), CLINICIANS_OF_THE_COURSE)
def test_it_lets_the_clinicians_of_the_course_enter_questionnaires(request, course, persona, may):
    assert access.can_enter(request.getfixturevalue(persona), course) is may


@pytest.mark.parametrize(("persona", "may"), CLINICIANS_OF_THE_COURSE)
def test_it_lets_the_therapist_their_supervisor_and_managers_acknowledge(
    request, alert, persona, may
):
    user = request.getfixturevalue(persona)
    assert access.can_acknowledge(user, alert) is may
    assert (alert.pk in access.acknowledgeable(user, [alert])) is may


def test_a_supervisor_an_alert_went_to_still_sees_it_after_supervision_ends(
    alert, supervisor, therapist
):
    services.escalate_due(now=NOW + dt.timedelta(hours=24))
    Supervision.objects.filter(supervisor=supervisor).delete()

    assert access.visible_alerts(supervisor).filter(pk=alert.pk).exists()
    assert list(access.alerts_for_attention(supervisor)) == [alert]


def test_alerts_for_attention_are_the_users_own_and_those_escalated_to_them(
    alert, therapist, supervisor, manager
):
    assert list(access.alerts_for_attention(therapist)) == [alert]
    assert list(access.alerts_for_attention(supervisor)) == []
    assert list(access.alerts_for_attention(manager)) == []

    services.escalate_due(now=NOW + dt.timedelta(hours=24))
    assert list(access.alerts_for_attention(supervisor)) == [alert]
    assert list(access.alerts_for_attention(manager)) == []

    services.acknowledge(alert=alert, action_note="Called", by=therapist)
    assert list(access.alerts_for_attention(therapist)) == []
    assert list(access.alerts_for_attention(supervisor)) == []


def test_an_administrator_who_is_also_a_therapist_sees_their_own_clients_answers(
    response, therapist
):
    therapist.is_administrator = True
    therapist.save(update_fields=["is_administrator"])
    assert access.visible_responses(therapist).filter(pk=response.pk).exists()


def test_alerts_narrowed_to_some_clients_leave_out_other_clients_escalated_ones_too(
    alert, supervisor, course
):
    services.escalate_due(now=NOW + dt.timedelta(hours=24))
    Supervision.objects.filter(supervisor=supervisor).delete()  # reachable only as escalated

    assert list(access.visible_alerts(supervisor, among_clients=[course.client_id])) == [alert]
    assert list(access.visible_alerts(supervisor, among_clients=[])) == []
    assert list(access.visible_alerts(supervisor, among_clients=[course.client_id + 1])) == []


def test_alerts_for_attention_are_the_same_past_the_number_it_names_in_a_query(
    alert, therapist, supervisor, monkeypatch
):
    services.escalate_due(now=NOW + dt.timedelta(hours=24))
    monkeypatch.setattr(access, "NARROW_AT_MOST", 0)
    assert list(access.alerts_for_attention(therapist)) == [alert]
    assert list(access.alerts_for_attention(supervisor)) == [alert]
    services.acknowledge(alert=alert, action_note="Called", by=therapist)
    assert list(access.alerts_for_attention(supervisor)) == []
