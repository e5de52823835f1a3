"""Every write about appointments: booking one or a series, moving, recording what happened,
rebooking and boosters.

Each function is atomic and audited in the same transaction. A write the rules refuse raises
`AppointmentRefused`, whose message can be shown to staff as it is, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ipt.accounts.models import User
from ipt.core import audit
from ipt.core.dates import long_date, long_datetime
from ipt.courses import services as courses
from ipt.courses.models import FREQUENCY_DAYS, Course, Frequency
from ipt.courses.rules import ATTENDED_CODES, CourseStatus
from ipt.organisations.models import ClosureDate, Room, Site

from .models import (
    FREES_THE_SLOT,
    IPT_CARE_ACTIVITY,
    REBOOKABLE,
    Appointment,
    Attendance,
    Kind,
    Medium,
)

MIN_MINUTES, MAX_MINUTES = 15, 180
MAX_SERIES = 40
MAX_DAYS_APART = 91
# Outcomes that may be recorded before an appointment starts: a cancellation is often known days
# ahead. Whether the client came can be recorded from 15 minutes before the start.
CANCELLATIONS = frozenset({Attendance.CANCELLED_BY_CLIENT, Attendance.CANCELLED_BY_SERVICE})
EARLY_RECORDING = dt.timedelta(minutes=15)

BOOKING_FIELDS = (
    "kind",
    "starts_at",
    "ends_at",
    "medium",
    "site_id",
    "room_id",
    "phone_number",
    "client_attends",
    "carer_attends",
    "partner_attends",
)
OUTCOME_FIELDS = (
    "attendance",
    "consultation_mechanism",
    "therapy_mode",
    "care_activity",
    "recorded_at",
    "recorded_by_id",
)


class AppointmentRefused(ValueError):
    """A write the rules refuse. `field` names the input it is about, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Arrangement:
    """How an appointment happens and who attends; checked by `_arrangement`."""

    medium: str
    site: Site | None
    room: Room | None
    phone_number: str
    client_attends: bool
    carer_attends: bool
    partner_attends: bool


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime


def _locked_course(course: Course) -> Course:
    """The course's row, locked, so writes to one course's diary happen one at a time."""
    return (
        Course.objects.select_for_update(of=("self",))
        .select_related("service", "variant")
        .get(pk=course.pk)
    )


def _check_kind(course: Course, kind: str) -> None:
    if kind not in Kind.values:
        raise AppointmentRefused("Select the type of appointment", field="kind")
    if kind == Kind.BOOSTER and course.status != CourseStatus.COMPLETED:
        raise AppointmentRefused(
            "Boosters can be booked once the course is completed", field="kind"
        )
    if kind in (Kind.ASSESSMENT, Kind.TREATMENT) and not course.is_open:
        raise AppointmentRefused(
            "The course has ended, so it cannot have more assessment or treatment sessions. "
            "Book a review, a follow-up or, after a completed course, a booster",
            field="kind",
        )


def _arrangement(
    course: Course,
    *,
    medium: str,
    site: Site | None,
    room: Room | None,
    phone_number: str,
    client_attends: bool,
    carer_attends: bool,
    partner_attends: bool,
) -> Arrangement:
    """Check where and how the appointment happens, keeping only what the medium needs."""
    if medium not in Medium.values:
        raise AppointmentRefused("Select how the appointment will happen", field="medium")
    if not (client_attends or carer_attends or partner_attends):
        raise AppointmentRefused("Select who attends", field="attendees")
    phone_number = phone_number.strip()
    if medium == Medium.FACE_TO_FACE:
        if site is None:
            raise AppointmentRefused("Select the site for a face-to-face appointment", field="site")
        if site.service_id != course.service_id or not site.is_active:
            raise AppointmentRefused("Select one of your service's sites", field="site")
        if room is not None and room.site_id != site.pk:
            raise AppointmentRefused(f"Select a room at {site.name}", field="room")
        if room is not None and not room.is_active:
            raise AppointmentRefused(f"{room.name} is no longer in use", field="room")
        phone_number = ""
    else:
        site = room = None
    if medium == Medium.TELEPHONE and not phone_number:
        raise AppointmentRefused("Enter the number we will call", field="phone_number")
    if medium == Medium.VIDEO:
        phone_number = ""
        if not course.service.video_base_url:
            raise AppointmentRefused(
                "Your service has no video service address yet. An administrator can add it "
                "in the service settings",
                field="medium",
            )
    return Arrangement(
        medium=medium,
        site=site,
        room=room,
        phone_number=phone_number,
        client_attends=client_attends,
        carer_attends=carer_attends,
        partner_attends=partner_attends,
    )


