"""Opening a course, the course page, renegotiating the contract and ending the course."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ipt.clients.models import ReferralStatus
from ipt.clients.tests.factories import ClientFactory, ReferralFactory
from ipt.core.models import AuditEvent
from ipt.courses import services
from ipt.courses.models import Course, TreatmentContract

from .factories import add_appointment, attend


def _page(response) -> str:
    return response.content.decode()


def _date(prefix: str, value: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def _terms(**changes) -> dict[str, str]:
    return {
        "planned_sessions": "16",
        "frequency": "weekly",
        "session_minutes": "50",
        "initial_last": "4",
        "middle_last": "12",
        "mid_point_review": "8",
        "ending_named_at": "12",
        **_date("agreed_on", timezone.localdate()),
    } | changes


@pytest.fixture
def referral(service, site, therapist, manager):
    """Tessa's client, accepted for IPT, with no course yet."""
    client = ClientFactory(
        service=service, given_name="Jane", family_name="Doe", created_by=manager
    )
    return ReferralFactory(
        client=client,
        site=site,
        created_by=manager,
        allocated_therapist=therapist,
        status=ReferralStatus.ACCEPTED_FOR_IPT,
        received_on=timezone.localdate() - dt.timedelta(days=30),
    )


@pytest.fixture
def individual(service):
    return service.therapy_variants.get(code="individual")


def _open_url(referral) -> str:
    return reverse("courses:open", kwargs={"pk": referral.pk})


def test_it_offers_the_services_active_variants_with_their_defaults(
    as_user, therapist, referral, service
):
    service.therapy_variants.filter(code="maintenance").update(is_active=False)
    page = _page(as_user(therapist).get(_open_url(referral)))
    assert "Open a course of IPT" in page
    assert "IPT-A for adolescents" in page
    assert "12 sessions, weekly, 50 minutes; phases 1–4 / 5–8 / 9–12" in page
    assert "A parent or carer joins the first" in page
    assert "Maintenance IPT" not in page


def test_it_prefills_the_contract_from_the_chosen_variant(as_user, therapist, referral, service):
    adolescent = service.therapy_variants.get(code="adolescent")
    response = as_user(therapist).get(_open_url(referral), {"variant": adolescent.pk})
    page = _page(response)
    assert response.status_code == 200
    assert "Agree the contract" in page
    assert 'name="planned_sessions" type="text" value="12"' in page
    assert 'name="middle_last" type="text" value="8"' in page
    assert f'name="therapist" type="radio" value="{therapist.pk}" checked' in page
    assert f'name="agreed_on_year" type="text" value="{timezone.localdate().year}"' in page


def test_it_asks_again_when_no_variant_is_chosen(as_user, therapist, referral):
    response = as_user(therapist).get(_open_url(referral), {"choose": "1"})
    assert response.status_code == 422
    assert "Select the kind of IPT" in _page(response)


def test_it_opens_a_course_from_an_accepted_referral(as_user, therapist, referral, individual):
    data = {"variant": individual.pk, "therapist": therapist.pk} | _terms(
        planned_sessions="12", initial_last="3", middle_last="9", ending_named_at="9"
    )
    http = as_user(therapist)
    response = http.post(_open_url(referral), data)
    course = Course.objects.get(referral=referral)
    assert response["Location"] == reverse("courses:detail", kwargs={"pk": course.pk})
    contract = services.current_contract(course)
    assert (contract.planned_sessions, contract.middle_last) == (12, 9)
    assert contract.agreed_on == timezone.localdate()
    assert AuditEvent.objects.filter(
        action="create", object_id=str(course.pk), client_id=referral.client_id
    ).exists()
    page = _page(http.get(response["Location"]))
    assert "The course of IPT for depression has been opened" in page
    assert "Session 1 of 12 · initial phase" in page


@pytest.mark.parametrize("who", ["supervisor", "manager"])
def test_it_lets_the_supervisor_and_service_managers_open_a_course(
    as_user, request, who, therapist, referral, individual
):
    user = request.getfixturevalue(who)
    data = {"variant": individual.pk, "therapist": therapist.pk} | _terms()
    response = as_user(user).post(_open_url(referral), data)
    assert response.status_code == 302
    assert Course.objects.get(referral=referral).created_by == user


