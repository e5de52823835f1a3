"""Problem areas, dispute stages, strategies, formulation versions, goals and labels."""

import datetime as dt

import pytest
from django.utils import timezone

from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import add_appointment
from ipt.formulations import services
from ipt.formulations.areas import DisputeStage, ProblemArea
from ipt.formulations.models import FocusArea, GoalStatus

from .factories import add_goal, choose_area, write_formulation

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC))


def _events(model: str, action: str | None = None):
    events = AuditEvent.objects.filter(object_type=f"formulations.{model}")
    return events.filter(action=action) if action else events


def test_it_chooses_a_primary_area_with_its_details_and_audits_it(course, therapist):
    focus = choose_area(
        course,
        area=ProblemArea.GRIEF,
        deceased="Her mother, Joan",
        died_on=dt.date(2025, 11, 2),
    )
    assert (focus.rank, focus.area, focus.deceased) == ("primary", "grief", "Her mother, Joan")
    assert focus.died_on == dt.date(2025, 11, 2)
    event = _events("focusarea", "create").get()
    assert event.summary == "Chose Grief as the primary problem area"
    assert event.client_id == course.client_id
    assert event.changes["deceased"] == [None, "Her mother, Joan"]


def test_it_keeps_only_the_details_of_the_chosen_area(course):
    focus = choose_area(course, area=ProblemArea.DEFICITS, to_build="Make one friend at work")
    with pytest.raises(services.FormulationRefused, match="Unknown"):
        choose_area(course, area=ProblemArea.DEFICITS, wrong="x")
    assert focus.to_build == "Make one friend at work"
    assert focus.dispute_with == ""


def test_changing_the_primary_area_needs_a_reason(course, therapist):
    choose_area(course, area=ProblemArea.ROLE_TRANSITION, from_role="Working", to_role="Retired")
    with pytest.raises(services.FormulationRefused, match="Enter why the primary"):
        choose_area(course, area=ProblemArea.GRIEF)
    assert FocusArea.objects.get(course=course).area == ProblemArea.ROLE_TRANSITION
    assert not _events("focusarea", "update").exists()


def test_changing_the_primary_area_is_audited_with_the_reason(course, therapist):
    choose_area(course, area=ProblemArea.ROLE_TRANSITION)
    focus = services.set_problem_area(
        course=course,
        rank="primary",
        area=ProblemArea.GRIEF,
        details={"deceased": "His wife"},
        reason="The retirement mattered less than his wife's death",
        by=therapist,
    )
    assert focus.area == ProblemArea.GRIEF
    event = _events("focusarea", "update").get()
    assert event.summary == (
        "Changed the primary problem area from Role transition to Grief: "
        "The retirement mattered less than his wife's death"
    )
    assert event.changes["area"] == ["role_transition", "grief"]
    assert event.changes["reason"] == "The retirement mattered less than his wife's death"


def test_a_secondary_area_needs_a_primary_and_a_different_area(course):
    with pytest.raises(services.FormulationRefused, match="primary problem area first"):
        choose_area(course, rank="secondary", area=ProblemArea.GRIEF)
    choose_area(course, area=ProblemArea.GRIEF)
    with pytest.raises(services.FormulationRefused, match="already the primary"):
        choose_area(course, rank="secondary", area=ProblemArea.GRIEF)
    secondary = choose_area(course, rank="secondary", area=ProblemArea.DEFICITS)
    assert secondary.rank == "secondary"


def test_a_dispute_keeps_the_history_of_its_stages(course, therapist):
    focus = choose_area(course, dispute_with="Her husband", dispute_stage=DisputeStage.IMPASSE)
    services.change_dispute_stage(
        focus_area=focus,
        stage=DisputeStage.RENEGOTIATION,
        changed_on=TODAY,
        note="They have started talking about the chores",
        by=therapist,
    )
    focus.refresh_from_db()
    assert focus.dispute_stage == DisputeStage.RENEGOTIATION
    history = list(focus.stage_changes.values_list("stage", "changed_on", "note"))
    assert history == [
        ("impasse", TODAY, ""),
        ("renegotiation", TODAY, "They have started talking about the chores"),
    ]
    events = _events("disputestagechange", "create").order_by("sequence")
    assert [e.summary for e in events] == [
        "Staged the role dispute: impasse",
        "Staged the role dispute: renegotiation",
    ]
    assert events.last().changes["dispute_stage"] == ["impasse", "renegotiation"]


