"""Who sees which appointments, and whose diary."""

import pytest

from ipt.appointments import access
from ipt.appointments.tests.factories import AppointmentFactory


@pytest.fixture
def appointment(course):
    return AppointmentFactory(course=course)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("therapist", True),
        ("supervisor", True),
        ("manager", True),
        ("administrator", True),
        ("other_therapist", False),
        ("outsider", False),
    ],
)
def test_it_shows_appointments_only_to_those_who_may_open_the_course(
    request, appointment, persona, sees
):
    user = request.getfixturevalue(persona)
    assert access.visible_appointments(user).filter(pk=appointment.pk).exists() is sees


def test_it_gives_a_therapist_their_own_diary(therapist):
    assert access.diary_owner(therapist, None) == therapist
    assert access.diary_owner(therapist, str(therapist.pk)) == therapist


def test_it_lets_a_manager_choose_an_active_therapist_of_their_service(
    manager, therapist, other_therapist, outsider
):
    assert access.diary_owner(manager, str(therapist.pk)) == therapist
    assert access.diary_owner(manager, None) is None
    assert access.diary_owner(outsider, str(therapist.pk)) is None
    other_therapist.is_active = False
    other_therapist.save(update_fields=["is_active"])
    assert access.diary_owner(manager, str(other_therapist.pk)) is None
    assert list(access.diary_therapists(manager)) == [therapist]


@pytest.mark.parametrize("persona", ["other_therapist", "supervisor", "administrator"])
def test_it_refuses_anyone_else_another_therapists_diary(request, therapist, persona):
    assert access.diary_owner(request.getfixturevalue(persona), str(therapist.pk)) is None


def test_it_refuses_a_therapist_id_that_is_not_a_number(manager, therapist):
    assert access.diary_owner(manager, f"{therapist.pk}; drop table") is None