@pytest.mark.parametrize("who", ["other_therapist", "administrator", "outsider"])
def test_it_hides_opening_a_course_from_anyone_else(
    as_user, request, who, therapist, referral, individual
):
    user = request.getfixturevalue(who)
    http = as_user(user)
    assert http.get(_open_url(referral)).status_code == 404
    data = {"variant": individual.pk, "therapist": therapist.pk} | _terms()
    assert http.post(_open_url(referral), data).status_code == 404
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"planned_sessions": ""}, "Enter the planned number of sessions"),
        ({"planned_sessions": "7"}, "The planned number of sessions must be between 8 and 20"),
        ({"planned_sessions": "21"}, "The planned number of sessions must be between 8 and 20"),
        ({"planned_sessions": "twelve"}, "The planned number of sessions must be a whole number"),
        ({"initial_last": "12"}, "The initial phase must end before the middle phase"),
        ({"ending_named_at": "6"}, "Name the ending in the last part of the middle phase"),
        ({"mid_point_review": "18"}, "The mid-point review must be one of the planned sessions"),
        ({"session_minutes": "10"}, "The session length must be between 30 and 180"),
        ({"frequency": "daily"}, "Select how often the sessions are"),
        ({"agreed_on_day": ""}, "must include a day"),
        ({"agreed_on_year": "2999"}, "must be today or in the past"),
        ({"therapist": ""}, "Select the therapist"),
    ],
)
def test_it_refuses_an_invalid_contract_with_422_and_saves_nothing(
    as_user, therapist, referral, individual, changes, message
):
    data = {"variant": individual.pk, "therapist": therapist.pk} | _terms(**changes)
    response = as_user(therapist).post(_open_url(referral), data)
    assert response.status_code == 422
    assert message in _page(response)
    assert not Course.objects.exists()
    assert not TreatmentContract.objects.exists()


def test_it_refuses_an_agreed_date_before_the_referral(as_user, therapist, referral, individual):
    early = referral.received_on - dt.timedelta(days=1)
    data = {"variant": individual.pk, "therapist": therapist.pk} | _terms(
        **_date("agreed_on", early)
    )
    response = as_user(therapist).post(_open_url(referral), data)
    assert response.status_code == 422
    assert "must be on or after" in _page(response)


def test_it_goes_back_to_the_variants_when_the_variant_is_not_offered(
    as_user, therapist, referral, individual, outsider
):
    individual.is_active = False
    individual.save(update_fields=["is_active"])
    data = {"variant": individual.pk, "therapist": therapist.pk} | _terms()
    response = as_user(therapist).post(_open_url(referral), data)
    assert response.status_code == 422
    assert "Select one of the kinds of IPT shown" in _page(response)
    assert not Course.objects.exists()


def test_it_refuses_a_therapist_of_another_service(
    as_user, therapist, referral, individual, outsider
):
    data = {"variant": individual.pk, "therapist": outsider.pk} | _terms()
    response = as_user(therapist).post(_open_url(referral), data)
    assert response.status_code == 422
    assert "Select one of the therapists shown" in _page(response)


def test_it_explains_why_a_referral_cannot_start_a_course(
    as_user, therapist, referral, course, individual
):
    referral.status = ReferralStatus.ASSESSED
    referral.save(update_fields=["status"])
    http = as_user(therapist)
    assert "Only a referral accepted for IPT" in _page(http.get(_open_url(referral)))
    data = {"variant": individual.pk, "therapist": therapist.pk} | _terms()
    assert http.post(_open_url(referral), data).status_code == 422
    page = _page(http.get(_open_url(course.referral)))
    assert "already has a course" in page
    assert reverse("courses:detail", kwargs={"pk": course.pk}) in page
    assert Course.objects.count() == 1


def _detail(course) -> str:
    return reverse("courses:detail", kwargs={"pk": course.pk})


