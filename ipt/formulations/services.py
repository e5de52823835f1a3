"""Writes about a course's focus: problem areas, dispute stages, strategies worked on, the
formulation and its agreement, the middle-phase override, goals and their ratings.

Every function is atomic and records an audit event in the same transaction. A write by
someone who may not change the course's clinical record raises `PermissionDenied`; a write the
rules do not allow raises `FormulationRefused`; either way nothing changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ipt.accounts.models import User
from ipt.appointments.models import Appointment
from ipt.core import audit
from ipt.core.errors import Refused
from ipt.courses.access import can_write_clinical
from ipt.courses.models import Course
from ipt.organisations.models import Service

from . import access, gate, queries
from .areas import DisputeStage, ProblemArea, strategies_for
from .models import (
    DisputeStageChange,
    FocusArea,
    FormulationVersion,
    Goal,
    GoalRating,
    GoalStatus,
    MiddlePhaseOverride,
    ProblemAreaLabel,
    Rank,
    StrategyAddressed,
)
from .presenters import check_score

AREA_FIELDS: dict[str, tuple[str, ...]] = {
    ProblemArea.GRIEF: ("deceased", "inventory_person", "died_on"),
    ProblemArea.ROLE_DISPUTE: ("dispute_with",),
    ProblemArea.ROLE_TRANSITION: ("from_role", "to_role", "transition_on"),
    ProblemArea.DEFICITS: ("to_build",),
}
DETAIL_FIELDS = tuple(name for names in AREA_FIELDS.values() for name in names)
DATE_FIELDS = frozenset({"died_on", "transition_on"})
# Every field that belongs to one problem area only: its details, and a dispute's stage.
AREA_ONLY_FIELDS: dict[str, tuple[str, ...]] = {
    **AREA_FIELDS,
    ProblemArea.ROLE_DISPUTE: (*AREA_FIELDS[ProblemArea.ROLE_DISPUTE], "dispute_stage"),
}


class FormulationRefused(Refused):
    """A write the rules do not allow; the message can be shown to staff as it is."""


class StrategiesChanged(FormulationRefused):
    """The strategies were changed by someone else since the form was shown."""

    def __init__(self, message: str, *, saved: list[str]):
        super().__init__(message, field="strategies")
        self.saved = saved


def _may_write(by: User, course: Course) -> None:
    if not can_write_clinical(by, course):
        raise PermissionDenied("Only those who manage the course may change its focus")


def _lock(course: Course) -> None:
    """Lock the course row so concurrent first writes of one-per-course rows queue."""
    Course.objects.select_for_update().get(pk=course.pk)


def _area_name(course: Course, code: str) -> str:
    return queries.problem_area_label(course.service, code)


def _refresh_summary(course_id: int) -> None:
    """The reports count courses by their primary area: bring the course's summary up to date."""
    from ipt.reports.summaries import refresh_on_commit

    refresh_on_commit(course_id)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_details(course: Course, area: str, details: Mapping[str, Any]) -> dict[str, Any]:
    """The chosen area's details, cleaned. Details of another area are refused rather than
    dropped, so nothing typed is silently lost."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise FormulationRefused(f"Unknown problem area details: {', '.join(sorted(unknown))}")
    for other, names in AREA_FIELDS.items():
        if other != area and any(not _is_blank(details.get(name)) for name in names):
            raise FormulationRefused(
                other_area_details_message(_area_name(course, other), _area_name(course, area))
            )
    today = timezone.localdate()
    cleaned: dict[str, Any] = {}
    for name in AREA_FIELDS.get(area, ()):
        value = details.get(name)
        if name in DATE_FIELDS:
            if value is not None and value > today:
                raise FormulationRefused("The date must be today or in the past", field=name)
            cleaned[name] = value
        else:
            cleaned[name] = (value or "").strip()
    return cleaned


def other_area_details_message(entered: str, chosen: str) -> str:
    """The refusal when details were entered for a problem area (named `entered`) other than
    the one chosen (named `chosen`)."""
    return f"You entered details for {entered} but chose {chosen}: clear them or choose that area"


def _cleared_fields(area: str) -> dict[str, Any]:
    """Blank values for the fields of every area but `area`."""
    cleared: dict[str, Any] = {}
    for other, names in AREA_ONLY_FIELDS.items():
        if other != area:
            cleared |= {name: None if name in DATE_FIELDS else "" for name in names}
    return cleared


def _untick(
    rows: Iterable[StrategyAddressed], *, by: User, client_id: int, why: str = ""
) -> list[str]:
    """Remove the ticks, keeping each row with who worked on it and when; audited."""
    now = timezone.now()
    codes = []
    for row in rows:
        row.removed_at, row.removed_by = now, by
        row.save(update_fields=["removed_at", "removed_by"])
        audit.record(
            by=by,
            action=audit.Action.UPDATE,
            obj=row,
            client_id=client_id,
            summary=f"Unticked the strategy '{row.code}'{why}",
            changes={
                "strategy": [row.code, None],
                "addressed_on": [row.addressed_on, None],
                "removed_at": [None, now],
            },
        )
        codes.append(row.code)
    return codes


@transaction.atomic
def set_problem_area(
    *,
    course: Course,
    rank: str,
    area: str,
    by: User,
    details: Mapping[str, Any] | None = None,
    dispute_stage: str = "",
    reason: str = "",
) -> FocusArea:
    """Choose (or change) the course's primary or secondary problem area and its details.

    Changing the primary area to a different one needs a reason, which goes into the audit log.
    Changing the area clears the old area's details and strategy ticks; the audit event keeps
    the cleared values. For a role dispute, a stage different from the current one is added to
    its history.
    """
    _may_write(by, course)
    if rank not in Rank.values:
        raise FormulationRefused("Choose primary or secondary")
    if area not in ProblemArea.values:
        raise FormulationRefused("Select a problem area", field="area")
    if dispute_stage and dispute_stage not in DisputeStage.values:
        raise FormulationRefused("Select the stage of the dispute", field="dispute_stage")
    values = _clean_details(course, area, details or {})
    reason = reason.strip()
    _lock(course)
    if rank == Rank.SECONDARY and queries.primary_area_code(course) is None:
        raise FormulationRefused("Choose the primary problem area first")
    other = FocusArea.objects.filter(course=course, area=area).exclude(rank=rank).first()
    if other is not None:
        raise FormulationRefused(
            f"{_area_name(course, area)} is already the {other.get_rank_display().lower()}",
            field="area",
        )
    existing = FocusArea.objects.select_for_update().filter(course=course, rank=rank).first()
    rank_label = Rank(rank).label.lower()
    if existing is None:
        focus = FocusArea.objects.create(
            course=course, rank=rank, area=area, created_by=by, **values
        )
        audit.record(
            by=by,
            action=audit.Action.CREATE,
            obj=focus,
            client_id=course.client_id,
            summary=f"Chose {_area_name(course, area)} as the {rank_label}",
            changes={"area": [None, area], **{k: [None, v] for k, v in values.items() if v}},
        )
    else:
        focus = existing
        old_area = existing.area
        changing_area = old_area != area
        if changing_area and rank == Rank.PRIMARY and not reason:
            raise FormulationRefused(
                "Enter why the primary problem area is changing", field="reason"
            )
        values |= _cleared_fields(area)
        fields = ["area", *values]
        before = audit.snapshot(focus, fields)
        focus.area = area
        for name, value in values.items():
            setattr(focus, name, value)
        after = audit.snapshot(focus, fields)
        changes: dict[str, Any] = audit.changes_between(before, after)
        if changes:
            focus.save(update_fields=fields)
            if reason:
                changes["reason"] = reason
            summary = (
                f"Changed the {rank_label} from {_area_name(course, old_area)} "
                f"to {_area_name(course, area)}"
                if changing_area
                else f"Changed the details of the {rank_label}"
            )
            if reason:
                summary = f"{summary}: {reason}"
            audit.record(
                by=by,
                action=audit.Action.UPDATE,
                obj=focus,
                client_id=course.client_id,
                summary=summary,
                changes=changes,
            )
        if changing_area:
            _untick(
                focus.strategies_addressed.current().exclude(area=area),
                by=by,
                client_id=course.client_id,
                why=f": the {rank_label} is no longer {_area_name(course, old_area)}",
            )
    if rank == Rank.PRIMARY:
        _refresh_summary(course.pk)
    if area == ProblemArea.ROLE_DISPUTE and dispute_stage and dispute_stage != focus.dispute_stage:
        change_dispute_stage(
            focus_area=focus, stage=dispute_stage, changed_on=timezone.localdate(), by=by
        )
    return focus


@transaction.atomic
def change_dispute_stage(
    *, focus_area: FocusArea, stage: str, changed_on: dt.date, by: User, note: str = ""
) -> DisputeStageChange:
    """Stage (or re-stage) a role dispute, adding to its history."""
    _may_write(by, focus_area.course)
    focus_area = (
        FocusArea.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=focus_area.pk)
    )
    if focus_area.area != ProblemArea.ROLE_DISPUTE:
        raise FormulationRefused("Only a role dispute has a stage")
    if stage not in DisputeStage.values:
        raise FormulationRefused("Select the stage of the dispute", field="stage")
    if changed_on > timezone.localdate():
        raise FormulationRefused("The date must be today or in the past", field="changed_on")
    latest = focus_area.stage_changes.order_by("-changed_on", "-created_at", "-pk").first()
    if latest is not None and changed_on < latest.changed_on:
        raise FormulationRefused(
            "The date must be the same as or after the last change of stage", field="changed_on"
        )
    if focus_area.dispute_stage == stage:
        raise FormulationRefused(
            f"The dispute is already at {DisputeStage(stage).label.lower()}", field="stage"
        )
    previous = focus_area.dispute_stage
    change = DisputeStageChange.objects.create(
        focus_area=focus_area, stage=stage, changed_on=changed_on, note=note.strip(), by=by
    )
    focus_area.dispute_stage = stage
    focus_area.save(update_fields=["dispute_stage"])
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=change,
        client_id=focus_area.course.client_id,
        summary=f"Staged the role dispute: {DisputeStage(stage).label.lower()}",
        changes={"dispute_stage": [previous or None, stage], "changed_on": [None, changed_on]},
    )
    return change


def _codes_text(codes: Iterable[str], area: str) -> str:
    texts = {item.code: item.text for item in strategies_for(area)}
    named = [texts.get(code, code) for code in sorted(codes)]
    return "; ".join(named) if named else "none"


@transaction.atomic
def mark_strategies(
    *,
    focus_area: FocusArea,
    codes: Iterable[str],
    by: User,
    on: dt.date | None = None,
    shown: Iterable[str] | None = None,
) -> tuple[list[str], list[str]]:
    """Make the checklist of strategies worked on for the area exactly `codes`.

    `shown` is the set the form showed as ticked: if the saved set has changed since (someone
    else ticked or unticked meanwhile), `StrategiesChanged` is raised and nothing changes.
    An untick keeps the row, marked removed. Returns the codes ticked and unticked.
    """
    _may_write(by, focus_area.course)
    focus_area = (
        FocusArea.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=focus_area.pk)
    )
    area = focus_area.area
    allowed = {item.code for item in strategies_for(area)}
    wanted = set(codes)
    if wanted - allowed:
        raise FormulationRefused("Select strategies of this problem area", field="strategies")
    have = {row.code: row for row in focus_area.strategies_addressed.current().filter(area=area)}
    if shown is not None and set(shown) != set(have):
        raise StrategiesChanged(
            "Someone else changed the strategies worked on since you opened this page. "
            f"Saved now: {_codes_text(have, area)}. Check the ticks and save again.",
            saved=sorted(have),
        )
    added = sorted(wanted - set(have))
    removed = sorted(set(have) - wanted)
    client_id = focus_area.course.client_id
    for code in added:
        row = StrategyAddressed.objects.create(
            focus_area=focus_area,
            area=area,
            code=code,
            addressed_on=on or timezone.localdate(),
            by=by,
        )
        audit.record(
            by=by,
            action=audit.Action.CREATE,
            obj=row,
            client_id=client_id,
            summary=f"Ticked the strategy '{code}' as worked on",
            changes={"strategy": [None, code]},
        )
    _untick([have[code] for code in removed], by=by, client_id=client_id)
    return added, removed


@transaction.atomic
def write_formulation(
    *, course: Course, clinician_text: str, client_text: str, by: User
) -> FormulationVersion:
    """Add a new version of the course's formulation, linked to its current problem areas."""
    _may_write(by, course)
    clinician_text, client_text = clinician_text.strip(), client_text.strip()
    if not clinician_text:
        raise FormulationRefused("Enter the clinician's formulation", field="clinician_text")
    if not client_text:
        raise FormulationRefused(
            "Enter the formulation in words the client will read", field="client_text"
        )
    _lock(course)
    current = (
        FormulationVersion.objects.select_for_update()
        .filter(course=course)
        .order_by("-version")
        .first()
    )
    if (
        current is not None
        and current.clinician_text == clinician_text
        and current.client_text == client_text
    ):
        raise FormulationRefused("Nothing has changed since the current version")
    areas = {row.rank: row.area for row in FocusArea.objects.filter(course=course)}
    formulation = FormulationVersion.objects.create(
        course=course,
        version=(current.version if current else 0) + 1,
        clinician_text=clinician_text,
        client_text=client_text,
        primary_area=areas.get(Rank.PRIMARY, ""),
        secondary_area=areas.get(Rank.SECONDARY, ""),
        created_by=by,
    )
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=formulation,
        client_id=course.client_id,
        summary=f"Wrote version {formulation.version} of the formulation",
        changes={"version": [current.version if current else None, formulation.version]},
    )
    return formulation