def test_it_refuses_a_stage_that_does_not_change_or_goes_back_in_time(course, therapist):
    focus = choose_area(course, dispute_stage=DisputeStage.IMPASSE)
    with pytest.raises(services.FormulationRefused, match="already at impasse"):
        services.change_dispute_stage(
            focus_area=focus, stage=DisputeStage.IMPASSE, changed_on=TODAY, by=therapist
        )
    with pytest.raises(services.FormulationRefused, match="after the last change"):
        services.change_dispute_stage(
            focus_area=focus,
            stage=DisputeStage.DISSOLUTION,
            changed_on=TODAY - dt.timedelta(days=3),
            by=therapist,
        )
    grief = choose_area(course, rank="secondary", area=ProblemArea.GRIEF)
    with pytest.raises(services.FormulationRefused, match="Only a role dispute"):
        services.change_dispute_stage(
            focus_area=grief, stage=DisputeStage.IMPASSE, changed_on=TODAY, by=therapist
        )
    assert focus.stage_changes.count() == 1


def test_it_ticks_and_unticks_strategies_with_who_and_when(course, therapist, supervisor):
    focus = choose_area(course)
    added, removed = services.mark_strategies(
        focus_area=focus, codes=["stage", "issues"], by=therapist
    )
    assert (added, removed) == (["issues", "stage"], [])
    added, removed = services.mark_strategies(
        focus_area=focus, codes=["stage", "options"], by=supervisor
    )
    assert (added, removed) == (["options"], ["issues"])
    rows = {row.code: row for row in focus.strategies_addressed.current()}
    assert set(rows) == {"stage", "options"}
    assert rows["stage"].by == therapist and rows["stage"].addressed_on == TODAY
    assert rows["options"].by == supervisor
    unticked = focus.strategies_addressed.get(code="issues")
    assert (unticked.by, unticked.addressed_on) == (therapist, TODAY)
    assert unticked.removed_by == supervisor
    assert timezone.localdate(unticked.removed_at) == TODAY
    assert _events("strategyaddressed", "create").count() == 3
    event = _events("strategyaddressed", "update").get()
    assert event.changes["strategy"] == ["issues", None]
    assert event.actor == supervisor and event.summary == "Unticked the strategy 'issues'"


def test_a_strategy_ticked_again_after_an_untick_is_a_new_tick(course, therapist):
    focus = choose_area(course)
    services.mark_strategies(focus_area=focus, codes=["stage"], by=therapist)
    services.mark_strategies(focus_area=focus, codes=[], by=therapist)
    services.mark_strategies(focus_area=focus, codes=["stage"], by=therapist)
    rows = list(focus.strategies_addressed.order_by("pk"))
    assert [row.is_current for row in rows] == [False, True]


def test_it_refuses_strategies_changed_by_someone_else_since_the_form_was_shown(
    course, therapist, supervisor
):
    focus = choose_area(course)
    services.mark_strategies(focus_area=focus, codes=["stage"], by=supervisor, shown=[])
    with pytest.raises(services.StrategiesChanged, match="Someone else changed") as refused:
        services.mark_strategies(focus_area=focus, codes=["issues"], by=therapist, shown=[])
    assert refused.value.saved == ["stage"]
    assert list(focus.strategies_addressed.current().values_list("code", flat=True)) == ["stage"]
    added, removed = services.mark_strategies(
        focus_area=focus, codes=["issues"], by=therapist, shown=["stage"]
    )
    assert (added, removed) == (["issues"], ["stage"])


def test_it_refuses_strategies_of_another_area(course, therapist):
    focus = choose_area(course)
    with pytest.raises(services.FormulationRefused):
        services.mark_strategies(focus_area=focus, codes=["link_onset"], by=therapist)
    assert not focus.strategies_addressed.exists()


def test_each_edit_of_the_formulation_is_a_new_version(course, therapist):
    choose_area(course, area=ProblemArea.GRIEF)
    first = write_formulation(course, agreed_on=TODAY)
    second = write_formulation(course, text="v2")
    assert (first.version, second.version) == (1, 2)
    assert second.primary_area == ProblemArea.GRIEF
    first.refresh_from_db()
    assert first.clinician_text == "Clinician's formulation v1"
    assert first.agreed_on == TODAY and second.agreed_on is None
    assert _events("formulationversion", "create").count() == 2
    with pytest.raises(services.FormulationRefused, match="Nothing has changed"):
        write_formulation(course, text="v2")


def test_only_the_current_version_can_be_agreed_and_only_once(course, therapist):
    first = write_formulation(course)
    write_formulation(course, text="v2")
    with pytest.raises(services.FormulationRefused, match="Only the current version"):
        services.agree_formulation(formulation=first, agreed_on=TODAY, by=therapist)
    second = course.formulations.get(version=2)
    agreed = services.agree_formulation(formulation=second, agreed_on=TODAY, by=therapist)
    assert agreed.agreement_recorded_by == therapist
    event = _events("formulationversion", "update").get()
    assert event.changes == {"agreed_on": [None, "2026-03-10"]}
    assert event.summary == "Recorded that the client agreed version 2 of the formulation"
    with pytest.raises(services.FormulationRefused, match="already been agreed"):
        services.agree_formulation(formulation=second, agreed_on=TODAY, by=therapist)


