"""The notes pages for each persona: happy paths, readers, outsiders, invalid input and races."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from ipt.clients.tests.factories import BreakGlassAccessFactory
from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import add_appointment, open_course
from ipt.formulations import services as formulations
from ipt.notes import services
from ipt.notes.models import SessionNote

from .support import MIDDLE_CONTENT, booster, middle_note, ready_for_middle, sessions, text


@pytest.fixture
def reader(course, other_therapist):
    """A therapist who may read the record (break glass) but not write in it."""
    BreakGlassAccessFactory(user=other_therapist, client=course.client)
    return other_therapist


def _url(name: str, obj) -> str:
    return reverse(f"notes:{name}", args=[obj.pk])


def _middle_post(note_or_version, **changes) -> dict:
    version = getattr(note_or_version, "version", note_or_version)
    data = {**MIDDLE_CONTENT, **changes, "version": str(version)}
    return data


def _latest_event(**filters):
    return AuditEvent.objects.filter(**filters).latest("sequence")


# The list of sessions


def test_it_lists_every_session_with_its_phase_note_and_homework(as_user, course, therapist):
    appointments = sessions(course, 9)
    services.start_note(appointment=appointments[0], content={}, by=therapist)
    services.set_homework(appointment=appointments[0], description="Diary", by=therapist)

    response = as_user(therapist).get(_url("list", course))

    page = text(response)
    assert response.status_code == 200
    assert "Session 1 Initial" in page and "Draft" in page and "1 set" in page
    assert "Session 5 Middle" in page and "Not started" in page
    assert "Session 8 Mid-point review due Middle" in page
    assert "<caption" in response.content.decode()


def test_it_lists_the_sessions_in_the_same_number_of_queries_however_many_sessions(
    as_user, course, therapist
):
    http = as_user(therapist)
    counts = []
    for count in (3, 9):
        sessions(course, count)
        with CaptureQueriesContext(connection) as queries:
            response = http.get(_url("list", course))
        assert response.status_code == 200
        counts.append(len(queries))

    assert f"Session {3 + 9} Middle" in text(response)
    assert counts[0] == counts[1], counts


def test_readers_see_the_list_and_outsiders_do_not(
    as_user, course, reader, outsider, administrator
):
    sessions(course, 1)

    assert as_user(reader).get(_url("list", course)).status_code == 200
    assert as_user(outsider).get(_url("list", course)).status_code == 404
    assert as_user(administrator).get(_url("list", course)).status_code == 404


# Writing a note in each phase


def test_it_offers_the_initial_phase_template(as_user, course, therapist):
    first = sessions(course, 1)[0]

    response = as_user(therapist).get(_url("new", first))

    page = text(response)
    assert response.status_code == 200
    assert "Initial phase tasks covered this session" in page
    assert "Sick role discussed" in page  # the checklist, read-only
    assert "IPT techniques used" not in page and "Ending discussed" not in page


def test_it_offers_the_middle_phase_template_with_the_area_strategies(as_user, course, therapist):
    sixth = sessions(course, 6)[5]
    ready_for_middle(course, therapist)

    response = as_user(therapist).get(_url("new", sixth))

    page = text(response)
    assert response.status_code == 200
    assert "How have things been since we last met?" in page
    assert "Explore what is blocking resolution" in page
    assert "Communication analysis" in page and "What could be said differently" in page
    assert "Initial phase tasks covered" not in page


def test_it_offers_the_ending_template_for_a_booster(as_user, course, therapist):
    sessions(course, 1)
    extra = booster(course)

    page = text(as_user(therapist).get(_url("new", extra)))

    assert "Ending discussed" in page and "Maintenance discussed" in page
    assert "IPT techniques used" not in page


def test_it_sends_a_middle_note_to_the_gate_first(as_user, course, therapist):
    sixth = sessions(course, 6)[5]

    response = as_user(therapist).get(_url("new", sixth))

    gate = reverse("formulations:middle_phase", args=[course.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{gate}?{urlencode({'next': _url('new', sixth)})}"
    assert response["Location"].endswith("?next=%2Fappointments%2F" + f"{sixth.pk}%2Fnote%2Fnew%2F")


def test_it_saves_a_new_note_as_a_draft(as_user, course, therapist):
    sixth = sessions(course, 6)[5]
    ready_for_middle(course, therapist)

    response = as_user(therapist).post(_url("new", sixth), _middle_post(1), follow=True)

    note = SessionNote.objects.get()
    assert response.redirect_chain[-1][0] == _url("note", sixth)
    assert "Note of session 6 saved as a draft" in text(response)
    assert "Asking Dev to share the school run" in text(response)
    assert note.author == therapist and note.content["techniques"] == ["exploration", "role_play"]
    assert _latest_event(action="create", object_type="notes.sessionnote").object_id == str(note.pk)


def test_it_asks_for_the_role_play_record_when_role_play_is_ticked(as_user, course, therapist):
    sixth = sessions(course, 6)[5]
    ready_for_middle(course, therapist)

    response = as_user(therapist).post(_url("new", sixth), _middle_post(1, rp_scenario=""))

    assert response.status_code == 422
    assert "Error: " in text(response)
    assert "Enter scenario, as you used role play" in text(response)
    assert not SessionNote.objects.exists()


def test_readers_cannot_start_a_note_and_outsiders_cannot_see_one(
    as_user, course, reader, outsider
):
    first = sessions(course, 1)[0]

    assert as_user(reader).get(_url("note", first)).status_code == 200
    assert "Write the note" not in text(as_user(reader).get(_url("note", first)))
    assert as_user(reader).post(_url("new", first), {"narrative": "x"}).status_code == 403
    assert as_user(outsider).get(_url("note", first)).status_code == 404
    assert as_user(outsider).get(_url("new", first)).status_code == 404
    assert not SessionNote.objects.exists()


def test_it_has_no_note_page_for_a_cancelled_appointment(as_user, course, therapist):
    from ipt.courses.tests.factories import add_appointment

    cancelled = add_appointment(course, attendance="4")

    assert as_user(therapist).get(_url("note", cancelled)).status_code == 404


# Changing a draft, and two people changing it at once


def test_it_changes_a_draft(as_user, course, therapist):
    note = middle_note(course, therapist)
    http = as_user(therapist)

    form = http.get(_url("edit", note.appointment))
    response = http.post(_url("edit", note.appointment), _middle_post(note, narrative="Better"))

    assert "Worked on the dispute with Dev." in form.content.decode()
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.version, note.content["narrative"]) == (2, "Better")
    assert _latest_event(action="update").object_id == str(note.pk)


def test_the_second_of_two_saves_is_refused_and_shows_both_versions(
    as_user, course, therapist, supervisor
):
    note = middle_note(course, therapist)
    tessa, sam = as_user(therapist), as_user(supervisor)
    # Both open the draft at version 1.
    assert 'name="version" value="1"' in tessa.get(_url("edit", note.appointment)).content.decode()
    assert 'name="version" value="1"' in sam.get(_url("edit", note.appointment)).content.decode()

    tessa.post(_url("edit", note.appointment), _middle_post(1, narrative="Tessa's version"))
    response = sam.post(_url("edit", note.appointment), _middle_post(1, narrative="Sam's version"))

    page = response.content.decode()
    assert response.status_code == 409
    assert "Tessa Marlow saved this note since you opened it" in text(response)
    assert "The saved version" in page and "Tessa's version" in text(response)
    assert "Your version" in page
    assert ">Sam&#39;s version</textarea>" in page  # nothing Sam typed is lost
    assert 'name="version" value="2"' in page
    note.refresh_from_db()
    assert note.content["narrative"] == "Tessa's version"

    # Saving again from that page is a deliberate overwrite of the version shown.
    again = sam.post(_url("edit", note.appointment), _middle_post(2, narrative="Sam's version"))

    assert again.status_code == 302
    note.refresh_from_db()
    assert (note.version, note.content["narrative"]) == (3, "Sam's version")


def test_readers_cannot_change_a_draft(as_user, course, therapist, reader):
    note = middle_note(course, therapist)

    response = as_user(reader).post(_url("edit", note.appointment), _middle_post(note))

    assert response.status_code == 403
    note.refresh_from_db()
    assert note.version == 1


# Signing, locking and addenda


def test_the_author_signs_the_note(as_user, course, therapist):
    note = middle_note(course, therapist)
    http = as_user(therapist)

    confirm = http.get(_url("sign", note.appointment))
    response = http.post(_url("sign", note.appointment), follow=True)

    assert "Once you sign the note it cannot be changed" in text(confirm)
    assert "Note signed. It can no longer be changed" in text(response)
    assert "Change the draft" not in text(response) and "Add an addendum" in text(response)
    note.refresh_from_db()
    assert note.is_signed
    assert _latest_event(action="update").summary == "Signed the session note; it is now locked"


def test_only_the_author_may_sign(as_user, course, therapist, supervisor):
    note = middle_note(course, therapist)

    assert "Sign the note" not in text(as_user(supervisor).get(_url("note", note.appointment)))
    assert as_user(supervisor).get(_url("sign", note.appointment)).status_code == 403
    assert as_user(supervisor).post(_url("sign", note.appointment)).status_code == 403
    note.refresh_from_db()
    assert not note.is_signed


def test_a_signed_note_cannot_be_changed(as_user, course, therapist):
    note = middle_note(course, therapist)
    services.sign_note(note=note, by=therapist)
    http = as_user(therapist)
    before = AuditEvent.objects.count()

    response = http.post(_url("edit", note.appointment), _middle_post(note, narrative="Later"))

    assert response.status_code == 422
    assert "This note has been signed, so it cannot be changed" in text(response)
    assert http.get(_url("edit", note.appointment))["Location"] == _url("note", note.appointment)
    note.refresh_from_db()
    assert note.content["narrative"] == MIDDLE_CONTENT["narrative"]
    assert AuditEvent.objects.count() == before


def test_an_addendum_is_shown_below_the_original(as_user, course, therapist, reader, outsider):
    note = middle_note(course, therapist)
    services.sign_note(note=note, by=therapist)
    http = as_user(therapist)

    form = http.get(_url("addendum", note.appointment))
    empty = http.post(_url("addendum", note.appointment), {"text": " "})
    response = http.post(
        _url("addendum", note.appointment), {"text": "Dev is her husband"}, follow=True
    )

    assert "The note as signed" in text(form)
    assert empty.status_code == 422 and "Enter the addendum" in text(empty)
    page = text(response)
    assert page.index("Worked on the dispute with Dev.") < page.index("Dev is her husband")
    assert "Addendum by Tessa Marlow" in page
    assert _latest_event(action="create", object_type="notes.addendum").summary == (
        "Added an addendum to a signed session note"
    )
    assert "Dev is her husband" in text(as_user(reader).get(_url("note", note.appointment)))
    assert (
        as_user(reader).post(_url("addendum", note.appointment), {"text": "x"}).status_code == 403
    )
    assert as_user(outsider).get(_url("addendum", note.appointment)).status_code == 404


# Homework


def test_it_sets_homework_and_reviews_it_at_the_next_session(as_user, course, therapist):
    first, second = sessions(course, 2)
    http = as_user(therapist)

    assert http.get(_url("homework", first)).status_code == 200
    http.post(_url("homework", first), {"description": "Practise asking for help"})
    set_page = text(http.get(_url("note", first)))
    next_page = text(http.get(_url("note", second)))
    task = course.homework.get()
    review_url = reverse("notes:homework_review", args=[second.pk, task.pk])
    form = http.get(review_url)
    response = http.post(review_url, {"outcome": "partly", "reflection": "Asked once"}, follow=True)

    assert "Homework set this session Practise asking for help" in set_page
    assert "Practise asking for help" in next_page and "Not reviewed yet" in next_page
    assert "Did the client do the homework?" in text(form)
    assert "Partly done" in text(response) and "Asked once" in text(response)
    assert _latest_event(object_type="notes.homeworktask", action="create").summary == (
        "Set homework for the next session"
    )
    assert _latest_event(object_type="notes.homeworktask", action="update").summary == (
        "Reviewed homework: partly done"
    )


def test_it_asks_for_the_homework_and_its_outcome(as_user, course, therapist):
    first, second = sessions(course, 2)
    task = services.set_homework(appointment=first, description="Diary", by=therapist)
    http = as_user(therapist)

    empty = http.post(_url("homework", first), {"description": ""})
    review = http.post(reverse("notes:homework_review", args=[second.pk, task.pk]), {})

    assert empty.status_code == 422 and "Enter the homework task" in text(empty)
    assert review.status_code == 422
    assert "Select whether the homework was done" in text(review)


def test_outsiders_and_readers_cannot_set_or_review_homework(
    as_user, course, therapist, reader, outsider
):
    first, second = sessions(course, 2)
    task = services.set_homework(appointment=first, description="Diary", by=therapist)
    review_url = reverse("notes:homework_review", args=[second.pk, task.pk])

    assert as_user(reader).post(_url("homework", first), {"description": "x"}).status_code == 403
    assert as_user(reader).post(review_url, {"outcome": "done"}).status_code == 403
    assert as_user(outsider).get(_url("homework", first)).status_code == 404
    assert as_user(outsider).get(review_url).status_code == 404
    assert course.homework.count() == 1


# The mid-point review


def test_the_midpoint_session_links_to_its_review(as_user, course, therapist, reader, outsider):
    eighth = sessions(course, 8)[7]
    http = as_user(therapist)

    session_page = text(http.get(_url("note", eighth)))
    form = http.get(_url("midpoint", course))
    response = http.post(
        _url("midpoint", course),
        {"goals_progress": "Goal 1 now 6 out of 10", "plan_for_remaining_sessions": "Role play"},
        follow=True,
    )

    assert "The mid-point review is due" in session_page
    assert form.status_code == 200 and "Progress towards the goals" in text(form)
    assert "Mid-point review saved" in text(response)
    assert course.midpoint_review.appointment == eighth
    assert _latest_event(object_type="notes.midpointreview").summary == "Wrote the mid-point review"
    assert "Mid-point review done" in text(http.get(_url("list", course)))
    read = as_user(reader).get(_url("midpoint", course))
    assert (
        "Goal 1 now 6 out of 10" in text(read)
        and '<form method="post"' not in read.content.decode()
    )
    assert (
        as_user(reader).post(_url("midpoint", course), {"goals_progress": "x"}).status_code == 403
    )
    assert as_user(outsider).get(_url("midpoint", course)).status_code == 404


def test_an_empty_midpoint_review_is_refused(as_user, course, therapist):
    response = as_user(therapist).post(_url("midpoint", course), {})

    assert response.status_code == 422
    assert "Enter at least one part of the mid-point review" in text(response)


# The ending


def test_it_builds_the_relapse_prevention_plan_and_ending_summary(as_user, course, therapist):
    http = as_user(therapist)

    assert "Not written yet" in text(http.get(_url("ending", course)))
    http.post(
        _url("relapse_plan", course),
        {"early_warning_signs": "Sleeping badly", "crisis_contacts": "Samaritans 116 123"},
    )
    http.post(
        _url("ending_summary", course),
        {"gains": "Back at tennis and cycling", "maintenance_plan": "Monthly boosters"},
    )
    ending = text(http.get(_url("ending", course)))
    printed = text(http.get(_url("ending_print", course)))

    for page in (ending, printed):
        assert "Sleeping badly" in page and "Samaritans 116 123" in page
        assert "Back at tennis and cycling" in page and "Monthly boosters" in page
    assert "Change the relapse-prevention plan" in ending
    assert _latest_event(object_type="notes.relapsepreventionplan").summary == (
        "Wrote the relapse-prevention plan"
    )
    assert _latest_event(object_type="notes.endingsummary").summary == "Wrote the ending summary"


def test_the_ending_forms_show_what_was_saved(as_user, course, therapist):
    services.save_relapse_prevention_plan(course=course, by=therapist, what_helps="Tennis")
    http = as_user(therapist)

    plan = http.get(_url("relapse_plan", course))
    summary = http.get(_url("ending_summary", course))

    assert ">Tennis</textarea>" in plan.content.decode()
    assert "Presenting difficulties" in text(summary)


def test_readers_see_the_ending_without_changing_it(as_user, course, therapist, reader):
    services.save_ending_summary(course=course, by=therapist, gains="Back at tennis")

    page = text(as_user(reader).get(_url("ending", course)))
    response = as_user(reader).post(_url("ending_summary", course), {"gains": "x"})

    assert "Back at tennis" in page and "Change the ending summary" not in page
    assert response.status_code == 403


@pytest.mark.parametrize(
    "name", ["list", "midpoint", "ending", "ending_print", "relapse_plan", "ending_summary"]
)
def test_outsiders_cannot_see_the_course_pages(as_user, course, outsider, name):
    assert as_user(outsider).get(_url(name, course)).status_code == 404


@pytest.mark.parametrize("name", ["note", "new", "edit", "sign", "addendum", "homework"])
def test_outsiders_cannot_see_the_note_pages(as_user, course, therapist, outsider, name):
    note = middle_note(course, therapist)
    services.sign_note(note=note, by=therapist)

    assert as_user(outsider).get(_url(name, note.appointment)).status_code == 404


def test_it_lists_the_sessions_in_the_same_number_of_queries_however_many_notes(
    as_user, therapist, course
):
    http = as_user(therapist)
    url = reverse("notes:list", args=[course.pk])
    counts = []
    for appointment in sessions(course, 4):
        services.start_note(appointment=appointment, content={"narrative": "Seen."}, by=therapist)
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[-1], counts


# A note whose appointment is later recorded as missed or cancelled


def _recorded_as(appointment, attendance: str) -> None:
    """The appointment's outcome corrected afterwards (as the appointments app would)."""
    type(appointment).objects.filter(pk=appointment.pk).update(attendance=attendance)


