"""The service dashboard's figures, each aggregated in the database from referrals, appointments
and the per-course outcome summaries (never from the scores themselves)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, replace

from django.db.models import Count, Q, QuerySet

from ipt.appointments.models import Appointment
from ipt.clients.models import Referral
from ipt.clients.models.referrals import OPEN_STATUSES
from ipt.courses.models import Course
from ipt.courses.rules import ATTENDED_CODES
from ipt.measures import outcomes

from . import attendance_months
from .models import AttendanceMonth, OutcomeSummary

NO_AREA = "none"  # the IPT problem area filter's value for "not chosen yet"
SIX_WEEKS = 42
EIGHTEEN_WEEKS = 126
DID_NOT_ATTEND = ("3", "7")  # did not attend; arrived late and could not be seen
CANCELLED = ("2", "4")


@dataclass(frozen=True)
class Filters:
    """What the dashboard counts: one service, a period (inclusive dates) and optional narrowing."""

    service_id: int
    start: dt.date
    end: dt.date
    site_id: int | None = None
    therapist_id: int | None = None
    problem_descriptor: str = ""
    # A primary IPT problem area code, or NO_AREA for courses without one yet.
    ipt_problem_area: str = ""
    variant_id: int | None = None
    medium: str = ""

    @property
    def starts_at(self) -> dt.datetime:
        return attendance_months.midnight(self.start)

    @property
    def ends_before(self) -> dt.datetime:
        return attendance_months.midnight(self.end + dt.timedelta(days=1))


@dataclass(frozen=True)
class Distribution:
    """How many, with the median and the 90th percentile (nearest rank) in days."""

    count: int
    median: float | None
    p90: int | None
    within_6_weeks: int | None = None
    within_18_weeks: int | None = None


def summaries(f: Filters) -> QuerySet[OutcomeSummary]:
    """The service's course summaries narrowed by every filter except the period."""
    found = OutcomeSummary.objects.filter(service_id=f.service_id)
    if f.site_id:
        found = found.filter(site_id=f.site_id)
    if f.therapist_id:
        found = found.filter(therapist_id=f.therapist_id)
    if f.problem_descriptor:
        found = found.filter(problem_descriptor=f.problem_descriptor)
    if f.ipt_problem_area:
        found = found.filter(ipt_problem_area=_area_value(f))
    if f.variant_id:
        found = found.filter(variant_id=f.variant_id)
    if f.medium:
        found = found.filter(medium=f.medium)
    return found


def _area_value(f: Filters) -> str:
    return "" if f.ipt_problem_area == NO_AREA else f.ipt_problem_area


def _referrals(f: Filters) -> QuerySet[Referral]:
    found = Referral.objects.filter(service_id=f.service_id)
    if f.site_id:
        found = found.filter(site_id=f.site_id)
    if f.therapist_id:
        found = found.filter(allocated_therapist_id=f.therapist_id)
    if f.problem_descriptor:
        found = found.filter(problem_descriptor=f.problem_descriptor)
    if f.ipt_problem_area:  # only referrals that became a course have an IPT problem area
        found = found.filter(course__outcome_summary__ipt_problem_area=_area_value(f))
    if f.variant_id:
        found = found.filter(course__variant_id=f.variant_id)
    if f.medium:
        found = found.filter(course__outcome_summary__medium=f.medium)
    return found


def _course_filters(f: Filters) -> dict[str, object]:
    """The chosen filters on an appointment's course, as lookups on the course."""
    course_filters = {  # None where not chosen; "" is a choice (no IPT problem area yet)
        "referral__site_id": f.site_id,
        "referral__problem_descriptor": f.problem_descriptor or None,
        "outcome_summary__ipt_problem_area": _area_value(f) if f.ipt_problem_area else None,
        "variant_id": f.variant_id,
    }
    return {field: value for field, value in course_filters.items() if value is not None}


def _appointments(f: Filters) -> QuerySet[Appointment]:
    """The period's appointments; the filters on the course (site, presenting problem, IPT
    problem area, variant) pick its courses first, so a narrow filter reads only their
    appointments instead of the whole period's."""
    chosen = _course_filters(f)
    found = Appointment.objects.filter(starts_at__gte=f.starts_at, starts_at__lt=f.ends_before)
    if chosen:
        courses = Course.objects.filter(service_id=f.service_id, **chosen)
        found = found.filter(course_id__in=courses.values("pk"))
    else:
        found = found.filter(course__service_id=f.service_id)
    if f.therapist_id:
        found = found.filter(therapist_id=f.therapist_id)
    if f.medium:
        found = found.filter(medium=f.medium)
    return found