@transaction.atomic
def agree_formulation(
    *, formulation: FormulationVersion, agreed_on: dt.date, by: User
) -> FormulationVersion:
    """Record that the client agreed the current version of the formulation on a date."""
    _may_write(by, formulation.course)
    formulation = (
        FormulationVersion.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=formulation.pk)
    )
    latest = (
        FormulationVersion.objects.filter(course_id=formulation.course_id)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if formulation.version != latest:
        raise FormulationRefused("Only the current version of the formulation can be agreed")
    if formulation.is_agreed:
        raise FormulationRefused("This version has already been agreed with the client")
    if agreed_on > timezone.localdate():
        raise FormulationRefused("The date must be today or in the past", field="agreed_on")
    if agreed_on < timezone.localdate(formulation.created_at):
        raise FormulationRefused(
            "The date must be the same as or after the day this version was written",
            field="agreed_on",
        )
    formulation.agreed_on = agreed_on
    formulation.agreement_recorded_by = by
    formulation.agreement_recorded_at = timezone.now()
    formulation.save(update_fields=["agreed_on", "agreement_recorded_by", "agreement_recorded_at"])
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=formulation,
        client_id=formulation.course.client_id,
        summary=f"Recorded that the client agreed version {formulation.version} of the formulation",
        changes={"agreed_on": [None, agreed_on]},
    )
    return formulation


