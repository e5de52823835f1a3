"""Demo courses: a year of appointments through the real services.

Every accepted referral of the demo service gets a course: some still in assessment, some in each
phase of treatment, some completed, dropped out, referred on or withdrawn. The two personas have
16-session courses; the bereaved persona has finished his and is on two-monthly boosters.
Attendance is drawn at random (fixed seed) so that about nine appointments in ten are attended.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ipt.accounts.models import User
from ipt.appointments import services as appointments
from ipt.appointments.models import Appointment, Medium
from ipt.clients.models import Referral
from ipt.courses import services as courses
from ipt.courses.models import Course, TherapyVariant
from ipt.measures import services as measures
from ipt.organisations.models import Room, Service, Site

LONDON = ZoneInfo("Europe/London")

# Bank holidays in England and Wales (GOV.UK), plus a training day, as the service's closures.
CLOSURES = {
    dt.date(2025, 12, 25): "Christmas Day",
    dt.date(2025, 12, 26): "Boxing Day",
    dt.date(2026, 1, 1): "New Year's Day",
    dt.date(2026, 4, 3): "Good Friday",
    dt.date(2026, 4, 6): "Easter Monday",
    dt.date(2026, 5, 4): "Early May bank holiday",
    dt.date(2026, 5, 25): "Spring bank holiday",
    dt.date(2026, 8, 31): "Summer bank holiday",
    dt.date(2026, 10, 14): "Service training day",
    dt.date(2026, 12, 25): "Christmas Day",
    dt.date(2026, 12, 28): "Boxing Day (substitute day)",
    dt.date(2027, 1, 1): "New Year's Day",
    dt.date(2027, 3, 26): "Good Friday",
    dt.date(2027, 3, 29): "Easter Monday",
}

# Outcome codes with their weights: about 90% attended (5 or 6).
OUTCOMES = ["5"] * 84 + ["6"] * 6 + ["3"] * 4 + ["2"] * 4 + ["4"] * 2


@dataclass(frozen=True)
class Plan:
    """How far a demo course has got: weeks since its first session, and how it ends."""

    weeks_ago: int
    ending: str = ""  # "", or a status with its reason code: "completed:planned_ending"
    attended_cap: int | None = None  # stop recording after this many attended sessions


class Slots:
    """Each therapist's weekly slots (weekday, hour), handed out so series never clash."""

    def __init__(self):
        self.used: dict[int, set[tuple[int, int]]] = {}

    def take(self, therapist: User) -> tuple[int, int]:
        used = self.used.setdefault(therapist.pk, set())
        for hour in (9, 10, 11, 13, 14, 15, 16):
            for weekday in range(5):
                if (weekday, hour) not in used:
                    used.add((weekday, hour))
                    return weekday, hour
        raise RuntimeError("No free demo slot")


def _first_start(today: dt.date, weeks_ago: int, weekday: int, hour: int) -> dt.datetime:
    monday = today - dt.timedelta(days=today.weekday(), weeks=weeks_ago)
    day = monday + dt.timedelta(days=weekday)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def _typical(rng: random.Random) -> Trajectory:
    """Most clients improve; some stall; a few get worse (fixed seed)."""
    start = rng.randrange(12, 22)
    end = rng.choice([5, 6, 7, 8, 9, start - 3, start + 2])
    anxious = rng.randrange(8, 17)
    return Trajectory(
        phq9=(start, end), gad7=(anxious, max(anxious - (start - end), 3)), wsas=(22, 12)
    )


def _open_day_before(moment: dt.datetime) -> dt.datetime:
    """The same time on this day, or the nearest earlier weekday the service is open."""
    while moment.weekday() >= 5 or moment.date() in CLOSURES:
        moment -= dt.timedelta(days=1)
    return moment


def _where(medium: str, site: Site, therapist: User) -> dict:
    """Face to face in the therapist's own room (Room 1 for the first therapist, and so on)."""
    if medium == Medium.FACE_TO_FACE:
        rooms = list(Room.objects.filter(site=site).order_by("name"))
        staff = sorted(
            User.objects.filter(service=site.service, is_therapist=True).values_list(
                "pk", flat=True
            )
        )
        return {"site": site, "room": rooms[staff.index(therapist.pk) % len(rooms)]}
    if medium == Medium.TELEPHONE:
        return {"phone_number": "07700 900000"}
    return {}


