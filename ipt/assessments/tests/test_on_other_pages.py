"""The clinical record shows up where clinicians look: the client record, the course page and
the course's appointments."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from ipt.assessments import services as assessments
from ipt.courses.tests.factories import add_appointment, attend
from ipt.formulations import services as formulations


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_it_draws_the_closeness_circle_on_the_client_record(as_user, therapist, course):
    assessments.add_person(course=course, by=therapist, name="Sam", relationship="partner", ring=1)
    page = _page(as_user(therapist).get(reverse("clients:detail", args=[course.client_id])))
    assert "Closeness circle" in page
    assert 'data-name="Sam"' in page
    assert reverse("assessments:inventory", args=[course.pk]) in page


def test_it_keeps_the_circle_and_record_links_from_administrators(
    as_user, administrator, therapist, course
):
    assessments.add_person(course=course, by=therapist, name="Sam", relationship="partner", ring=1)
    http = as_user(administrator)
    client_page = _page(http.get(reverse("clients:detail", args=[course.client_id])))
    course_page = _page(http.get(reverse("courses:detail", args=[course.pk])))
    assert 'data-name="Sam"' not in client_page
    assert "<h2>Clinical record</h2>" not in course_page
    assert reverse("notes:list", args=[course.pk]) not in course_page


def test_it_links_the_course_page_to_every_part_of_the_record(as_user, supervisor, course):
    page = _page(as_user(supervisor).get(reverse("courses:detail", args=[course.pk])))
    for name in (
        "assessments:overview",
        "assessments:inventory",
        "assessments:timeline",
        "formulations:overview",
        "notes:list",
        "notes:midpoint",
        "notes:ending",
    ):
        assert reverse(name, args=[course.pk]) in page


def test_it_warns_before_the_middle_phase_until_the_formulation_is_agreed(
    as_user, therapist, course
):
    attend(course, 3)
    http = as_user(therapist)
    page = _page(http.get(reverse("courses:detail", args=[course.pk])))
    assert "Before the middle phase" in page
    assert "No primary problem area has been chosen" in page

    formulations.set_problem_area(course=course, rank="primary", area="grief", by=therapist)
    version = formulations.write_formulation(
        course=course, clinician_text="Grief since May.", client_text="Grief.", by=therapist
    )
    formulations.agree_formulation(
        formulation=version, agreed_on=timezone.localdate(), by=therapist
    )
    assert "Before the middle phase" not in _page(
        http.get(reverse("courses:detail", args=[course.pk]))
    )


def test_it_says_nothing_of_the_middle_phase_early_in_the_initial_phase(as_user, therapist, course):
    page = _page(as_user(therapist).get(reverse("courses:detail", args=[course.pk])))
    assert "Before the middle phase" not in page


def test_it_links_each_numbered_session_to_its_note(as_user, therapist, course):
    session = add_appointment(course, starts_at=timezone.now() - dt.timedelta(days=7))
    page = _page(as_user(therapist).get(reverse("appointments:course", args=[course.pk])))
    assert reverse("notes:note", args=[session.pk]) in page
    assert "Session note" in page


def test_it_links_the_cases_supervision_notes_for_its_supervisor_and_therapist(
    as_user, therapist, supervisor, course
):
    url = reverse("supervision:course", args=[course.pk])
    assert url in _page(as_user(supervisor).get(reverse("courses:detail", args=[course.pk])))
    assert url in _page(as_user(therapist).get(reverse("courses:detail", args=[course.pk])))