@transaction.atomic
def override_middle_phase_gate(*, course: Course, by: User, reason: str) -> MiddlePhaseOverride:
    """Confirm starting the middle phase although something is missing, and why."""
    _may_write(by, course)
    reason = reason.strip()
    if not reason:
        raise FormulationRefused(
            "Enter why the middle phase is starting without an agreed focus", field="reason"
        )
    check = gate.middle_phase_check(course)
    if check.ready:
        raise FormulationRefused("Nothing is missing, so there is nothing to confirm")
    override = MiddlePhaseOverride.objects.create(course=course, reason=reason, by=by)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=override,
        client_id=course.client_id,
        summary=f"Started the middle phase without: {'; '.join(check.blockers)}"[:300],
        changes={"reason": [None, reason], "missing": [None, check.blockers]},
    )
    return override


@transaction.atomic
def add_goal(*, course: Course, text: str, by: User, problem_area: str = "") -> Goal:
    """Add a goal the client set, linked to one of the course's problem areas."""
    _may_write(by, course)
    text = text.strip()
    if not text:
        raise FormulationRefused("Enter the goal", field="text")
    if problem_area and problem_area not in queries.focus_area_codes(course):
        raise FormulationRefused("Select one of the course's problem areas", field="problem_area")
    goal = Goal.objects.create(course=course, text=text, problem_area=problem_area, created_by=by)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=goal,
        client_id=course.client_id,
        summary="Added a goal",
        changes={"text": [None, text], "problem_area": [None, problem_area or None]},
    )
    return goal