def test_a_note_stays_readable_after_its_appointment_is_recorded_as_missed(
    as_user, course, therapist, reader
):
    first, second = sessions(course, 2)
    note = services.start_note(
        appointment=second, content={"narrative": "Talked about her sister."}, by=therapist
    )
    services.sign_note(note=note, by=therapist)
    _recorded_as(second, "3")

    page = text(as_user(therapist).get(_url("note", second)))
    listed = text(as_user(therapist).get(_url("list", course)))
    read = as_user(reader).get(_url("note", second))

    assert "Talked about her sister." in page and "Initial phase note" in page
    assert "The appointment is now recorded as: did not attend, no warning" in page
    assert (
        "Treatment appointment The appointment is now recorded as: did not attend, no warning "
        "Initial"
    ) in listed
    assert "Signed" in listed
    assert read.status_code == 200 and "Talked about her sister." in text(read)


# Sessions that have not happened yet


def test_it_offers_no_note_before_the_session_has_happened(as_user, course, therapist):
    sessions(course, 1)
    unrecorded = add_appointment(course, attendance="")
    future = add_appointment(course, attendance="", starts_at=timezone.now() + dt.timedelta(days=3))
    http = as_user(therapist)

    waiting = text(http.get(_url("note", unrecorded)))
    coming = text(http.get(_url("note", future)))
    new = http.get(_url("new", future))
    posted = http.post(_url("new", future), {"narrative": "Written early"})

    assert "Write the note" not in waiting and "Write the note" not in coming
    assert "Record that the client attended the session before writing its note" in waiting
    assert "The session has not happened yet. Write its note after the session" in coming
    assert new.status_code == 302 and new["Location"] == _url("note", future)
    assert posted.status_code == 422 and "The session has not happened yet" in text(posted)
    assert not SessionNote.objects.exists()