def _check_minutes(minutes: int) -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise AppointmentRefused(
            f"An appointment must last between {MIN_MINUTES} and {MAX_MINUTES} minutes",
            field="minutes",
        )


def _slot(starts_at: dt.datetime, minutes: int) -> Slot:
    if timezone.is_naive(starts_at):
        raise ValueError("Appointment times must be timezone-aware")
    _check_minutes(minutes)
    return Slot(starts_at, starts_at + dt.timedelta(minutes=minutes))


def _closures(course: Course, on_or_after: dt.date) -> dict[dt.date, str]:
    return dict(
        ClosureDate.objects.filter(service_id=course.service_id, date__gte=on_or_after)
        .order_by("date")
        .values_list("date", "reason")
    )


def _check_open(course: Course, slot: Slot) -> None:
    day = timezone.localtime(slot.starts_at).date()
    closures = _closures(course, day)
    if day in closures:
        raise AppointmentRefused(
            f"The service is closed on {long_date(day)} ({closures[day]}). Choose another day",
            field="starts_at",
        )


def _check_free(
    *,
    therapist: User,
    room: Room | None,
    slots: list[Slot],
    outcome: str,
    ignore: Appointment | None = None,
) -> None:
    """Refuse when the therapist or the room is already booked at an overlapping time."""
    # Lock the therapist (and the room) so two bookings for the same slot cannot both pass.
    list(User.objects.select_for_update().filter(pk=therapist.pk).values_list("pk"))
    if room is not None:
        list(Room.objects.select_for_update().filter(pk=room.pk).values_list("pk"))
    overlaps = Q()
    for slot in slots:
        overlaps |= Q(starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at)
    holders = Q(therapist_id=therapist.pk) | (Q(room_id=room.pk) if room is not None else Q())
    others = (
        Appointment.objects.filter(holders)
        .filter(overlaps)
        .exclude(attendance__in=sorted(FREES_THE_SLOT))
        .only("starts_at", "ends_at", "therapist_id", "room_id")
    )
    if ignore is not None:
        others = others.exclude(pk=ignore.pk)
    taken = list(others)
    clashes = []
    for slot in slots:
        overlapping = [
            o for o in taken if o.starts_at < slot.ends_at and o.ends_at > slot.starts_at
        ]
        if not overlapping:
            continue
        if any(o.therapist_id == therapist.pk for o in overlapping):
            why = f"{therapist.display_name} is already booked"
        else:
            why = f"{room} is already booked"
        clashes.append(f"{long_datetime(slot.starts_at)} ({why})")
    if len(clashes) == 1 and len(slots) == 1:
        raise AppointmentRefused(
            f"That time clashes with another appointment: {clashes[0]}. {outcome}. "
            "Choose another time",
            field="starts_at",
        )
    if clashes:
        raise AppointmentRefused(
            f"{len(clashes)} of the {len(slots)} times clash with other appointments: "
            f"{'; '.join(clashes)}. {outcome}. Choose another day or time",
            field="starts_at",
        )


def _create(
    course: Course,
    *,
    kind: str,
    slot: Slot,
    arrangement: Arrangement,
    by: User,
    summary: str,
    rebooked_from: Appointment | None = None,
) -> Appointment:
    appointment = Appointment.objects.create(
        course=course,
        kind=kind,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        therapist_id=course.therapist_id,
        medium=arrangement.medium,
        site=arrangement.site,
        room=arrangement.room,
        phone_number=arrangement.phone_number,
        client_attends=arrangement.client_attends,
        carer_attends=arrangement.carer_attends,
        partner_attends=arrangement.partner_attends,
        rebooked_from=rebooked_from,
        created_by=by,
    )
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=appointment,
        client_id=course.client_id,
        summary=summary,
        changes=audit.changes_between({}, audit.snapshot(appointment, BOOKING_FIELDS)),
    )
    _reminders("schedule_for", appointment, by)
    return appointment


def _reminders(action: str, appointment: Appointment, by: User) -> None:
    """Schedule (or cancel) the client's reminders once this change is committed."""
    from ipt.reminders import services as reminders  # imported here: reminders imports us

    transaction.on_commit(lambda: getattr(reminders, action)(appointment, by=by), robust=True)


def _kind_text(kind: str) -> str:
    return dict(Kind.choices)[kind].lower()


