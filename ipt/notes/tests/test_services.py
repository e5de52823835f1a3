"""The rules of notes, homework, the mid-point review and the ending, with their audit events."""

import datetime as dt

import pytest
from django.utils import timezone

from ipt.clients.tests.factories import BreakGlassAccessFactory
from ipt.core.errors import Refused
from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import add_appointment
from ipt.formulations import services as formulations
from ipt.notes import services
from ipt.notes.models import Addendum, HomeworkTask, SessionNote

from .support import MIDDLE_CONTENT, booster, middle_note, sessions


def _events(obj, action: str):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action
    )


def test_it_starts_a_note_with_the_phase_template_and_audits_it(course, therapist):
    first, _, _, _, fifth = sessions(course, 5)

    initial = services.start_note(
        appointment=first, content={"tasks_covered": ["inventory"]}, by=therapist
    )
    middle = services.start_note(appointment=fifth, content={"narrative": "x"}, by=therapist)

    assert (initial.template, middle.template) == ("initial", "middle")
    assert initial.version == 1 and not initial.is_signed
    event = _events(initial, "create").get()
    assert event.client_id == course.client_id
    assert event.summary == "Started the note of session 1 (initial phase note)"
    assert event.changes["tasks_covered"] == [None, ["inventory"]]


def test_it_gives_a_booster_the_ending_template(course, therapist):
    sessions(course, 2)
    note = services.start_note(appointment=booster(course), content={}, by=therapist)

    assert note.template == "ending"


def test_it_refuses_a_second_note_for_a_session(course, therapist):
    first = sessions(course, 1)[0]
    services.start_note(appointment=first, content={}, by=therapist)

    with pytest.raises(services.NotesRefused, match="already has a note"):
        services.start_note(appointment=first, content={}, by=therapist)


def test_it_refuses_a_note_for_a_cancelled_session(course, therapist):
    from ipt.courses.tests.factories import add_appointment

    cancelled = add_appointment(course, attendance="2")

    with pytest.raises(services.NotesRefused, match="took place"):
        services.start_note(appointment=cancelled, content={}, by=therapist)
    assert not SessionNote.objects.exists()


def test_it_needs_the_role_play_record_when_role_play_is_ticked(course, therapist):
    content = {**MIDDLE_CONTENT, "rp_how_it_went": ""}

    with pytest.raises(services.NotesRefused, match="Enter how it went"):
        middle_note(course, therapist, content=content)
    assert not SessionNote.objects.exists()


def test_it_saves_a_draft_and_moves_the_version_on(course, therapist):
    note = middle_note(course, therapist)

    services.update_note(
        note=note,
        content={**MIDDLE_CONTENT, "narrative": "Rewritten"},
        expected_version=1,
        by=therapist,
    )

    assert note.version == 2 and note.content["narrative"] == "Rewritten"
    event = _events(note, "update").get()
    assert event.changes == {"narrative": ["Worked on the dispute with Dev.", "Rewritten"]}


def test_it_refuses_a_save_from_a_stale_form_and_keeps_the_first(course, therapist, supervisor):
    note = middle_note(course, therapist)
    services.update_note(
        note=note,
        content={**MIDDLE_CONTENT, "narrative": "Tessa's"},
        expected_version=1,
        by=therapist,
    )

    with pytest.raises(services.EditConflict) as refused:
        services.update_note(
            note=note,
            content={**MIDDLE_CONTENT, "narrative": "Sam's"},
            expected_version=1,
            by=supervisor,
        )

    assert refused.value.saved.content["narrative"] == "Tessa's"
    assert "Tessa Marlow saved this note since you opened it" in str(refused.value)
    note.refresh_from_db()
    assert (note.version, note.content["narrative"]) == (2, "Tessa's")
    assert _events(note, "update").count() == 1


def test_only_the_author_signs_and_signing_locks_the_note(course, therapist, supervisor):
    note = middle_note(course, therapist)

    with pytest.raises(services.NotesRefused, match="Only the author"):
        services.sign_note(note=note, by=supervisor)
    services.sign_note(note=note, by=therapist)

    assert note.is_signed and note.signed_by == therapist
    assert _events(note, "update").get().summary == "Signed the session note; it is now locked"
    with pytest.raises(services.NoteLocked):
        services.update_note(
            note=note,
            content={"narrative": "Changed"},
            expected_version=note.version,
            by=therapist,
        )
    with pytest.raises(services.NoteLocked):
        services.sign_note(note=note, by=therapist)
    note.refresh_from_db()
    assert note.content["narrative"] == MIDDLE_CONTENT["narrative"]