def _rebook_after_hours(appointment: Appointment, by: User) -> Appointment | None:
    """Rebook at the first free hour from 17:00 on the first open weekday two days on."""
    day = (appointment.starts_at + dt.timedelta(days=2)).astimezone(LONDON)
    while day.weekday() >= 5 or day.date() in CLOSURES:
        day += dt.timedelta(days=1)
    for hour in (17, 18, 8):
        try:
            return appointments.rebook(
                appointment=appointment, starts_at=day.replace(hour=hour, minute=0), by=by
            )
        except appointments.AppointmentRefused:
            continue  # that hour is taken: nothing was saved, try the next
    return None


@dataclass(frozen=True)
class Trajectory:
    """Where a client's PHQ-9, GAD-7 and WSAS start and where they head over 16 sessions."""

    phq9: tuple[int, int]
    gad7: tuple[int, int]
    wsas: tuple[int, int]
    q9_at_first: int = 0  # question 9 at the first session (raises a risk alert when 1 or more)


def _spread(total: int, items: int, most: int, rng: random.Random) -> list[int]:
    """`items` answers from 0 to `most` that add up to `total`."""
    values = [0] * items
    for _ in range(total):
        open_items = [i for i, v in enumerate(values) if v < most]
        values[rng.choice(open_items)] += 1
    return values