def test_it_refuses_to_sign_an_empty_note(as_user, course, therapist):
    first = sessions(course, 1)[0]
    note = services.start_note(
        appointment=first, content={"tasks_covered": ["diagnosis"]}, by=therapist
    )

    response = as_user(therapist).post(_url("sign", first))

    assert response.status_code == 422
    assert "Error: " in text(response)
    assert "Enter the session narrative before signing the note" in text(response)
    note.refresh_from_db()
    assert not note.is_signed


# A draft keeps the template and the problem area it was started with


def test_a_draft_is_changed_with_the_template_it_was_started_with(as_user, course, therapist):
    first = sessions(course, 1)[0]
    services.start_note(
        appointment=first,
        content={"tasks_covered": ["diagnosis"], "narrative": "First meeting"},
        by=therapist,
    )
    for weeks in range(1, 6):  # five earlier sessions recorded late: this is now session 6
        add_appointment(course, starts_at=first.starts_at - dt.timedelta(weeks=weeks))
    http = as_user(therapist)

    form = text(http.get(_url("edit", first)))
    response = http.post(
        _url("edit", first),
        {"tasks_covered": ["diagnosis", "inventory"], "narrative": "Changed", "version": "1"},
    )

    assert "Session 6" in form and "Initial phase tasks covered this session" in form
    assert "IPT techniques used" not in form
    assert response.status_code == 302
    note = SessionNote.objects.get()
    assert note.content == {"tasks_covered": ["diagnosis", "inventory"], "narrative": "Changed"}