@transaction.atomic
def book(
    *,
    course: Course,
    kind: Kind | str,
    starts_at: dt.datetime,
    minutes: int,
    medium: Medium | str,
    by: User,
    site: Site | None = None,
    room: Room | None = None,
    phone_number: str = "",
    client_attends: bool = True,
    carer_attends: bool = False,
    partner_attends: bool = False,
) -> Appointment:
    """Book one appointment with the course's therapist; refuses a clash or a closed day."""
    locked = _locked_course(course)
    kind = str(kind)
    _check_kind(locked, kind)
    arrangement = _arrangement(
        locked,
        medium=str(medium),
        site=site,
        room=room,
        phone_number=phone_number,
        client_attends=client_attends,
        carer_attends=carer_attends,
        partner_attends=partner_attends,
    )
    slot = _slot(starts_at, minutes)
    _check_open(locked, slot)
    _check_free(
        therapist=locked.therapist,
        room=arrangement.room,
        slots=[slot],
        outcome="Nothing was booked",
    )
    appointment = _create(
        locked,
        kind=kind,
        slot=slot,
        arrangement=arrangement,
        by=by,
        summary=f"Booked a {_kind_text(kind)} appointment for {long_datetime(slot.starts_at)}",
    )
    _count_months(locked, appointment.therapist_id, [slot.starts_at])
    return appointment


def series_slots(
    *,
    first_starts_at: dt.datetime,
    count: int,
    every_days: int,
    minutes: int,
    closed: set[dt.date] | frozenset[dt.date],
) -> list[Slot]:
    """`count` slots `every_days` apart at the same local time; a slot on a closed day moves on
    to the next interval, so the series keeps its length."""
    local = timezone.localtime(first_starts_at)
    first_day, at = local.date(), local.time().replace(tzinfo=None)
    slots: list[Slot] = []
    step = 0
    while len(slots) < count:
        day = first_day + dt.timedelta(days=step * every_days)
        step += 1
        if day in closed:
            continue
        starts_at = timezone.make_aware(dt.datetime.combine(day, at))
        slots.append(Slot(starts_at, starts_at + dt.timedelta(minutes=minutes)))
    return slots


def _arrangement_values(
    medium: Medium | str,
    site: Site | None,
    room: Room | None,
    phone_number: str,
    client_attends: bool,
    carer_attends: bool,
    partner_attends: bool,
) -> dict:
    """The where-and-who of a series, in the form `_arrangement` checks."""
    return {
        "medium": str(medium),
        "site": site,
        "room": room,
        "phone_number": phone_number,
        "client_attends": client_attends,
        "carer_attends": carer_attends,
        "partner_attends": partner_attends,
    }


def _series(
    course: Course,
    *,
    kind: str,
    first_starts_at: dt.datetime,
    count: int,
    every_days: int | None,
    minutes: int | None,
    by: User,
    arrangement_values: dict,
) -> list[Appointment]:
    _check_kind(course, kind)
    arrangement = _arrangement(course, **arrangement_values)
    contract = courses.current_contract(course)
    every_days = every_days or FREQUENCY_DAYS[Frequency(contract.frequency)]
    minutes = minutes or contract.session_minutes
    if not 1 <= count <= MAX_SERIES:
        raise AppointmentRefused(
            f"Book between 1 and {MAX_SERIES} sessions at a time", field="count"
        )
    if not 1 <= every_days <= MAX_DAYS_APART:
        raise AppointmentRefused(
            f"Sessions must be between 1 and {MAX_DAYS_APART} days apart", field="every_days"
        )
    if timezone.is_naive(first_starts_at):
        raise ValueError("Appointment times must be timezone-aware")
    _check_minutes(minutes)
    closures = _closures(course, timezone.localtime(first_starts_at).date())
    slots = series_slots(
        first_starts_at=first_starts_at,
        count=count,
        every_days=every_days,
        minutes=minutes,
        closed=set(closures),
    )
    _check_free(
        therapist=course.therapist,
        room=arrangement.room,
        slots=slots,
        outcome="Nothing was booked",
    )
    label = _kind_text(kind)
    booked = [
        _create(
            course,
            kind=kind,
            slot=slot,
            arrangement=arrangement,
            by=by,
            summary=(
                f"Booked a {label} appointment for {long_datetime(slot.starts_at)} "
                f"({index} of a series of {count}, every {every_days} days)"
            ),
        )
        for index, slot in enumerate(slots, start=1)
    ]
    _count_months(course, course.therapist_id, [slot.starts_at for slot in slots])
    return booked