def test_it_shows_the_course_page(as_user, therapist, course):
    response = as_user(therapist).get(_detail(course))
    page = _page(response)
    assert response.status_code == 200
    assert "Session 1 of 16 · initial phase · 16 sessions remaining" in page
    assert "Assessment" in page
    assert "Sessions 5 to 12" in page
    assert "Sessions 13 to 16" in page
    assert "First agreed" in page
    assert "New course" in page
    assert reverse("courses:renegotiate", kwargs={"pk": course.pk}) in page
    assert reverse("courses:end", kwargs={"pk": course.pk}) in page
    assert "Review this course" not in page
    assert AuditEvent.objects.filter(action="view", client_id=course.client_id).exists()


def test_it_shows_the_phase_and_signals_the_ending(as_user, therapist, course):
    services.change_status(course=course, to_status="treatment", by=therapist)
    attend(course, 6)
    page = _page(as_user(therapist).get(_detail(course)))
    assert "Session 6 of 16 · middle phase · 10 sessions remaining" in page
    assert "Middle phase" in page
    assert "The ending has been named" not in page
    attend(course, 6)
    page = _page(as_user(therapist).get(_detail(course)))
    assert "Ending phase" not in page.split("Contract")[0]
    assert "The ending has been named with the client at session 12" in page
    assert "4 sessions remaining" in page


def test_it_warns_when_the_course_needs_a_review(as_user, therapist, course):
    attend(course, 2)
    attend(course, 2, attendance="3")
    page = _page(as_user(therapist).get(_detail(course)))
    assert "Review this course" in page
    assert "missed 2 or more sessions in a row" in page


def test_it_shows_the_contract_history_with_reasons(as_user, therapist, course):
    services.renegotiate_contract(
        course=course,
        by=therapist,
        reason="Client asked for fortnightly sessions",
        agreed_on=timezone.localdate(),
        frequency="fortnightly",
    )
    page = _page(as_user(therapist).get(_detail(course)))
    assert "Client asked for fortnightly sessions" in page
    assert "16 sessions, every two weeks, 50 minutes; phases 1–4 / 5–12 / 13–16" in page
    assert "16 sessions, weekly, 50 minutes; phases 1–4 / 5–12 / 13–16" in page


def test_it_shows_a_completed_course_with_its_reason_and_no_changes(as_user, therapist, course):
    services.change_status(course=course, to_status="treatment", by=therapist)
    services.change_status(
        course=course,
        to_status="completed",
        by=therapist,
        reason_code="planned_ending",
        note="Relapse plan agreed",
    )
    page = _page(as_user(therapist).get(_detail(course)))
    assert "Completed the agreed sessions" in page
    assert "Relapse plan agreed" in page
    assert reverse("courses:renegotiate", kwargs={"pk": course.pk}) not in page
    assert reverse("courses:end", kwargs={"pk": course.pk}) not in page


@pytest.mark.parametrize("who", ["supervisor", "manager", "administrator"])
def test_it_shows_the_course_to_those_in_scope(as_user, request, who, course):
    user = request.getfixturevalue(who)
    assert as_user(user).get(_detail(course)).status_code == 200


def test_it_shows_administrators_the_course_but_not_the_changes_or_notes(
    as_user, administrator, therapist, course
):
    services.change_status(
        course=course,
        to_status="withdrawn",
        by=therapist,
        reason_code="client_chose_to_stop",
        note="Feels better after a holiday",
    )
    page = _page(as_user(administrator).get(_detail(course)))
    assert "Client chose to stop" in page
    assert "Feels better after a holiday" not in page
    assert reverse("courses:end", kwargs={"pk": course.pk}) not in page


@pytest.mark.parametrize("who", ["other_therapist", "outsider"])
def test_it_hides_the_course_from_anyone_outside_scope(as_user, request, who, course):
    user = request.getfixturevalue(who)
    http = as_user(user)
    for name in ("detail", "renegotiate", "end"):
        assert http.get(reverse(f"courses:{name}", kwargs={"pk": course.pk})).status_code == 404