def test_strategies_keep_their_wording_after_the_problem_area_changes(as_user, course, therapist):
    note = middle_note(course, therapist, content={**MIDDLE_CONTENT, "strategies": ["blocks"]})
    formulations.set_problem_area(
        course=course, rank="primary", area="role_transition", by=therapist, reason="Rethought"
    )
    http = as_user(therapist)

    form = http.get(_url("edit", note.appointment))
    saved = http.post(
        _url("edit", note.appointment), _middle_post(note, strategies=["blocks", "stage"])
    )
    services.sign_note(note=note, by=therapist)
    page = text(http.get(_url("note", note.appointment)))

    html = form.content.decode()
    assert 'value="blocks" checked' in html and "Explore what is blocking resolution" in html
    assert "Problem area: Role dispute" in text(form)
    assert saved.status_code == 302
    note.refresh_from_db()
    assert note.content["strategies"] == ["blocks", "stage"]
    assert "Explore what is blocking resolution, Stage the dispute" in page


def test_a_note_signed_while_being_changed_keeps_what_was_typed_on_screen(
    as_user, course, therapist, supervisor
):
    note = middle_note(course, therapist)
    services.sign_note(note=note, by=therapist)

    response = as_user(supervisor).post(
        _url("edit", note.appointment), _middle_post(note, narrative="Her sister visited too")
    )

    page = text(response)
    assert response.status_code == 422
    assert "This note has been signed, so it cannot be changed" in page
    assert "What you wrote" in page and "Her sister visited too" in page
    note.refresh_from_db()
    assert note.content["narrative"] == MIDDLE_CONTENT["narrative"]


