"""The client record shows each course with its progress, and offers to open one."""

import pytest
from django.urls import reverse

from ipt.clients.models import ReferralStatus
from ipt.clients.tests.factories import ReferralFactory
from ipt.courses import services

from .factories import attend, open_course


def _page(response) -> str:
    return response.content.decode()


def _record(client) -> str:
    return reverse("clients:detail", kwargs={"pk": client.pk})


def test_it_shows_the_course_and_its_progress_on_the_client_record(as_user, therapist, course):
    page = _page(as_user(therapist).get(_record(course.client)))
    assert "Courses of IPT" in page
    assert "IPT for depression" in page
    assert "Session 1 of 16 · initial phase" in page
    assert "16 sessions remaining" in page
    assert "Tessa Marlow" in page
    assert reverse("courses:detail", kwargs={"pk": course.pk}) in page
    assert reverse("courses:open", kwargs={"pk": course.referral_id}) not in page


def test_it_shows_the_phase_of_a_course_in_treatment(as_user, therapist, course):
    services.change_status(course=course, to_status="treatment", by=therapist)
    attend(course, 13)
    page = _page(as_user(therapist).get(_record(course.client)))
    assert "Session 13 of 16 · ending phase" in page
    assert "Ending phase" in page
    assert "3 sessions remaining" in page


def test_it_shows_how_an_ended_course_ended(as_user, therapist, course):
    services.change_status(
        course=course, to_status="dropped_out", by=therapist, reason_code="moved_away"
    )
    page = _page(as_user(therapist).get(_record(course.client)))
    assert "Dropped out" in page
    assert "Moved out of the area" in page
    assert "sessions remaining" not in page


@pytest.mark.parametrize("who", ["therapist", "supervisor", "manager"])
def test_it_offers_to_open_a_course_on_a_referral_accepted_for_ipt(
    as_user, request, who, course, site, manager, therapist
):
    referral = ReferralFactory(
        client=course.client,
        site=site,
        created_by=manager,
        allocated_therapist=therapist,
        status=ReferralStatus.ACCEPTED_FOR_IPT,
    )
    page = _page(as_user(request.getfixturevalue(who)).get(_record(course.client)))
    assert reverse("courses:open", kwargs={"pk": referral.pk}) in page
    assert "Open a course" in page


def test_it_does_not_offer_a_course_to_administrators_or_on_other_referrals(
    as_user, administrator, therapist, course, site, manager
):
    waiting = ReferralFactory(
        client=course.client, site=site, created_by=manager, allocated_therapist=therapist
    )
    accepted = ReferralFactory(
        client=course.client,
        site=site,
        created_by=manager,
        allocated_therapist=therapist,
        status=ReferralStatus.ACCEPTED_FOR_IPT,
    )
    page = _page(as_user(therapist).get(_record(course.client)))
    assert reverse("courses:open", kwargs={"pk": waiting.pk}) not in page
    page = _page(as_user(administrator).get(_record(course.client)))
    assert reverse("courses:open", kwargs={"pk": accepted.pk}) not in page
    assert "Session 1 of 16 · initial phase" in page


def test_it_shows_the_client_record_in_a_fixed_number_of_queries(
    as_user, therapist, course, site, django_assert_max_num_queries
):
    http = as_user(therapist)
    with django_assert_max_num_queries(30) as few:
        http.get(_record(course.client))
    for code in ("adolescent", "group"):
        extra = open_course(therapist=therapist, site=site, variant_code=code, client=course.client)
        attend(extra, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = http.get(_record(course.client))
    assert "IPT-A for adolescents" in _page(response)