@transaction.atomic
def book_series(
    *,
    course: Course,
    first_starts_at: dt.datetime,
    count: int,
    by: User,
    medium: Medium | str,
    every_days: int | None = None,
    kind: Kind | str = Kind.TREATMENT,
    minutes: int | None = None,
    site: Site | None = None,
    room: Room | None = None,
    phone_number: str = "",
    client_attends: bool = True,
    carer_attends: bool = False,
    partner_attends: bool = False,
) -> list[Appointment]:
    """Book `count` sessions at the contract's frequency (or `every_days`), skipping closure
    dates. If any of them clashes, nothing is booked and the message names the clashing times."""
    locked = _locked_course(course)
    return _series(
        locked,
        kind=str(kind),
        first_starts_at=first_starts_at,
        count=count,
        every_days=every_days,
        minutes=minutes,
        by=by,
        arrangement_values=_arrangement_values(
            medium, site, room, phone_number, client_attends, carer_attends, partner_attends
        ),
    )


@transaction.atomic
def schedule_boosters(
    *,
    course: Course,
    first_starts_at: dt.datetime,
    count: int,
    every_days: int,
    by: User,
    medium: Medium | str,
    minutes: int | None = None,
    site: Site | None = None,
    room: Room | None = None,
    phone_number: str = "",
    client_attends: bool = True,
    carer_attends: bool = False,
    partner_attends: bool = False,
) -> list[Appointment]:
    """Booster or maintenance sessions after a completed course; counted on their own."""
    locked = _locked_course(course)
    if locked.status != CourseStatus.COMPLETED:
        raise AppointmentRefused("Boosters can be scheduled once the course is completed")
    return _series(
        locked,
        kind=Kind.BOOSTER,
        first_starts_at=first_starts_at,
        count=count,
        every_days=every_days,
        minutes=minutes,
        by=by,
        arrangement_values=_arrangement_values(
            medium, site, room, phone_number, client_attends, carer_attends, partner_attends
        ),
    )


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("course", "room__site")
        .get(pk=appointment.pk)
    )


def _refresh(appointment: Appointment, current: Appointment, fields) -> None:
    for name in fields:
        setattr(appointment, name, getattr(current, name))


@transaction.atomic
def move(
    *, appointment: Appointment, starts_at: dt.datetime, by: User, minutes: int | None = None
) -> Appointment:
    """Move an appointment that has not happened yet to another time (same place and medium)."""
    course = _locked_course(appointment.course)
    current = _locked(appointment)
    if current.attendance:
        raise AppointmentRefused(
            "What happened at this appointment has been recorded, so it cannot be moved. "
            "Rebook it instead"
        )
    slot = _slot(starts_at, current.minutes if minutes is None else minutes)
    if (slot.starts_at, slot.ends_at) == (current.starts_at, current.ends_at):
        return current
    _check_open(course, slot)
    _check_free(
        therapist=current.therapist,
        room=current.room,
        slots=[slot],
        outcome="The appointment was not moved",
        ignore=current,
    )
    before = audit.snapshot(current, ["starts_at", "ends_at"])
    moved_from = current.starts_at
    current.starts_at, current.ends_at = slot.starts_at, slot.ends_at
    current.save(update_fields=["starts_at", "ends_at"])
    _refresh(appointment, current, ["starts_at", "ends_at"])
    _count_months(course, current.therapist_id, [moved_from, current.starts_at])
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=current,
        client_id=course.client_id,
        summary=(
            f"Moved the {_kind_text(current.kind)} appointment from "
            f"{long_datetime(moved_from)} to {long_datetime(slot.starts_at)}"
        ),
        changes=audit.changes_between(before, audit.snapshot(current, ["starts_at", "ends_at"])),
    )
    _reminders("schedule_for", current, by)
    return current