def test_an_addendum_keeps_the_signed_note_as_it_was(course, therapist):
    note = middle_note(course, therapist)
    with pytest.raises(services.NotesRefused, match="still a draft"):
        services.add_addendum(note=note, text="Too early", by=therapist)
    services.sign_note(note=note, by=therapist)

    addendum = services.add_addendum(note=note, text="Dev is her husband", by=therapist)

    note.refresh_from_db()
    assert note.content == {**note.content, "narrative": MIDDLE_CONTENT["narrative"]}
    assert list(note.addenda.values_list("text", flat=True)) == ["Dev is her husband"]
    assert _events(addendum, "create").get().changes["text"] == [None, "Dev is her husband"]
    with pytest.raises(ValueError, match="never changed"):
        addendum.save()
    assert Addendum.objects.count() == 1


def test_it_sets_and_reviews_homework_at_a_later_session(course, therapist):
    first, second = sessions(course, 2)
    task = services.set_homework(
        appointment=first, description="Write down important events", by=therapist
    )

    with pytest.raises(services.NotesRefused, match="later session"):
        services.review_homework(task=task, at=first, outcome="done", by=therapist)
    services.review_homework(
        task=task, at=second, outcome="partly", reflection="Managed three days", by=therapist
    )

    task.refresh_from_db()
    assert (task.outcome, task.reflection, task.reviewed_at) == (
        "partly",
        "Managed three days",
        second,
    )
    assert _events(task, "create").get().summary == "Set homework for the next session"
    review = _events(task, "update").get()
    assert review.summary == "Reviewed homework: partly done"
    assert review.changes["outcome"] == ["", "partly"]


def test_it_refuses_homework_without_a_description(course, therapist):
    first = sessions(course, 1)[0]

    with pytest.raises(services.NotesRefused, match="Enter the homework task"):
        services.set_homework(appointment=first, description="  ", by=therapist)
    assert not HomeworkTask.objects.exists()


def test_it_ties_the_midpoint_review_to_the_contract_session(course, therapist):
    eighth = sessions(course, 9)[7]

    review = services.save_midpoint_review(
        course=course, by=therapist, goals_progress="Goal 1 now 6 out of 10"
    )

    assert review.appointment == eighth
    assert _events(review, "create").get().summary == "Wrote the mid-point review"


def test_it_audits_changes_to_the_relapse_prevention_plan(course, therapist):
    plan = services.save_relapse_prevention_plan(
        course=course, by=therapist, early_warning_signs="Sleeping badly"
    )
    services.save_relapse_prevention_plan(
        course=course,
        by=therapist,
        early_warning_signs="Sleeping badly, avoiding friends",
        crisis_contacts="NHS 111, option 2",
    )

    plan.refresh_from_db()
    assert plan.crisis_contacts == "NHS 111, option 2"
    change = _events(plan, "update").get()
    assert change.changes == {
        "crisis_contacts": ["", "NHS 111, option 2"],
        "early_warning_signs": ["Sleeping badly", "Sleeping badly, avoiding friends"],
    }


def test_it_does_not_record_an_unchanged_ending_summary(course, therapist):
    summary = services.save_ending_summary(course=course, by=therapist, gains="Back at tennis")
    services.save_ending_summary(course=course, by=therapist, gains="Back at tennis")

    assert _events(summary, "create").count() == 1
    assert not _events(summary, "update").exists()


def test_a_reader_cannot_write(course, therapist, administrator):
    first = sessions(course, 1)[0]

    with pytest.raises(services.NotesRefused):
        services.start_note(appointment=first, content={}, by=administrator)
    with pytest.raises(services.NotesRefused):
        services.save_ending_summary(course=course, by=administrator, gains="x")


def _recorded_as(appointment, attendance: str) -> None:
    """The appointment's outcome corrected afterwards (as the appointments app would)."""
    type(appointment).objects.filter(pk=appointment.pk).update(attendance=attendance)


def test_it_refuses_a_note_before_the_session_has_happened(course, therapist):
    sessions(course, 1)
    unrecorded = add_appointment(course, attendance="")
    future = add_appointment(course, attendance="", starts_at=timezone.now() + dt.timedelta(days=2))

    with pytest.raises(services.NotesRefused, match="Record that the client attended"):
        services.start_note(appointment=unrecorded, content={"narrative": "x"}, by=therapist)
    with pytest.raises(services.NotesRefused, match="has not happened yet"):
        services.start_note(appointment=future, content={"narrative": "x"}, by=therapist)
    assert not SessionNote.objects.exists()