@transaction.atomic
def close_goal(*, goal: Goal, status: str, by: User, on: dt.date | None = None) -> Goal:
    """Mark a goal achieved or no longer worked on."""
    _may_write(by, goal.course)
    goal = Goal.objects.select_for_update(of=("self",)).select_related("course").get(pk=goal.pk)
    if status not in (GoalStatus.ACHIEVED, GoalStatus.RETIRED):
        raise FormulationRefused("Select whether the goal was achieved", field="status")
    if not goal.is_active:
        raise FormulationRefused("This goal is already closed")
    before = audit.snapshot(goal, ["status", "closed_on"])
    goal.status = status
    goal.closed_on = on or timezone.localdate()
    goal.save(update_fields=["status", "closed_on"])
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=goal,
        client_id=goal.course.client_id,
        summary=f"Marked a goal as {GoalStatus(status).label.lower()}",
        changes=audit.changes_between(before, audit.snapshot(goal, ["status", "closed_on"])),
    )
    return goal


@transaction.atomic
def record_goal_ratings(
    *,
    course: Course,
    scores: Mapping[Goal, int],
    rated_on: dt.date,
    by: User,
    appointment: Appointment | None = None,
) -> list[GoalRating]:
    """Record the client's 0–10 ratings of their goals on a day (optionally at a session).

    A goal already rated that day has its rating changed, and the change audited.
    """
    _may_write(by, course)
    if not scores:
        raise FormulationRefused("Enter a rating for at least one goal")
    if rated_on > timezone.localdate():
        raise FormulationRefused("The date must be today or in the past", field="rated_on")
    if appointment is not None and appointment.course_id != course.pk:
        raise FormulationRefused("Select one of the course's sessions", field="appointment")
    current = set(Goal.objects.filter(course=course).active().values_list("pk", flat=True))
    checked = {}
    for goal, score in scores.items():
        if goal.pk not in current:
            raise FormulationRefused("Only the course's current goals can be rated")
        try:
            checked[goal] = check_score(score)
        except ValueError as error:
            raise FormulationRefused(str(error)) from None
    _lock(course)
    saved = []
    for goal, score in checked.items():
        rating = GoalRating.objects.select_for_update().filter(goal=goal, rated_on=rated_on).first()
        if rating is None:
            rating = GoalRating.objects.create(
                goal=goal, score=score, rated_on=rated_on, appointment=appointment, created_by=by
            )
            audit.record(
                by=by,
                action=audit.Action.CREATE,
                obj=rating,
                client_id=course.client_id,
                summary=f"Recorded a goal rating of {score} out of 10",
                changes={"score": [None, score], "rated_on": [None, rated_on]},
            )
        else:
            before = audit.snapshot(rating, ["score", "appointment_id"])
            rating.score = score
            rating.appointment = appointment or rating.appointment
            changes = audit.changes_between(
                before, audit.snapshot(rating, ["score", "appointment_id"])
            )
            if changes:
                rating.save(update_fields=["score", "appointment"])
                audit.record(
                    by=by,
                    action=audit.Action.UPDATE,
                    obj=rating,
                    client_id=course.client_id,
                    summary=f"Changed a goal rating to {score} out of 10",
                    changes=changes,
                )
        saved.append(rating)
    return saved