def test_it_shows_the_course_page_in_a_fixed_number_of_queries(
    as_user, therapist, course, django_assert_max_num_queries
):
    http = as_user(therapist)
    attend(course, 2)
    # 18 for the course, 2 for its scores (the series and the attended count).
    with django_assert_max_num_queries(20) as few:
        http.get(_detail(course))
    attend(course, 18, attendance="2")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = http.get(_detail(course))
    assert response.status_code == 200


def _renegotiate(course) -> str:
    return reverse("courses:renegotiate", kwargs={"pk": course.pk})


def test_it_renegotiates_the_contract(as_user, therapist, course):
    http = as_user(therapist)
    page = _page(http.get(_renegotiate(course)))
    assert 'name="planned_sessions" type="text" value="16"' in page
    data = _terms(frequency="fortnightly", reason="Client has started a new job")
    response = http.post(_renegotiate(course), data)
    assert response["Location"] == _detail(course)
    contract = services.current_contract(course)
    assert (contract.version, contract.frequency, contract.reason) == (
        2,
        "fortnightly",
        "Client has started a new job",
    )
    assert AuditEvent.objects.filter(
        action="update", object_id=str(course.pk), client_id=course.client_id
    ).exists()
    assert "version 2" in _page(http.get(response["Location"]))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": ""}, "Enter the reason the contract was renegotiated"),
        ({"reason": "   "}, "Enter the reason the contract was renegotiated"),
        ({"planned_sessions": "22"}, "The planned number of sessions must be between 8 and 20"),
        ({"agreed_on_month": "13"}, "must be a real date"),
    ],
)
def test_it_refuses_an_invalid_renegotiation_with_422(as_user, therapist, course, changes, message):
    data = _terms(reason="Shorter course") | changes
    response = as_user(therapist).post(_renegotiate(course), data)
    assert response.status_code == 422
    assert message in _page(response)
    assert course.contracts.count() == 1


def test_it_refuses_fewer_planned_sessions_than_attended(as_user, therapist, course):
    attend(course, 10)
    data = _terms(
        planned_sessions="8",
        initial_last="2",
        middle_last="6",
        ending_named_at="6",
        mid_point_review="4",
        reason="Goals nearly met",
    )
    response = as_user(therapist).post(_renegotiate(course), data)
    assert response.status_code == 422
    assert "The client has attended 10 sessions; plan at least that many" in _page(response)
    assert course.contracts.count() == 1


def test_it_refuses_a_renegotiation_agreed_before_the_current_contract(as_user, therapist, course):
    early = services.current_contract(course).agreed_on - dt.timedelta(days=1)
    data = _terms(reason="Backdated", **_date("agreed_on", early))
    response = as_user(therapist).post(_renegotiate(course), data)
    assert response.status_code == 422
    assert course.contracts.count() == 1


def test_it_does_not_let_administrators_renegotiate(as_user, administrator, course):
    http = as_user(administrator)
    assert http.get(_renegotiate(course)).status_code == 404
    assert http.post(_renegotiate(course), _terms(reason="No")).status_code == 404
    assert course.contracts.count() == 1


def _end(course) -> str:
    return reverse("courses:end", kwargs={"pk": course.pk})


def _end_form(outcome="completed", reason="planned_ending", on=None, **changes):
    on = on or timezone.localdate()
    return {
        "outcome": outcome,
        "reason_code": reason,
        "note": "",
        **_date("ended_on", on),
    } | changes


def test_it_offers_only_the_endings_the_course_can_have(as_user, therapist, course):
    http = as_user(therapist)
    page = _page(http.get(_end(course)))
    assert 'value="dropped_out"' in page
    assert 'value="completed"' not in page
    services.change_status(course=course, to_status="treatment", by=therapist)
    assert 'value="completed"' in _page(http.get(_end(course)))


def test_it_asks_for_the_reasons_of_the_chosen_ending(as_user, therapist, course):
    response = as_user(therapist).get(_end(course), {"outcome": "dropped_out"})
    page = _page(response)
    assert response.status_code == 200
    assert "End the course: dropped out" in page
    assert "Moved out of the area" in page
    assert "Completed the agreed sessions" not in page