def _answers(trajectory: Trajectory, session: int, rng: random.Random) -> dict[str, dict[str, int]]:
    """The questionnaires for one session: a noisy line from the start to the end."""

    def at(span: tuple[int, int], most: int) -> int:
        start, end = span
        value = start + (end - start) * min(session - 1, 15) / 15 + rng.choice((-1, 0, 0, 1))
        return max(0, min(most, round(value)))

    q9 = trajectory.q9_at_first if session == 1 else 0
    phq = _spread(max(at(trajectory.phq9, 27) - q9, 0), 8, 3, rng)
    phq9 = {f"q{n + 1}": v for n, v in enumerate(phq)} | {"q9": q9}
    phq9["q10"] = min(3, 1 + sum(phq) // 9) if sum(phq9.values()) else 0
    gad7 = {f"q{n + 1}": v for n, v in enumerate(_spread(at(trajectory.gad7, 21), 7, 3, rng))}
    wsas = {f"q{n + 1}": v for n, v in enumerate(_spread(at(trajectory.wsas, 40), 5, 8, rng))}
    return {"PHQ9": phq9, "GAD7": gad7, "WSAS": wsas}


def _record_past(
    course: Course,
    by: User,
    rng: random.Random,
    now: dt.datetime,
    cap: int | None,
    trajectory: Trajectory | None = None,
):
    """Record outcomes for the course's past treatment sessions, with the questionnaires the
    client completed at each attended one; rebook missed ones."""
    attended = 0
    queue = list(course.appointments.filter(kind="treatment").order_by("starts_at"))
    while queue:
        appointment = queue.pop(0)
        if appointment.starts_at > now or (cap is not None and attended >= cap):
            continue
        code = rng.choice(OUTCOMES)
        appointments.record_attendance(appointment=appointment, attendance=code, by=by)
        if code in {"5", "6"}:
            attended += 1
            if trajectory is not None:
                measures.submit_set(
                    appointment=appointment,
                    answers_by_instrument=_answers(trajectory, attended, rng),
                    entry_mode="therapist_in_session",
                    by=by,
                    effective_at=appointment.starts_at,
                )
            continue
        # A missed or cancelled session is rebooked two days later after the weekly slots.
        again = _rebook_after_hours(appointment, by)
        if again is not None:
            queue.insert(0, again)
    return attended


def _course(
    *,
    referral: Referral,
    variant: TherapyVariant,
    plan: Plan,
    trajectory: Trajectory | None = None,
    medium: str,
    slots: Slots,
    today: dt.date,
    now: dt.datetime,
    rng: random.Random,
) -> Course:
    therapist = referral.allocated_therapist
    weekday, hour = slots.take(therapist)
    first = _first_start(today, plan.weeks_ago, weekday, hour)
    course = courses.open_course(
        referral=referral,
        variant=variant,
        by=therapist,
        agreed_on=(first - dt.timedelta(days=7)).date(),
        opened_on=(first - dt.timedelta(days=14)).date(),
    )
    appointments.book(
        course=course,
        kind="assessment",
        starts_at=_open_day_before(first - dt.timedelta(days=7)),
        minutes=60,
        medium=medium,
        by=therapist,
        **_where(medium, referral.site, therapist),
    )
    if plan.weeks_ago < 0:
        return course  # still in assessment: the assessment is booked in the future
    assessment = course.appointments.get(kind="assessment")
    if assessment.starts_at <= now:
        appointments.record_attendance(appointment=assessment, attendance="5", by=therapist)
    contract = courses.current_contract(course)
    appointments.book_series(
        course=course,
        first_starts_at=first,
        # A course that ends early had only its attended sessions and one or two more booked.
        count=contract.planned_sessions if plan.attended_cap is None else plan.attended_cap + 2,
        medium=medium,
        by=therapist,
        **_where(medium, referral.site, therapist),
    )
    _record_past(course, therapist, rng, now, plan.attended_cap, trajectory or _typical(rng))
    if plan.ending:
        status, reason = plan.ending.split(":")
        # Sessions after the last one recorded: missed (dropping out), else cancelled.
        missed = "3" if status == "dropped_out" else "2"
        for left in course.appointments.filter(attendance=""):
            code = missed if left.starts_at <= now else "4"
            appointments.record_attendance(appointment=left, attendance=code, by=therapist)
        last = (
            course.appointments.filter(attendance__in=["5", "6", "3"])
            .order_by("-starts_at")
            .first()
        )
        ended_on = min((last.starts_at if last else first).date(), today)
        courses.change_status(
            course=course, to_status=status, reason_code=reason, by=therapist, on=ended_on
        )
    return course


def set_up_service(service: Service, sites: list[Site], by: User) -> None:
    """Rooms at each site, the closure dates, and a video address for the demo service."""
    from ipt.organisations import services as organisations

    for site in sites:
        for name in ("Room 1", "Room 2", "Room 3", "Room 4"):
            organisations.create_room(site=site, name=name, by=by)
    for day, reason in CLOSURES.items():
        organisations.add_closure(service=service, date=day, reason=reason, by=by)
    organisations.update_service(
        service=service,
        by=by,
        name=service.name,
        kind=service.kind,
        video_base_url="https://video.example.nhs.uk/ipt",
    )


def create(
    plans: list[tuple],
    today: dt.date,
    now: dt.datetime,
    *,
    slots: Slots,
    rng: random.Random,
) -> list[Course]:
    """A course for each (referral, plan, medium), in the order given; `slots` keeps every
    therapist's weekly series apart across calls."""
    made = []
    for referral, plan, medium, *rest in plans:
        variant = TherapyVariant.objects.get(service_id=referral.service_id, code="individual")
        made.append(
            _course(
                referral=referral,
                variant=variant,
                plan=plan,
                trajectory=rest[0] if rest else None,
                medium=medium,
                slots=slots,
                today=today,
                now=now,
                rng=rng,
            )
        )
    return made


def boosters(course: Course, every_days: int, count: int, now: dt.datetime) -> None:
    """Boosters after a completed course; those already past are recorded as attended."""
    last = (
        course.appointments.filter(kind="treatment", attendance__in=["5", "6"])
        .order_by("-starts_at")
        .first()
    )
    first = last.starts_at + dt.timedelta(days=every_days)
    booked = appointments.schedule_boosters(
        course=course,
        first_starts_at=first,
        count=count,
        every_days=every_days,
        by=course.therapist,
        medium=Medium.VIDEO,
    )
    for booster in booked:
        if booster.starts_at <= now:
            appointments.record_attendance(appointment=booster, attendance="5", by=course.therapist)