def test_each_ending_topic_is_one_fieldset_with_a_hint(as_user, course, therapist):
    sessions(course, 1)
    extra = booster(course)

    response = as_user(therapist).get(_url("new", extra))

    html = response.content.decode()
    assert html.count("<fieldset") == 5 and html.count("nhsuk-fieldset__legend--m") == 5
    assert "Select yes if you talked about booster or maintenance sessions" in text(response)


# Who may reach the pages


@pytest.fixture
def record(course, therapist):
    """Two sessions: the first with a signed note and homework to review at the second."""
    first, second = sessions(course, 2)
    note = services.start_note(appointment=first, content={"narrative": "Seen."}, by=therapist)
    services.sign_note(note=note, by=therapist)
    task = services.set_homework(appointment=first, description="Diary", by=therapist)
    return {"course": course, "first": first, "second": second, "task": task}


COURSE_PAGES = ["list", "midpoint", "ending", "ending_print", "relapse_plan", "ending_summary"]
SESSION_PAGES = ["note", "new", "edit", "sign", "addendum", "homework"]


def _page(name: str, record) -> str:
    if name == "homework_review":
        return reverse("notes:homework_review", args=[record["second"].pk, record["task"].pk])
    if name in COURSE_PAGES:
        return _url(name, record["course"])
    return _url(name, record["first"])


