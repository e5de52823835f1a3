"""What the record never allows: edited formulation text, stale details of an old problem area,
and writes by anyone who may not change the course's clinical record."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ipt.core.models import AuditEvent
from ipt.formulations import access, services
from ipt.formulations.areas import DisputeStage, ProblemArea
from ipt.formulations.models import (
    FocusArea,
    FormulationVersion,
    Goal,
    GoalRating,
    MiddlePhaseOverride,
    ProblemAreaLabel,
    StrategyAddressed,
)

from .factories import add_goal, break_glass, choose_area, write_formulation

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC))


def _events(model: str, action: str | None = None):
    events = AuditEvent.objects.filter(object_type=f"formulations.{model}")
    return events.filter(action=action) if action else events


def test_a_formulation_versions_text_can_never_be_changed(course):
    version = write_formulation(course)
    version.clinician_text = "Rewritten history"
    with pytest.raises(ValueError, match="never edited"):
        version.save()
    with pytest.raises(ValueError, match="never edited"):
        version.save(update_fields=["clinician_text"])
    with pytest.raises(ValueError, match="never edited"):
        version.save(update_fields=["agreed_on", "client_text"])
    version.refresh_from_db()
    assert version.clinician_text == "Clinician's formulation v1"


def test_only_the_agreement_of_a_version_can_be_saved(course, therapist):
    version = write_formulation(course)
    version.agreed_on = TODAY
    version.agreement_recorded_by = therapist
    version.agreement_recorded_at = timezone.now()
    version.save(update_fields=["agreed_on", "agreement_recorded_by", "agreement_recorded_at"])
    assert FormulationVersion.objects.get(pk=version.pk).agreed_on == TODAY


def test_changing_the_area_clears_the_old_areas_details_and_audits_them(course, therapist):
    focus = choose_area(
        course,
        area=ProblemArea.GRIEF,
        deceased="Her mother, Joan",
        died_on=dt.date(2025, 11, 2),
    )
    services.set_problem_area(
        course=course,
        rank="primary",
        area=ProblemArea.ROLE_TRANSITION,
        details={"from_role": "Carer", "to_role": "Living alone"},
        reason="The change of role matters more",
        by=therapist,
    )
    focus.refresh_from_db()
    assert (focus.area, focus.from_role, focus.deceased, focus.died_on) == (
        "role_transition",
        "Carer",
        "",
        None,
    )
    changes = _events("focusarea", "update").get().changes
    assert changes["deceased"] == ["Her mother, Joan", ""]
    assert changes["died_on"] == ["2025-11-02", None]
    assert changes["from_role"] == ["", "Carer"]


def test_switching_back_to_a_dispute_does_not_bring_back_its_old_stage(course, therapist):
    focus = choose_area(course, dispute_with="Her husband", dispute_stage=DisputeStage.IMPASSE)
    services.mark_strategies(focus_area=focus, codes=["stage"], by=therapist)
    services.set_problem_area(
        course=course, rank="primary", area=ProblemArea.GRIEF, reason="Grief first", by=therapist
    )
    focus.refresh_from_db()
    assert (focus.dispute_with, focus.dispute_stage) == ("", "")
    assert not focus.strategies_addressed.current().exists()
    unticked = _events("strategyaddressed", "update").get()
    assert unticked.summary == (
        "Unticked the strategy 'stage': the primary problem area is no longer Role dispute"
    )
    services.set_problem_area(
        course=course,
        rank="primary",
        area=ProblemArea.ROLE_DISPUTE,
        reason="The dispute again",
        by=therapist,
    )
    focus.refresh_from_db()
    assert (focus.dispute_with, focus.dispute_stage) == ("", "")
    assert not focus.strategies_addressed.current().exists()
    # The history of the dispute is kept.
    assert list(focus.stage_changes.values_list("stage", flat=True)) == ["impasse"]
    first_change = _events("focusarea", "update").order_by("sequence").first()
    assert first_change.changes["dispute_stage"] == ["impasse", ""]


def test_it_refuses_details_of_an_area_that_was_not_chosen(course, therapist):
    with pytest.raises(
        services.FormulationRefused,
        match="You entered details for Grief but chose Role dispute: clear them or choose",
    ):
        services.set_problem_area(
            course=course,
            rank="primary",
            area=ProblemArea.ROLE_DISPUTE,
            details={"dispute_with": "Her husband", "deceased": "Her father"},
            by=therapist,
        )
    assert not FocusArea.objects.exists()
    assert not _events("focusarea").exists()


def _writes(course, therapist):
    """Each write service, called as `write(by)` on a course with a focus and a goal."""
    focus = choose_area(course, dispute_stage=DisputeStage.IMPASSE)
    version = write_formulation(course)
    goal = add_goal(course)
    return {
        "set_problem_area": lambda by: services.set_problem_area(
            course=course, rank="secondary", area=ProblemArea.GRIEF, by=by
        ),
        "change_dispute_stage": lambda by: services.change_dispute_stage(
            focus_area=focus, stage=DisputeStage.RENEGOTIATION, changed_on=TODAY, by=by
        ),
        "mark_strategies": lambda by: services.mark_strategies(
            focus_area=focus, codes=["stage"], by=by
        ),
        "write_formulation": lambda by: services.write_formulation(
            course=course, clinician_text="New", client_text="New", by=by
        ),
        "agree_formulation": lambda by: services.agree_formulation(
            formulation=version, agreed_on=TODAY, by=by
        ),
        "override_middle_phase_gate": lambda by: services.override_middle_phase_gate(
            course=course, reason="In crisis", by=by
        ),
        "add_goal": lambda by: services.add_goal(course=course, text="Another goal", by=by),
        "close_goal": lambda by: services.close_goal(goal=goal, status="achieved", by=by),
        "record_goal_ratings": lambda by: services.record_goal_ratings(
            course=course, scores={goal: 5}, rated_on=TODAY, by=by
        ),
    }


def _counts():
    return [
        model.objects.count()
        for model in (
            AuditEvent,
            FocusArea,
            StrategyAddressed,
            FormulationVersion,
            MiddlePhaseOverride,
            Goal,
            GoalRating,
        )
    ]


WRITES = [
    "set_problem_area",
    "change_dispute_stage",
    "mark_strategies",
    "write_formulation",
    "agree_formulation",
    "override_middle_phase_gate",
    "add_goal",
    "close_goal",
    "record_goal_ratings",
]


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["reader", "administrator", "outsider"])
def test_only_those_who_manage_the_course_may_write(
    request, course, therapist, other_therapist, write, who
):
    writes = _writes(course, therapist)
    if who == "reader":
        break_glass(other_therapist, course)
        user = other_therapist
    else:
        user = request.getfixturevalue(who)
    before = _counts()
    with pytest.raises(PermissionDenied):
        writes[write](user)
    assert _counts() == before
    assert Goal.objects.get().is_active
    assert not FormulationVersion.objects.get().is_agreed


@pytest.mark.parametrize("write", WRITES)
def test_the_therapist_may_make_every_write(course, therapist, write):
    writes = _writes(course, therapist)
    before = AuditEvent.objects.count()
    writes[write](therapist)
    assert AuditEvent.objects.count() > before


@pytest.mark.parametrize("who", ["therapist", "supervisor", "outsider"])
def test_only_the_services_managers_and_administrators_may_set_labels(request, service, who):
    with pytest.raises(PermissionDenied):
        services.set_problem_area_labels(
            service=service, labels={"grief": "Loss"}, by=request.getfixturevalue(who)
        )
    assert not ProblemAreaLabel.objects.exists()
    assert not AuditEvent.objects.filter(object_type="organisations.service").exists()


def test_an_inactive_manager_may_not_set_labels(service, manager):
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    assert not access.can_set_labels(manager)
    with pytest.raises(PermissionDenied):
        services.set_problem_area_labels(service=service, labels={"grief": "Loss"}, by=manager)
    assert not ProblemAreaLabel.objects.exists()
