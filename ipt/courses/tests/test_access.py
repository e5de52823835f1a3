"""Who sees, manages and books courses, and who may open one: owner, colleague, supervisor,
manager, administrator and outsider."""

import pytest
from django.contrib.auth.models import AnonymousUser

from ipt.accounts.tests.factories import UserFactory
from ipt.courses import access
from ipt.courses.access import can_open_course

PERSONAS = ["therapist", "other_therapist", "supervisor", "manager", "administrator", "outsider"]


@pytest.mark.parametrize(
    ("who", "sees", "manages", "books"),
    [
        ("therapist", True, True, True),
        ("other_therapist", False, False, False),
        ("supervisor", True, True, True),
        ("manager", True, True, True),
        ("administrator", True, False, True),
        ("outsider", False, False, False),
    ],
)
def test_it_scopes_courses_by_role(request, course, who, sees, manages, books):
    user = request.getfixturevalue(who)
    assert access.visible_courses(user).filter(pk=course.pk).exists() is sees
    assert access.can_manage_course(user, course) is manages
    assert access.can_book(user, course) is books
    assert can_open_course(user, course.referral) is manages


def test_it_shows_nothing_to_someone_signed_out(course):
    anonymous = AnonymousUser()
    assert not access.visible_courses(anonymous).exists()
    assert not access.can_manage_course(anonymous, course)
    assert not access.can_book(anonymous, course)
    assert not access.variants_for(anonymous).exists()
    assert not access.therapists_of(anonymous).exists()


def test_it_lets_nobody_open_a_course_on_an_unallocated_referral(manager, course):
    referral = course.referral
    referral.allocated_therapist = None
    assert not can_open_course(manager, referral)


def test_it_offers_the_variants_and_active_therapists_of_the_users_service(
    service, therapist, other_therapist, manager, outsider
):
    UserFactory(service=service, is_therapist=True, is_active=False)
    assert access.variants_for(manager).count() == 8
    assert set(access.therapists_of(manager)) == {therapist, other_therapist}
    assert not access.variants_for(outsider).exists()
    assert not access.therapists_of(outsider).filter(service=service).exists()
