"""The notes pages for each persona: happy paths, readers, outsiders, invalid input and races."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ipt.clients.tests.factories import BreakGlassAccessFactory
from ipt.core.models import AuditEvent
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


def test_it_lists_in_a_fixed_number_of_queries(
    as_user, course, therapist, django_assert_max_num_queries
):
    sessions(course, 12)
    http = as_user(therapist)
    with django_assert_max_num_queries(25):
        assert http.get(_url("list", course)).status_code == 200


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
    assert response["Location"] == f"{gate}?next={_url('new', sixth)}"


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