def test_it_asks_again_when_no_ending_is_chosen(as_user, therapist, course):
    http = as_user(therapist)
    response = http.get(_end(course), {"choose": "1"})
    assert response.status_code == 422
    assert "Select how the course ended" in _page(response)
    response = http.get(_end(course), {"outcome": "completed"})
    assert response.status_code == 422
    assert "Select one of the ways shown" in _page(response)


def test_it_completes_a_course_and_offers_boosters(as_user, therapist, course):
    services.change_status(course=course, to_status="treatment", by=therapist)
    attend(course, 16)
    ended_on = timezone.localdate()
    http = as_user(therapist)
    response = http.post(_end(course), _end_form(on=ended_on, note="Relapse plan agreed"))
    assert response["Location"] == _detail(course)
    course.refresh_from_db()
    assert (course.status, course.ended_on, course.end_reason) == (
        "completed",
        ended_on,
        "planned_ending",
    )
    assert course.status_changes.last().note == "Relapse plan agreed"
    assert AuditEvent.objects.filter(
        action="update", object_id=str(course.pk), client_id=course.client_id
    ).exists()
    page = _page(http.get(response["Location"]))
    assert "The course has been recorded as completed" in page
    assert "Session 16 of 16 · ending phase" in page


def test_it_records_a_client_who_dropped_out(as_user, supervisor, course):
    response = as_user(supervisor).post(
        _end(course), _end_form(outcome="dropped_out", reason="could_not_be_contacted")
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.status, course.end_reason_label) == ("dropped_out", "Could not be contacted")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason_code": ""}, "Select the reason the course ended"),
        ({"reason_code": "moved_away"}, "Select one of the reasons shown"),
        ({"ended_on_year": "2999"}, "The date the course ended must be today or in the past"),
        ({"ended_on_day": "", "ended_on_month": "", "ended_on_year": ""}, "Enter the date"),
    ],
)
def test_it_refuses_an_invalid_ending_with_422_and_changes_nothing(
    as_user, therapist, course, changes, message
):
    services.change_status(course=course, to_status="treatment", by=therapist)
    response = as_user(therapist).post(_end(course), _end_form(**changes))
    assert response.status_code == 422
    assert message in _page(response)
    course.refresh_from_db()
    assert course.status == "treatment"


def test_it_refuses_an_end_date_before_the_course_opened(as_user, therapist, course):
    early = course.opened_on - dt.timedelta(days=1)
    response = as_user(therapist).post(
        _end(course), _end_form(outcome="withdrawn", reason="practical_reasons", on=early)
    )
    assert response.status_code == 422
    assert "on or after the date it opened" in _page(response)


def test_it_refuses_an_ending_the_course_cannot_have(as_user, therapist, course):
    response = as_user(therapist).post(_end(course), _end_form())
    assert response.status_code == 422
    course.refresh_from_db()
    assert course.status == "assessment"


def test_it_does_not_end_a_course_twice(as_user, therapist, course):
    services.change_status(
        course=course, to_status="withdrawn", by=therapist, reason_code="practical_reasons"
    )
    http = as_user(therapist)
    assert "An ended course does not change" in _page(http.get(_end(course)))
    response = http.post(_end(course), _end_form(outcome="dropped_out", reason="moved_away"))
    assert response.status_code == 422
    course.refresh_from_db()
    assert course.status == "withdrawn"


def test_it_does_not_let_administrators_end_a_course(as_user, administrator, course):
    http = as_user(administrator)
    assert http.get(_end(course)).status_code == 404
    response = http.post(_end(course), _end_form(outcome="withdrawn", reason="practical_reasons"))
    assert response.status_code == 404
    course.refresh_from_db()
    assert course.status == "assessment"


def test_it_links_to_the_appointment_pages_that_exist(as_user, administrator, therapist, course):
    from ipt.courses import presenters

    page = _page(as_user(administrator).get(_detail(course)))
    appointments = presenters.optional_url("appointments:course", course.pk)
    if appointments:
        assert appointments in page
    add_appointment(course)
    assert as_user(therapist).get(_detail(course)).status_code == 200