def test_it_refuses_to_sign_a_note_of_a_session_no_longer_recorded_as_held(course, therapist):
    first = sessions(course, 1)[0]
    note = services.start_note(appointment=first, content={"narrative": "Seen."}, by=therapist)
    _recorded_as(first, "")

    with pytest.raises(services.NotesRefused, match="Record that the client attended"):
        services.sign_note(note=note, by=therapist)
    note.refresh_from_db()
    assert not note.is_signed and not _events(note, "update").exists()


def test_it_refuses_to_sign_a_note_without_its_narrative(course, therapist):
    first = sessions(course, 1)[0]
    note = services.start_note(
        appointment=first, content={"tasks_covered": ["inventory"], "narrative": "  "}, by=therapist
    )

    with pytest.raises(services.NotesRefused, match="Enter the session narrative") as refused:
        services.sign_note(note=note, by=therapist)

    assert refused.value.field == "narrative"
    note.refresh_from_db()
    assert not note.is_signed and not _events(note, "update").exists()


def test_a_signed_note_cannot_be_saved_over(course, therapist):
    note = middle_note(course, therapist)
    note.content = {**note.content, "narrative": "Quietly changed"}
    note.save(update_fields=["content"])  # a draft can still change
    services.sign_note(note=note, by=therapist)

    note.content = {**note.content, "narrative": "Changed after signing"}
    with pytest.raises(ValueError, match="signed note is never changed"):
        note.save(update_fields=["content"])

    note.refresh_from_db()
    assert note.content["narrative"] == "Quietly changed"


def test_a_note_keeps_the_problem_area_of_its_strategies(course, therapist):
    note = middle_note(course, therapist, content={**MIDDLE_CONTENT, "strategies": ["blocks"]})
    formulations.set_problem_area(
        course=course, rank="primary", area="role_transition", by=therapist, reason="Rethought"
    )

    services.update_note(
        note=note,
        content={**MIDDLE_CONTENT, "strategies": ["blocks", "stage"], "narrative": "More"},
        expected_version=1,
        by=therapist,
    )

    note.refresh_from_db()
    assert note.content["strategies_area"] == "role_dispute"
    assert note.content["strategies"] == ["blocks", "stage"]
    assert _events(note, "create").get().changes["strategies_area"] == [None, "role_dispute"]


def test_the_midpoint_review_follows_a_changed_midpoint_session(course, therapist):
    appointments = sessions(course, 9)
    eighth, ninth = appointments[7], appointments[8]
    review = services.save_midpoint_review(course=course, by=therapist, goals_progress="Better")
    _recorded_as(appointments[2], "3")  # session 3 missed after all: the ninth is now session 8

    services.save_midpoint_review(course=course, by=therapist, goals_progress="Better")

    review.refresh_from_db()
    assert review.appointment == ninth
    change = _events(review, "update").get()
    assert change.changes == {"appointment_id": [eighth.pk, ninth.pk]}


def test_every_write_is_refused_to_those_who_may_not_write(
    course, therapist, other_therapist, administrator, outsider
):
    BreakGlassAccessFactory(user=other_therapist, client=course.client)
    first, second = sessions(course, 2)
    note = services.start_note(appointment=first, content={"narrative": "Seen."}, by=therapist)
    task = services.set_homework(appointment=first, description="Diary", by=therapist)
    signed = services.start_note(appointment=second, content={"narrative": "Seen."}, by=therapist)
    services.sign_note(note=signed, by=therapist)
    before = AuditEvent.objects.count()
    writes = [
        lambda by: services.start_note(appointment=second, content={}, by=by),
        lambda by: services.update_note(note=note, content={}, expected_version=1, by=by),
        lambda by: services.sign_note(note=note, by=by),
        lambda by: services.add_addendum(note=signed, text="x", by=by),
        lambda by: services.set_homework(appointment=first, description="x", by=by),
        lambda by: services.review_homework(task=task, at=second, outcome="done", by=by),
        lambda by: services.save_midpoint_review(course=course, by=by, goals_progress="x"),
        lambda by: services.save_relapse_prevention_plan(course=course, by=by, what_helps="x"),
        lambda by: services.save_ending_summary(course=course, by=by, gains="x"),
    ]

    for user in (other_therapist, administrator, outsider):
        for write in writes:
            with pytest.raises(Refused, match="You cannot change the notes of this course"):
                write(user)

    assert AuditEvent.objects.count() == before
    note.refresh_from_db()
    task.refresh_from_db()
    assert (note.version, note.is_signed, task.outcome) == (1, False, "")