@transaction.atomic
def set_problem_area_labels(
    *, service: Service, labels: Mapping[str, str], by: User
) -> dict[str, Any]:
    """Set the service's own label for each problem area; a blank label means the default.

    Returns the changes made, {code: [old, new]}.
    """
    if not access.can_set_labels(by, service.pk):
        raise PermissionDenied("Only the service's managers and administrators may do this")
    if set(labels) - set(ProblemArea.values):
        raise FormulationRefused("Unknown problem area")
    # One label per area and service: lock the service so two first changes queue.
    Service.objects.select_for_update().get(pk=service.pk)
    existing = {row.code: row for row in ProblemAreaLabel.objects.filter(service=service)}
    changes: dict[str, Any] = {}
    for code, label in labels.items():
        label = label.strip()
        default = str(ProblemArea(code).label)
        row = existing.get(code)
        old = row.label if row else None
        new = label if label and label != default else None
        if old == new:
            continue
        if new is None:
            if row is not None:
                row.delete()
        elif row is None:
            ProblemAreaLabel.objects.create(service=service, code=code, label=new)
        else:
            row.label = new
            row.save(update_fields=["label"])
        changes[code] = [old, new]
    if changes:
        audit.record(
            by=by,
            action=audit.Action.UPDATE,
            obj=service,
            summary="Changed the problem area labels",
            changes=changes,
        )
    return changes
