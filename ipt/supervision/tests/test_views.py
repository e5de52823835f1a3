"""The supervision pages: a supervisor's supervisees and their cases, and each case's notes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ipt.accounts.models import Supervision
from ipt.accounts.tests.factories import UserFactory
from ipt.clients.tests.factories import BreakGlassAccessFactory
from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import open_course
from ipt.formulations.tests.factories import choose_area
from ipt.supervision.models import SupervisionNote

from .support import finish, in_treatment, sessions

CASELOADS = reverse("supervision:caseloads")


def _course_url(course):
    return reverse("supervision:course", args=[course.pk])


def _note_post(**overrides):
    today = timezone.localdate()
    data = {
        "discussed_on_day": str(today.day),
        "discussed_on_month": str(today.month),
        "discussed_on_year": str(today.year),
        "text": "Discussed the dispute with her sister.\n\nAgreed to review the PHQ-9 next week.",
    }
    return data | overrides


# The caseloads page


def test_a_supervisor_sees_each_supervisees_open_cases_with_their_details(
    as_user, supervisor, steady
):
    page = as_user(supervisor).get(CASELOADS).content.decode()

    assert "<h1>Supervision</h1>" in page
    assert "Tessa Marlow" in page
    assert "Alice Adams" in page
    assert "Middle phase" in page
    assert "Role dispute" in page
    assert "Session 5 of 16" in page
    assert "PHQ-9 10, GAD-7 8" in page
    assert "Nothing flagged" in page
    assert _course_url(steady) in page


def test_a_supervisor_still_sees_the_open_cases_of_a_supervisee_who_has_left(
    as_user, supervisor, steady, therapist
):
    therapist.is_active = False
    therapist.save()

    page = as_user(supervisor).get(CASELOADS).content.decode()

    assert "Alice Adams" in page and _course_url(steady) in page
    assert "Left the service" in page
    assert "Tessa Marlow has left with cases still open" in page


def test_a_supervisee_who_has_left_with_no_open_cases_is_not_listed(
    as_user, supervisor, therapist, service
):
    therapist.is_active = False
    therapist.save()

    page = as_user(supervisor).get(CASELOADS).content.decode()

    assert "Tessa Marlow" not in page


def test_a_supervisor_sees_only_their_supervisees_cases(as_user, supervisor, steady, oscars_course):
    page = as_user(supervisor).get(CASELOADS).content.decode()

    assert "Alice Adams" in page
    assert "Olga Other" not in page
    assert "O&#39;Neill" not in page


def test_cases_with_risk_then_not_on_track_come_first(
    as_user, supervisor, steady, worsening, at_risk
):
    page = as_user(supervisor).get(CASELOADS).content.decode()

    assert page.index("Yusuf Young") < page.index("Zara Young") < page.index("Alice Adams")
    assert "Risk alert not acknowledged" in page
    assert "Not on track" in page
    assert "PHQ-9 rose from 10 to 17: a reliable deterioration" in page
    assert "2 cases have an unacknowledged risk alert or are not on track" in page


def test_a_supervisor_sees_each_supervisees_outcome_rates_with_denominators(
    as_user, supervisor, recovered, deteriorated
):
    page = as_user(supervisor).get(CASELOADS).content.decode()

    assert "2 finished courses" in page
    assert "Recovery</th>" in page
    assert "1 of 2 (50%)" in page  # recovery, reliable recovery, improvement, deterioration
    assert page.count("1 of 2 (50%)") == 4
    assert "finished courses at caseness at the start" in page
    assert "Rita Reed" not in page  # ended courses are not open cases


def test_a_supervisee_without_finished_courses_shows_no_rates(as_user, supervisor, steady):
    page = as_user(supervisor).get(CASELOADS).content.decode()

    assert "0 finished courses" in page
    assert "Outcome rates of" not in page


def test_a_supervisor_without_supervisees_is_told_so(as_user, service):
    lonely = UserFactory(service=service, is_therapist=True, is_supervisor=True)

    page = as_user(lonely).get(CASELOADS).content.decode()

    assert "You do not supervise any therapists yet" in page


@pytest.mark.parametrize("who", ["therapist", "manager", "administrator", "outsider"])
def test_the_caseloads_page_is_not_found_for_anyone_but_supervisors(as_user, request, who):
    response = as_user(request.getfixturevalue(who)).get(CASELOADS)

    assert response.status_code == 404


def test_supervisors_find_supervision_in_the_header(as_user, supervisor, therapist):
    assert f'href="{CASELOADS}"' in as_user(supervisor).get(reverse("core:home")).content.decode()
    assert (
        f'href="{CASELOADS}"' not in as_user(therapist).get(reverse("core:home")).content.decode()
    )


def _queries_for(http) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(CASELOADS).status_code == 200
    return len(queries)


def test_the_caseloads_page_takes_the_same_queries_however_many_cases(
    as_user, supervisor, steady, recovered, site, service
):
    http = as_user(supervisor)
    http.get(CASELOADS)
    few = _queries_for(http)

    for _ in range(2):
        colleague = UserFactory(service=service, is_therapist=True)
        colleague.sites.add(site)
        Supervision.objects.create(supervisor=supervisor, supervisee=colleague)
        for _ in range(3):
            course = in_treatment(open_course(therapist=colleague, site=site))
            sessions(course, [(14, 10), (15, 12)], q9_at_last=1)
            choose_area(course)
        finish(in_treatment(open_course(therapist=colleague, site=site)))
    many = _queries_for(http)

    assert many == few == 19


# A case's supervision notes


def test_the_supervisor_reads_a_cases_notes_newest_first(as_user, supervisor, steady):
    SupervisionNote.objects.create(
        course=steady, author=supervisor, discussed_on=dt.date(2026, 1, 5), text="First chat"
    )
    SupervisionNote.objects.create(
        course=steady, author=supervisor, discussed_on=dt.date(2026, 2, 9), text="Second chat"
    )

    response = as_user(supervisor).get(_course_url(steady))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Supervision notes" in page
    assert page.index("Second chat") < page.index("First chat")
    assert "Discussed on Monday 9 February 2026" in page
    assert "Add a supervision note" in page
    assert "Role dispute" in page and "Session 5 of 16" in page
    assert f'href="{CASELOADS}"' in page


def test_reading_a_cases_notes_is_audited(as_user, supervisor, steady):
    as_user(supervisor).get(_course_url(steady))

    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.actor, event.client_id) == ("view", supervisor, steady.client_id)
    assert event.summary == f"Read the supervision notes of course {steady.pk}"


def test_the_case_page_says_what_to_discuss(as_user, supervisor, worsening, at_risk):
    worse = as_user(supervisor).get(_course_url(worsening)).content.decode()
    risky = as_user(supervisor).get(_course_url(at_risk)).content.decode()

    assert "To discuss" in worse and "PHQ-9 rose from 10 to 17" in worse
    assert "Risk alert not acknowledged" in risky
    assert reverse("measures:alerts") in risky


def test_the_supervisor_adds_a_note_and_it_is_audited(as_user, supervisor, steady):
    http = as_user(supervisor)

    response = http.post(_course_url(steady), _note_post())

    assert response.status_code == 302
    assert response.url == _course_url(steady)
    note = SupervisionNote.objects.get()
    assert (note.course, note.author, note.discussed_on) == (
        steady,
        supervisor,
        timezone.localdate(),
    )
    event = AuditEvent.objects.get(object_type="supervision.supervisionnote")
    assert (event.action, event.actor, event.client_id) == ("create", supervisor, steady.client_id)
    assert event.object_id == str(note.pk)
    page = http.get(response.url).content.decode()
    assert "Supervision note added" in page
    assert '<p class="nhsuk-card__description">Discussed the dispute with her sister.</p>' in page
    assert "Agreed to review the PHQ-9 next week." in page


def test_a_service_manager_adds_a_note(as_user, manager, steady):
    response = as_user(manager).post(_course_url(steady), _note_post(text="Manager's review"))

    assert response.status_code == 302
    assert SupervisionNote.objects.get().author == manager
    assert AuditEvent.objects.filter(
        object_type="supervision.supervisionnote", actor=manager
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": "  "}, "Enter what was discussed"),
        (
            {"discussed_on_day": "", "discussed_on_month": "", "discussed_on_year": ""},
            "Enter the date",
        ),
        ({"discussed_on_year": str(timezone.localdate().year + 1)}, "today or in the past"),
        ({"discussed_on_year": "2020"}, "on or after the day the course opened"),
    ],
)
def test_a_bad_note_answers_422_with_the_error_and_saves_nothing(
    as_user, supervisor, steady, overrides, message
):
    response = as_user(supervisor).post(_course_url(steady), _note_post(**overrides))

    page = response.content.decode()
    assert response.status_code == 422
    assert "There is a problem" in page and message in page
    assert "Error: " in page.split("</title>")[0]
    assert not SupervisionNote.objects.exists()
    assert not AuditEvent.objects.filter(object_type="supervision.supervisionnote").exists()


def test_the_therapist_reads_the_notes_about_their_own_case_without_a_form(
    as_user, therapist, supervisor, steady
):
    SupervisionNote.objects.create(
        course=steady, author=supervisor, discussed_on=timezone.localdate(), text="Well held"
    )

    response = as_user(therapist).get(_course_url(steady))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Well held" in page
    assert "Add a supervision note" not in page
    assert "Back to the course" in page


def test_the_therapist_cannot_add_a_note_about_their_own_case(as_user, therapist, steady):
    response = as_user(therapist).post(_course_url(steady), _note_post())

    assert response.status_code == 403
    assert not SupervisionNote.objects.exists()


def test_a_supervisor_cannot_open_another_therapists_case(as_user, supervisor, oscars_course):
    assert as_user(supervisor).get(_course_url(oscars_course)).status_code == 404
    response = as_user(supervisor).post(_course_url(oscars_course), _note_post())
    assert response.status_code == 404
    assert not SupervisionNote.objects.exists()


def test_a_colleague_with_break_glass_access_still_cannot_read_the_notes(
    as_user, other_therapist, steady
):
    BreakGlassAccessFactory(user=other_therapist, client=steady.client)

    assert as_user(other_therapist).get(_course_url(steady)).status_code == 404


@pytest.mark.parametrize("who", ["administrator", "outsider", "other_therapist"])
def test_the_case_page_is_not_found_outside_its_readers(as_user, request, steady, who):
    http = as_user(request.getfixturevalue(who))

    assert http.get(_course_url(steady)).status_code == 404
    assert http.post(_course_url(steady), _note_post()).status_code == 404
    assert not SupervisionNote.objects.exists()