@pytest.mark.parametrize("name", [*COURSE_PAGES, *SESSION_PAGES, "homework_review"])
def test_administrators_cannot_see_any_notes_page(as_user, record, administrator, name):
    assert as_user(administrator).get(_page(name, record)).status_code == 404


WRITES = {
    "new": {"narrative": "x"},
    "edit": {"narrative": "x", "version": "1"},
    "sign": {},
    "addendum": {"text": "x"},
    "homework": {"description": "x"},
    "homework_review": {"outcome": "done"},
    "midpoint": {"goals_progress": "x"},
    "relapse_plan": {"what_helps": "x"},
    "ending_summary": {"gains": "x"},
}


@pytest.mark.parametrize("name", list(WRITES))
def test_outsiders_cannot_write_anything(as_user, record, outsider, administrator, name):
    before = AuditEvent.objects.count()

    for user in (outsider, administrator):
        assert as_user(user).post(_page(name, record), WRITES[name]).status_code == 404

    assert AuditEvent.objects.count() == before
    record["task"].refresh_from_db()
    assert record["task"].outcome == "" and record["course"].homework.count() == 1
    note = SessionNote.objects.get()
    assert note.version == 1 and not note.addenda.exists()


def test_homework_of_another_course_is_not_found(as_user, record, therapist, site):
    other = open_course(therapist=therapist, site=site)
    elsewhere = sessions(other, 2)[1]

    url = reverse("notes:homework_review", args=[elsewhere.pk, record["task"].pk])

    assert as_user(therapist).get(url).status_code == 404
    assert as_user(therapist).post(url, {"outcome": "done"}).status_code == 404
    record["task"].refresh_from_db()
    assert record["task"].outcome == ""
