"""Writes about courses: opening one, renegotiating its contract, moving its status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

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
    opened_on: dt.date | None = None,
    **terms: Any,
) -> Course:
    """Open a course from a referral accepted for IPT, with its first contract.

    A therapist other than the allocated one takes over the referral too (an audited
    reallocation), so the client is on the caseload of whoever delivers the course.
    """
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.ACCEPTED_FOR_IPT:
        raise CourseRefused("Only a referral accepted for IPT can start a course")
    if Course.objects.filter(referral=referral).exists():
        raise CourseRefused("This referral already has a course")
    therapist = therapist or referral.allocated_therapist
    if (
        therapist is None
        or not therapist.is_active
        or not therapist.is_therapist
        or therapist.service_id != referral.service_id
    ):
        raise CourseRefused("Allocate the referral to a therapist of the service first")
    if variant.service_id != referral.service_id or not variant.is_active:
        raise CourseRefused("Choose one of the service's IPT variants")
    values = {**defaults_from(variant), **terms}
    _check_terms(values)
    if therapist.pk != referral.allocated_therapist_id:
        from ipt.clients import services as clients

        clients.allocate(referral=referral, therapist=therapist, by=by)
    course = Course.objects.create(
        opened_on=opened_on or timezone.localdate(),
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
    _refresh_summary(course.pk)
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
    _refresh_summary(current.pk)
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


def progress_of(courses: Iterable[Course]) -> dict[int, Progress]:
    """The progress of each course by its id, in two queries however many there are."""
    from ipt.appointments.models import Appointment

    ids = [course.pk for course in courses]
    latest: dict[int, TreatmentContract] = {}
    for contract in TreatmentContract.objects.filter(course_id__in=ids).order_by("version"):
        latest[contract.course_id] = contract
    attended = dict(
        Appointment.objects.filter(course_id__in=ids)
        .treatment()
        .attended()
        .order_by()
        .values("course_id")
        .annotate(count=Count("pk"))
        .values_list("course_id", "count")
    )
    return {
        pk: Progress(attended=attended.get(pk, 0), terms=latest[pk].terms)
        for pk in ids
        if pk in latest
    }


VARIANT_CODE_LENGTH = 40  # TherapyVariant.code
VARIANT_FIELDS = (
    "name",
    "description",
    *CONTRACT_FIELDS,
    "therapy_mode",
    "carer_joins",
    "partner_attends",
    "adjunct_to_medication",
    "is_active",
)


def _variant_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(VARIANT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown variant details: {', '.join(sorted(unknown))}")
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = cleaned["name"].strip()
        if not cleaned["name"]:
            raise CourseRefused("Enter the name of the variant")
    return cleaned


def _check_variant(variant: TherapyVariant) -> None:
    _check_terms(defaults_from(variant))
    others = TherapyVariant.objects.filter(service_id=variant.service_id, name__iexact=variant.name)
    if variant.pk is not None:
        others = others.exclude(pk=variant.pk)
    if others.exists():
        raise CourseRefused(f"Your service already has a variant called {variant.name}")


def _new_variant_code(service: Service, name: str) -> str:
    """A code made from the name, unique in the service (codes never change afterwards)."""
    base = slugify(name).replace("-", "_")[: VARIANT_CODE_LENGTH - 4].strip("_") or "variant"
    taken = set(service.therapy_variants.values_list("code", flat=True))
    code, number = base, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    return code


@transaction.atomic
def create_variant(*, service: Service, by: User, name: str, **values: Any) -> TherapyVariant:
    """Add an IPT variant to the service; it sets the defaults of new courses' contracts."""
    values = _variant_values({"name": name, **values})
    variant = TherapyVariant(service=service, **values)
    _check_variant(variant)
    variant.code = _new_variant_code(service, variant.name)
    variant.save(force_insert=True)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=variant,
        summary=f"Added the variant {variant.name}",
        changes=audit.changes_between({}, audit.snapshot(variant, ["code", *VARIANT_FIELDS])),
    )
    return variant


@transaction.atomic
def update_variant(*, variant: TherapyVariant, by: User, **values: Any) -> TherapyVariant:
    """Change a variant, or deactivate it (variants are never deleted). Courses already open
    keep their own contracts; a no-op (and no audit event) when nothing differs."""
    values = _variant_values(values)
    before = audit.snapshot(variant, values)
    for name, value in values.items():
        setattr(variant, name, value)
    changes = audit.changes_between(before, audit.snapshot(variant, values))
    if not changes:
        return variant
    try:
        _check_variant(variant)
    except CourseRefused:
        variant.refresh_from_db(fields=list(values))
        raise
    variant.save(update_fields=list(changes))
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=variant,
        summary=f"Changed the variant {variant.name}",
        changes=changes,
    )
    return variant


def _refresh_summary(course_id: int) -> None:
    """Keep the course's outcome summary (ipt.reports) fresh once this write commits."""
    from ipt.reports.summaries import refresh_on_commit

    refresh_on_commit(course_id)
