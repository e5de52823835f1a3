"""The initial-phase checklist: each task done when its part of the record is."""

import datetime as dt

import pytest
from django.urls import reverse

from ipt.assessments import checklist, services
from ipt.assessments.presenters import task_items, tasks_summary

from .factories import InventoryEntryFactory, TimelineEventFactory


def _done(course) -> dict[str, bool]:
    return {task.label: task.done for task in checklist.initial_phase_tasks(course)}


def test_a_new_course_has_only_its_contract_agreed(course):
    done = _done(course)
    assert done.pop("Treatment contract agreed") is True
    assert not any(done.values())
    assert len(done) == 9


def test_each_part_of_the_record_ticks_its_task(course, therapist, monkeypatch):
    services.update_assessment(
        course=course,
        by=therapist,
        symptom_review="Low mood, poor sleep",
        diagnosis="Depressive episode",
        medication_considered=True,
        psychoeducation_given=True,
        sick_role_discussed=True,
        risk_narrative="No current plans",
        safety_plan="Call her sister",
    )
    InventoryEntryFactory(course=course)
    TimelineEventFactory(course=course, linked_to_onset=True)
    monkeypatch.setattr(checklist.formulations, "primary_area_code", lambda c: "grief")
    monkeypatch.setattr(checklist.formulations, "formulation_agreed", lambda c: True)

    tasks = checklist.initial_phase_tasks(course)

    assert all(task.done for task in tasks)
    assert tasks_summary(tasks) == "10 of 10 initial-phase tasks done"


def test_a_risk_assessment_without_a_safety_plan_is_not_done(course, therapist):
    services.update_assessment(course=course, by=therapist, risk_narrative="No current plans")
    assert _done(course)["Risk assessment and safety plan"] is False


@pytest.mark.parametrize("answer", [False, None])
def test_medication_is_done_only_when_considered(course, therapist, answer):
    services.update_assessment(course=course, by=therapist, medication_considered=answer)
    assert _done(course)["Need for medication considered"] is False


def test_an_event_not_linked_to_the_onset_does_not_count(course):
    TimelineEventFactory(course=course, occurred_on=dt.date(2020, 1, 1), linked_to_onset=False)
    assert _done(course)["Onset linked to life events"] is False


def test_each_task_links_to_where_it_is_recorded(course):
    hrefs = {task.label: task.href for task in checklist.initial_phase_tasks(course)}
    assert hrefs["Sick role discussed"] == reverse("assessments:overview", kwargs={"pk": course.pk})
    assert hrefs["Onset linked to life events"] == reverse(
        "assessments:timeline", kwargs={"pk": course.pk}
    )
    assert hrefs["Formulation agreed with the client"] == reverse(
        "formulations:formulation", kwargs={"pk": course.pk}
    )


def test_the_rows_can_drop_a_link_and_tag_each_task(course):
    rows = task_items(checklist.initial_phase_tasks(course), links={"assessments:overview": None})
    assert rows[0]["href"] is None
    assert rows[0]["tag"] == {"text": "To do", "colour": "grey"}
    assert rows[-1]["tag"] == {"text": "Done", "colour": "green"}
