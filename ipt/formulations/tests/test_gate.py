"""The middle-phase gate: what it lists, the audited override, and agreement clearing it."""

import datetime as dt

import pytest
from django.utils import timezone

from ipt.core.models import AuditEvent
from ipt.formulations import gate, queries, services
from ipt.formulations.areas import ProblemArea
from ipt.formulations.gate import MiddlePhaseCheck, OverrideInfo

from .factories import agreed_focus, choose_area, write_formulation


def test_it_lists_each_blocker_of_a_new_course(course):
    check = gate.middle_phase_check(course)
    assert check.blockers == [
        "No primary problem area has been chosen",
        "No formulation has been written",
    ]
    assert check.needs_confirmation
    assert not check.ready


def test_it_says_the_formulation_is_not_agreed_once_written(course):
    choose_area(course)
    write_formulation(course)
    check = gate.middle_phase_check(course)
    assert check.blockers == ["The formulation has not been agreed with the client"]
    assert not queries.formulation_agreed(course)


def test_agreeing_the_formulation_clears_the_gate(course):
    agreed_focus(course)
    check = gate.middle_phase_check(course)
    assert check.blockers == []
    assert check.ready
    assert not check.needs_confirmation
    assert queries.formulation_agreed(course)
    assert queries.primary_area_code(course) == ProblemArea.ROLE_DISPUTE


def test_a_new_version_after_agreement_needs_agreeing_again(course):
    agreed_focus(course)
    write_formulation(course, text="v2")
    assert gate.middle_phase_check(course).blockers == [
        "The formulation has not been agreed with the client"
    ]


def test_the_override_is_audited_and_satisfies_the_check(course, therapist):
    override = services.override_middle_phase_gate(
        course=course, by=therapist, reason="The client wants to start on the dispute now"
    )
    check = gate.middle_phase_check(course)
    assert check.blockers  # still listed, so the course page can show them
    assert not check.needs_confirmation
    assert check.override == OverrideInfo(
        reason="The client wants to start on the dispute now",
        by=therapist.display_name,
        at=override.at,
    )
    event = AuditEvent.objects.get(object_type="formulations.middlephaseoverride")
    assert event.action == "create"
    assert event.client_id == course.client_id
    assert event.actor == therapist
    assert "No primary problem area has been chosen" in event.summary
    assert event.changes["reason"] == [None, "The client wants to start on the dispute now"]


def test_the_override_needs_a_reason(course, therapist):
    with pytest.raises(services.FormulationRefused, match="Enter why"):
        services.override_middle_phase_gate(course=course, by=therapist, reason="  ")
    assert not course.middle_phase_overrides.exists()
    assert not AuditEvent.objects.filter(object_type="formulations.middlephaseoverride").exists()


def test_there_is_nothing_to_override_when_nothing_is_missing(course, therapist):
    agreed_focus(course)
    with pytest.raises(services.FormulationRefused, match="Nothing is missing"):
        services.override_middle_phase_gate(course=course, by=therapist, reason="Just in case")


def test_needs_confirmation_is_blockers_without_an_override():
    at = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    override = OverrideInfo(reason="r", by="Tessa Marlow", at=at)
    assert MiddlePhaseCheck(blockers=["x"]).needs_confirmation
    assert not MiddlePhaseCheck(blockers=["x"], override=override).needs_confirmation
    assert not MiddlePhaseCheck(blockers=[]).needs_confirmation
    assert not MiddlePhaseCheck(blockers=[], override=override).needs_confirmation


def test_it_labels_problem_areas_with_the_services_own_labels(course, manager, service):
    assert queries.problem_area_label(service, ProblemArea.DEFICITS) == "Interpersonal deficits"
    services.set_problem_area_labels(
        service=service, labels={ProblemArea.DEFICITS: "Interpersonal sensitivity"}, by=manager
    )
    assert queries.problem_area_label(service, ProblemArea.DEFICITS) == "Interpersonal sensitivity"
    assert queries.problem_area_label(service, ProblemArea.GRIEF) == "Grief"


def test_the_formulation_must_be_agreed_today_or_earlier(course, therapist):
    version = write_formulation(course)
    with pytest.raises(services.FormulationRefused, match="today or in the past"):
        services.agree_formulation(
            formulation=version,
            agreed_on=timezone.localdate() + dt.timedelta(days=1),
            by=therapist,
        )
    version.refresh_from_db()
    assert version.agreed_on is None