def test_goals_are_added_linked_to_a_problem_area_and_closed(course, therapist):
    choose_area(course)
    with pytest.raises(services.FormulationRefused, match="course's problem areas"):
        add_goal(course, area=ProblemArea.GRIEF)
    goal = add_goal(course, area=ProblemArea.ROLE_DISPUTE)
    assert goal.problem_area == ProblemArea.ROLE_DISPUTE
    assert _events("goal", "create").get().changes["text"] == [None, goal.text]
    services.close_goal(goal=goal, status=GoalStatus.ACHIEVED, by=therapist)
    goal.refresh_from_db()
    assert (goal.status, goal.closed_on) == ("achieved", TODAY)
    assert _events("goal", "update").get().changes["status"] == ["active", "achieved"]


def test_it_records_ratings_at_a_session_and_changes_a_same_day_rating(course, therapist):
    goal = add_goal(course)
    other = add_goal(course, "Go back to the choir")
    appointment = add_appointment(course, starts_at=timezone.now() - dt.timedelta(hours=3))
    saved = services.record_goal_ratings(
        course=course,
        scores={goal: 3, other: 0},
        rated_on=TODAY,
        appointment=appointment,
        by=therapist,
    )
    assert [(r.score, r.appointment_id) for r in saved] == [
        (3, appointment.pk),
        (0, appointment.pk),
    ]
    assert _events("goalrating", "create").count() == 2
    services.record_goal_ratings(course=course, scores={goal: 5}, rated_on=TODAY, by=therapist)
    assert list(goal.ratings.values_list("score", flat=True)) == [5]
    assert _events("goalrating", "update").get().changes == {"score": [3, 5]}


@pytest.mark.parametrize("score", [-1, 11, "7.5", "ten", True])
def test_it_refuses_a_rating_outside_0_to_10(course, therapist, score):
    goal = add_goal(course)
    with pytest.raises(services.FormulationRefused, match="whole number from 0 to 10"):
        services.record_goal_ratings(
            course=course, scores={goal: score}, rated_on=TODAY, by=therapist
        )
    assert not goal.ratings.exists()


def test_it_refuses_a_rating_at_another_courses_session(course, therapist, site):
    from ipt.courses.tests.factories import open_course

    goal = add_goal(course)
    other = open_course(therapist=therapist, site=site)
    elsewhere = add_appointment(other, starts_at=timezone.now() - dt.timedelta(hours=3))
    with pytest.raises(services.FormulationRefused, match="Select one of the course's sessions"):
        services.record_goal_ratings(
            course=course, scores={goal: 4}, rated_on=TODAY, appointment=elsewhere, by=therapist
        )
    assert not goal.ratings.exists()
    assert not _events("goalrating").exists()


def test_it_refuses_to_rate_another_courses_goal(course, therapist, site):
    from ipt.courses.tests.factories import open_course

    other = open_course(therapist=therapist, site=site)
    goal = add_goal(other)
    with pytest.raises(services.FormulationRefused, match="current goals"):
        services.record_goal_ratings(course=course, scores={goal: 4}, rated_on=TODAY, by=therapist)
    assert not goal.ratings.exists()


def test_it_refuses_ratings_of_a_closed_goal_or_in_the_future(course, therapist):
    goal = add_goal(course)
    with pytest.raises(services.FormulationRefused, match="today or in the past"):
        services.record_goal_ratings(
            course=course, scores={goal: 4}, rated_on=TODAY + dt.timedelta(days=1), by=therapist
        )
    services.close_goal(goal=goal, status=GoalStatus.RETIRED, by=therapist)
    with pytest.raises(services.FormulationRefused, match="current goals"):
        services.record_goal_ratings(course=course, scores={goal: 4}, rated_on=TODAY, by=therapist)


def test_service_labels_are_set_reset_and_audited(service, manager):
    changes = services.set_problem_area_labels(
        service=service,
        labels={"deficits": "Interpersonal sensitivity", "role_dispute": "Role dispute"},
        by=manager,
    )
    assert changes == {"deficits": [None, "Interpersonal sensitivity"]}
    services.set_problem_area_labels(service=service, labels={"deficits": ""}, by=manager)
    assert not service.problem_area_labels.exists()
    events = AuditEvent.objects.filter(object_type="organisations.service").order_by("sequence")
    assert [e.changes for e in events] == [
        {"deficits": [None, "Interpersonal sensitivity"]},
        {"deficits": ["Interpersonal sensitivity", None]},
    ]
