"""Writes about courses: opening one, renegotiating its contract, moving its status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ipt.accounts.models import User
from ipt.clients.models import Referral, ReferralStatus
from ipt.core import audit
from ipt.organisations.models import Service

from .models import Course, CourseStatusChange, TherapyVariant, TreatmentContract
from .rules import ContractTerms, CourseStatus, Progress, TransitionRefused, check_transition
from .variants import DEFAULT_VARIANTS

CONTRACT_FIELDS = (
    "planned_sessions",
    "frequency",
    "session_minutes",
    "initial_last",
    "middle_last",
    "mid_point_review",
    "ending_named_at",
)


class CourseRefused(ValueError):
    """A course write the rules do not allow; the message can be shown to staff as it is."""


@transaction.atomic
def add_default_variants(*, service: Service, by: User | None) -> list[TherapyVariant]:
    """Give a service the standard IPT variants it does not have yet."""
    have = set(service.therapy_variants.values_list("code", flat=True))
    made = [
        TherapyVariant.objects.create(service=service, **values)
        for values in DEFAULT_VARIANTS
        if values["code"] not in have
    ]
    for variant in made:
        audit.record(
            by=by,
            action=audit.Action.CREATE,
            obj=variant,
            summary=f"Added the variant {variant.name}",
        )
    return made


def _check_terms(terms: dict[str, Any]) -> None:
    problems = ContractTerms(
        planned_sessions=terms["planned_sessions"],
        initial_last=terms["initial_last"],
        middle_last=terms["middle_last"],
        ending_named_at=terms["ending_named_at"],
    ).problems()
    if not 1 <= terms["mid_point_review"] <= terms["planned_sessions"]:
        problems.append("The mid-point review must be one of the planned sessions")
    if not 30 <= terms["session_minutes"] <= 180:
        problems.append("Sessions must last between 30 and 180 minutes")
    if problems:
        raise CourseRefused(". ".join(problems))


def defaults_from(variant: TherapyVariant) -> dict[str, Any]:
    """The contract terms a variant suggests."""
    return {name: getattr(variant, name) for name in CONTRACT_FIELDS}


@transaction.atomic
def open_course(
    *,
    referral: Referral,
    variant: TherapyVariant,
    by: User,
    agreed_on: dt.date,
    therapist: User | None = None,
    **terms: Any,
) -> Course:
    """Open a course from a referral accepted for IPT, with its first contract."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.ACCEPTED_FOR_IPT:
        raise CourseRefused("Only a referral accepted for IPT can start a course")
    if Course.objects.filter(referral=referral).exists():
        raise CourseRefused("This referral already has a course")
    therapist = therapist or referral.allocated_therapist
    if (
        therapist is None
        or not therapist.is_therapist
        or therapist.service_id != referral.service_id
    ):
        raise CourseRefused("Allocate the referral to a therapist of the service first")
    if variant.service_id != referral.service_id or not variant.is_active:
        raise CourseRefused("Choose one of the service's IPT variants")
    values = {**defaults_from(variant), **terms}
    _check_terms(values)
    course = Course.objects.create(
        client_id=referral.client_id,
        referral=referral,
        service_id=referral.service_id,
        therapist=therapist,
        variant=variant,
        created_by=by,
    )
    contract = TreatmentContract.objects.create(
        course=course, version=1, agreed_on=agreed_on, created_by=by, **values
    )
    CourseStatusChange.objects.create(
        course=course, from_status="", to_status=course.status, note="Course opened", changed_by=by
    )
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=course,
        client_id=course.client_id,
        summary=f"Opened a course of {variant.name}",
        changes=audit.changes_between(
            {}, audit.snapshot(contract, [*CONTRACT_FIELDS, "agreed_on"])
        ),
    )
    return course


def current_contract(course: Course) -> TreatmentContract:
    return course.contracts.latest()


@transaction.atomic
def renegotiate_contract(
    *, course: Course, by: User, reason: str, agreed_on: dt.date, **terms: Any
) -> TreatmentContract:
    """Agree a new version of the contract with the client; the earlier versions are kept."""
    if not reason.strip():
        raise CourseRefused("Enter the reason the contract was renegotiated")
    if not course.is_open:
        raise CourseRefused("The course has ended, so its contract cannot change")
    before = current_contract(course)
    values = {name: terms.get(name, getattr(before, name)) for name in CONTRACT_FIELDS}
    _check_terms(values)
    attended = attended_treatment_sessions(course)
    if values["planned_sessions"] < attended:
        raise CourseRefused(f"The client has attended {attended} sessions; plan at least that many")
    contract = TreatmentContract.objects.create(
        course=course,
        version=before.version + 1,
        agreed_on=agreed_on,
        reason=reason.strip(),
        created_by=by,
        **values,
    )
    fields = [*CONTRACT_FIELDS, "agreed_on"]
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=course,
        client_id=course.client_id,
        summary=f"Renegotiated the contract (version {contract.version}): {reason.strip()}",
        changes=audit.changes_between(
            audit.snapshot(before, fields), audit.snapshot(contract, fields)
        ),
    )
    return contract


@transaction.atomic
def change_status(
    *,
    course: Course,
    to_status: CourseStatus | str,
    by: User,
    reason_code: str = "",
    note: str = "",
    on: dt.date | None = None,
) -> CourseStatusChange:
    """Move the course on (treatment starts; it completes or ends early with a coded reason)."""
    current = Course.objects.select_for_update().get(pk=course.pk)
    target = CourseStatus(to_status)
    try:
        check_transition(CourseStatus(current.status), target, reason_code)
    except TransitionRefused as refused:
        raise CourseRefused(str(refused)) from None
    before = audit.snapshot(current, ["status", "ended_on", "end_reason"])
    current.status = target.value
    fields = ["status"]
    if target not in (CourseStatus.ASSESSMENT, CourseStatus.TREATMENT):
        current.ended_on = on or timezone.localdate()
        current.end_reason = reason_code
        fields += ["ended_on", "end_reason"]
    current.save(update_fields=fields)
    for name in fields:
        setattr(course, name, getattr(current, name))
    change = CourseStatusChange.objects.create(
        course=current,
        from_status=before["status"],
        to_status=target.value,
        reason_code=reason_code,
        note=note.strip(),
        changed_by=by,
    )
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=current,
        client_id=current.client_id,
        summary=f"Course status: {current.get_status_display().lower()}",
        changes=audit.changes_between(
            before, audit.snapshot(current, ["status", "ended_on", "end_reason"])
        ),
    )
    return change


def attended_treatment_sessions(course: Course) -> int:
    """Attended treatment appointments: the only ones that advance the session count."""
    return course.appointments.treatment().attended().count()


def progress(course: Course, contract: TreatmentContract | None = None) -> Progress:
    """Where the course is, e.g. "Session 6 of 16 · middle phase"."""
    contract = contract or current_contract(course)
    return Progress(attended=attended_treatment_sessions(course), terms=contract.terms)


def needs_review(course: Course) -> bool:
    """Missed sessions in a row reached the service's threshold (default two): review the course.

    Only treatment and assessment appointments count; cancellations neither break nor extend a run.
    """
    from .rules import consecutive_non_attendances

    threshold = course.service.consecutive_non_attendances_for_review
    codes = list(
        course.appointments.filter(kind__in=["assessment", "treatment"])
        .order_by("starts_at", "pk")
        .values_list("attendance", flat=True)
    )
    return consecutive_non_attendances([code or None for code in codes]) >= threshold