@transaction.atomic
def record_attendance(
    *, appointment: Appointment, attendance: Attendance | str, by: User, reason: str = ""
) -> Appointment:
    """Record what happened (NHS attendance code) with the data-set codes for the contact.

    The first attended treatment session of a course in assessment starts its treatment. A
    change to an outcome already recorded needs a reason. Attendance cannot be recorded more
    than 15 minutes before the start; a cancellation can be recorded at any time.
    """
    course = _locked_course(appointment.course)
    current = _locked(appointment)
    attendance = str(attendance)
    if attendance not in Attendance.values:
        raise AppointmentRefused("Select what happened", field="attendance")
    now = timezone.now()
    opens_at = current.starts_at - EARLY_RECORDING
    if now < opens_at and attendance not in CANCELLATIONS:
        raise AppointmentRefused(
            f"This appointment has not happened yet. You can record whether the client "
            f"attended from {long_datetime(opens_at)}, or record a cancellation now",
            field="attendance",
        )
    previous = current.attendance
    if previous == attendance:
        return current
    if previous and not reason.strip():
        raise AppointmentRefused("Enter the reason for changing what was recorded", field="reason")
    if attendance in ATTENDED_CODES and Appointment.objects.filter(rebooked_from=current).exists():
        raise AppointmentRefused(
            "This appointment has been rebooked, so it cannot be recorded as attended. "
            "Record the outcome of the new appointment instead",
            field="attendance",
        )
    before = audit.snapshot(current, OUTCOME_FIELDS)
    current.attendance = attendance
    current.consultation_mechanism = current.consultation_mechanism_code
    current.therapy_mode = course.variant.therapy_mode
    current.care_activity = IPT_CARE_ACTIVITY
    current.recorded_at = now
    current.recorded_by = by
    current.save(update_fields=[name.removesuffix("_id") for name in OUTCOME_FIELDS])
    _refresh(appointment, current, [name.removesuffix("_id") for name in OUTCOME_FIELDS])
    # Before the audit event: every write locks the therapist's row before the audit chain's.
    _count_months(course, current.therapist_id, [current.starts_at])
    label = dict(Attendance.choices)[attendance]
    when = long_datetime(current.starts_at)
    if previous:
        summary = f"Corrected the outcome of the appointment on {when} to {label}: {reason.strip()}"
    else:
        summary = f"Recorded the outcome of the appointment on {when}: {label}"
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=current,
        client_id=course.client_id,
        summary=summary,
        changes=audit.changes_between(before, audit.snapshot(current, OUTCOME_FIELDS)),
    )
    _reminders("cancel_for", current, by)
    _refresh_summary(course.pk)
    starts_treatment = (
        attendance in ATTENDED_CODES
        and current.kind == Kind.TREATMENT
        and course.status == CourseStatus.ASSESSMENT
    )
    if starts_treatment:
        courses.change_status(
            course=appointment.course,
            to_status=CourseStatus.TREATMENT,
            by=by,
            note="First treatment session attended",
        )
    return current


@transaction.atomic
def rebook(*, appointment: Appointment, starts_at: dt.datetime, by: User) -> Appointment:
    """Book a cancelled or missed appointment again, in one step, with the same arrangements."""
    course = _locked_course(appointment.course)
    current = _locked(appointment)
    if not current.attendance:
        raise AppointmentRefused(
            "Record what happened at this appointment before rebooking it, or move it instead"
        )
    if current.attendance not in REBOOKABLE:
        raise AppointmentRefused("The client was seen at this appointment, so it is not rebooked")
    again = Appointment.objects.filter(rebooked_from=current).first()
    if again is not None:
        raise AppointmentRefused(
            f"This appointment has already been rebooked for {long_datetime(again.starts_at)}"
        )
    _check_kind(course, current.kind)
    arrangement = _arrangement(
        course,
        medium=current.medium,
        site=current.site,
        room=current.room,
        phone_number=current.phone_number,
        client_attends=current.client_attends,
        carer_attends=current.carer_attends,
        partner_attends=current.partner_attends,
    )
    slot = _slot(starts_at, current.minutes)
    _check_open(course, slot)
    _check_free(
        therapist=course.therapist,
        room=arrangement.room,
        slots=[slot],
        outcome="Nothing was booked",
    )
    again = _create(
        course,
        kind=current.kind,
        slot=slot,
        arrangement=arrangement,
        by=by,
        rebooked_from=current,
        summary=(
            f"Rebooked the {_kind_text(current.kind)} appointment of "
            f"{long_datetime(current.starts_at)} for {long_datetime(slot.starts_at)}"
        ),
    )
    _count_months(course, again.therapist_id, [slot.starts_at])
    return again


def _refresh_summary(course_id: int) -> None:
    """Keep the course's outcome summary (ipt.reports) fresh once this write commits."""
    from ipt.reports.summaries import refresh_on_commit

    refresh_on_commit(course_id)


def _count_months(course: Course, therapist_id: int, starts: list[dt.datetime]) -> None:
    """Recount the dashboard's appointments by month (ipt.reports) for the months touched, in
    this write's transaction. It locks the therapist's row: call it before `audit.record`, as
    every write here locks the therapist first and the audit chain second (the other order,
    beside a booking for the same therapist, would deadlock on PostgreSQL)."""
    from ipt.reports.attendance_months import month_of, recount

    recount(
        service_id=course.service_id,
        therapist_id=therapist_id,
        months=[month_of(moment) for moment in starts],
    )