def referrals_by_month(f: Filters) -> list[tuple[dt.date, int]]:
    """Referrals received in each month of the period, months without any included."""
    # Counted by day in the database (straight from an index) and folded into months here:
    # truncating every row to its month is a Python function call per row on SQLite.
    counts: dict[dt.date, int] = {}
    by_day = (
        _referrals(f)
        .filter(received_on__gte=f.start, received_on__lte=f.end)
        .values("received_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in by_day:
        month = row["received_on"].replace(day=1)
        counts[month] = counts.get(month, 0) + row["n"]
    months, month = [], f.start.replace(day=1)
    while month <= f.end:
        months.append((month, counts.get(month, 0)))
        month = attendance_months.next_month(month)
    return months


def _ranked(values: QuerySet, count: int) -> tuple[float | None, int | None]:
    """The median and the 90th percentile (nearest rank) of `values`, a query of one ordered
    column, read at their positions in two queries."""
    if count == 0:
        return None, None
    low, high = (count - 1) // 2, count // 2
    middle = list(values[low : high + 1])
    median = (middle[0] + middle[-1]) / 2
    p90 = values[math.ceil(0.9 * count) - 1]
    return median, p90


def waiting_now(f: Filters, today: dt.date) -> Distribution:
    """Open referrals not yet seen (no course, or a course still open with no attended
    appointment), with how long they have waited so far.

    Two lists of dates, one per kind, each found through an index; one query with an OR across
    both would join every referral to every course and summary."""
    open_referrals = _referrals(f).filter(status__in=OPEN_STATUSES).order_by()
    no_course = open_referrals.filter(course__isnull=True)
    course_not_started = open_referrals.filter(
        course__isnull=False,
        course__ended_on__isnull=True,
        course__outcome_summary__first_seen_on__isnull=True,
    )
    received = sorted(
        [
            *no_course.values_list("received_on", flat=True),
            *course_not_started.values_list("received_on", flat=True),
        ],
        reverse=True,  # the newest first: the shortest waits first
    )
    count = len(received)
    if count == 0:
        return Distribution(0, None, None)
    low, high = (count - 1) // 2, count // 2
    median = ((today - received[low]).days + (today - received[high]).days) / 2
    p90 = (today - received[math.ceil(0.9 * count) - 1]).days
    return Distribution(count, median, p90)


def waits(f: Filters, field: str) -> Distribution:
    """Waits from referral to the first attended appointment (`field` "assessment") or the first
    attended treatment appointment ("treatment"), for courses reaching it in the period."""
    seen_on = {"assessment": "first_seen_on", "treatment": "first_treatment_on"}[field]
    days = f"{field}_wait_days"
    reached = summaries(f).filter(**{f"{seen_on}__gte": f.start, f"{seen_on}__lte": f.end})
    totals = reached.aggregate(
        n=Count("pk"),
        six=Count("pk", filter=Q(**{f"{days}__lte": SIX_WEEKS})),
        eighteen=Count("pk", filter=Q(**{f"{days}__lte": EIGHTEEN_WEEKS})),
    )
    median, p90 = _ranked(reached.order_by(days).values_list(days, flat=True), totals["n"])
    return Distribution(totals["n"], median, p90, totals["six"], totals["eighteen"])


@dataclass(frozen=True)
class Caseload:
    therapist: str
    assessment: int
    treatment: int

    @property
    def total(self) -> int:
        return self.assessment + self.treatment


def caseloads(f: Filters) -> list[Caseload]:
    """Open courses now, by therapist and status."""
    rows = (
        summaries(f)
        .filter(ended_on__isnull=True)
        .values("therapist_id", "therapist__first_name", "therapist__last_name")
        .annotate(
            assessment=Count("pk", filter=Q(status="assessment")),
            treatment=Count("pk", filter=Q(status="treatment")),
        )
        .order_by("therapist__last_name", "therapist__first_name", "therapist_id")
    )
    return [
        Caseload(
            therapist=f"{row['therapist__first_name']} {row['therapist__last_name']}".strip(),
            assessment=row["assessment"],
            treatment=row["treatment"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Attendance:
    booked: int
    attended: int
    did_not_attend: int
    cancelled: int
    not_recorded: int

    @property
    def expected(self) -> int:
        """Appointments that were to go ahead and were recorded: attended or missed."""
        return self.attended + self.did_not_attend

    @property
    def attendance_rate(self) -> outcomes.Rate:
        return outcomes.Rate(self.attended, self.expected)

    @property
    def dna_rate(self) -> outcomes.Rate:
        return outcomes.Rate(self.did_not_attend, self.expected)


def attendance(f: Filters) -> Attendance:
    """Appointments in the period by what happened (NHS attendance codes).

    The whole calendar months of the period are read from the monthly counts
    (`attendance_months`) unless a filter on the course is chosen (those counts know the
    therapist and the medium, not the course); the part-months at either end, and every
    appointment under a course filter, are counted from the appointments."""
    counts: Counter[str] = Counter()
    first, last = _whole_months(f)
    if first is None or _course_filters(f):
        counts.update(_by_code(_appointments(f)))
    else:
        if f.start < first:
            counts.update(_by_code(_appointments(replace(f, end=first - dt.timedelta(days=1)))))
        months = AttendanceMonth.objects.filter(
            service_id=f.service_id, month__gte=first, month__lte=last
        )
        if f.therapist_id:
            months = months.filter(therapist_id=f.therapist_id)
        if f.medium:
            months = months.filter(medium=f.medium)
        counts.update(attendance_months.by_code(months))
        after = attendance_months.next_month(last)
        if after <= f.end:
            counts.update(_by_code(_appointments(replace(f, start=after))))
    return Attendance(
        booked=sum(counts.values()),
        attended=sum(counts[code] for code in ATTENDED_CODES),
        did_not_attend=sum(counts[code] for code in DID_NOT_ATTEND),
        cancelled=sum(counts[code] for code in CANCELLED),
        not_recorded=counts[""],
    )


def _whole_months(f: Filters) -> tuple[dt.date, dt.date] | tuple[None, None]:
    """The first days of the first and the last calendar month lying wholly in the period."""
    first = f.start if f.start.day == 1 else attendance_months.next_month(f.start)
    after = attendance_months.month_of(f.ends_before)  # the month after the last whole one
    if first >= after:
        return None, None
    return first, (after - dt.timedelta(days=1)).replace(day=1)


def _by_code(found: QuerySet[Appointment]) -> Counter[str]:
    return Counter(dict(found.values_list("attendance").annotate(n=Count("pk")).order_by()))


def rates_of(found: QuerySet[OutcomeSummary]) -> outcomes.Rates:
    """`outcomes.rates` counted in the database over stored summaries: the same numerators and
    denominators (§7.2), in one query."""
    t = found.filter(finished=True).aggregate(
        finished=Count("pk"),
        not_at_caseness=Count("pk", filter=Q(not_at_caseness=True)),
        unpaired=Count("pk", filter=Q(paired=False)),
        recovered=Count("pk", filter=Q(recovered=True)),
        reliable_recovery=Count("pk", filter=Q(reliable_recovery=True)),
        reliable_improvement=Count("pk", filter=Q(reliable_improvement=True)),
        reliable_deterioration=Count("pk", filter=Q(reliable_deterioration=True)),
    )
    at_caseness = t["finished"] - t["not_at_caseness"]
    return outcomes.Rates(
        finished=t["finished"],
        not_at_caseness=t["not_at_caseness"],
        unpaired=t["unpaired"],
        recovery=outcomes.Rate(t["recovered"], at_caseness),
        reliable_recovery=outcomes.Rate(t["reliable_recovery"], at_caseness),
        reliable_improvement=outcomes.Rate(t["reliable_improvement"], t["finished"]),
        reliable_deterioration=outcomes.Rate(t["reliable_deterioration"], t["finished"]),
    )


def finished_rates(f: Filters) -> outcomes.Rates:
    """Outcome rates of courses that ended in the period as finished courses of treatment."""
    return rates_of(summaries(f).filter(ended_on__gte=f.start, ended_on__lte=f.end))
