"""A course's scores put to use: its series per measure, its NHS Talking Therapies outcome with
the reasons in words, its charts, and whether it is on track.

Reads responses through the course (one query); every rule lives in `outcomes`, `thresholds`
and `courses.rules`, so the course page, the reports and the data-set export agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from ipt.appointments.models import Appointment
from ipt.core.dates import MONTHS
from ipt.courses.models import Course, TreatmentContract
from ipt.courses.services import current_contract, progress

from . import instruments, outcomes
from .charts import Band, Chart, Point, progress_chart
from .models import Response
from .thresholds import DEFAULT

CHARTED = ("PHQ9", "GAD7", "WSAS")


@dataclass(frozen=True)
class Series:
    """One measure's current, complete scores in a course, oldest first."""

    code: str
    points: list[Point]

    @property
    def pair(self) -> tuple[int | None, int | None]:
        if not self.points:
            return (None, None)
        return (self.points[0].score, self.points[-1].score if len(self.points) > 1 else None)


def _when(response: Response) -> str:
    local = timezone.localtime(response.effective_at)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def _charted_responses(**where):
    return (
        Response.objects.filter(**where)
        .for_outcomes()
        .exclude(session_number__isnull=True)
        .order_by("effective_at", "pk")
    )


def _point(response) -> Point:
    """A chart point from a response the queries above keep: scored, with a session number."""
    return Point(session=response.session_number, score=response.total, when=_when(response))


def series_of(course: Course) -> dict[str, Series]:
    """Scores by measure, from current complete responses with a session number (one query)."""
    found: dict[str, list[Point]] = {}
    for response in _charted_responses(course=course):
        found.setdefault(response.instrument_code, []).append(_point(response))
    return {code: Series(code, points) for code, points in found.items()}


def not_on_track_by_course(courses: Iterable[Course]) -> dict[int, list[str]]:
    """`not_on_track` for many open courses at once (three queries), for caseload lists."""
    open_courses = {course.pk: course for course in courses if course.is_open}
    if not open_courses:
        return {}
    found: dict[int, dict[str, list[Point]]] = {pk: {} for pk in open_courses}
    # Only the scores matter here: plain rows, not whole responses with their answers and dates.
    rows = _charted_responses(course_id__in=open_courses).values_list(
        "course_id", "instrument_code", "session_number", "total"
    )
    for course_id, code, session, total in rows:
        found[course_id].setdefault(code, []).append(Point(session=session, score=total, when=""))
    contracts: dict[int, TreatmentContract] = {}
    for contract in TreatmentContract.objects.filter(course_id__in=open_courses).order_by(
        "course_id", "version"
    ):
        contracts[contract.course_id] = contract
    attended = dict(
        Appointment.objects.filter(course_id__in=open_courses)
        .treatment()
        .attended()
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    return {
        pk: not_on_track(
            course,
            {code: Series(code, points) for code, points in found[pk].items()},
            contracts[pk],
            attended.get(pk, 0),
        )
        for pk, course in open_courses.items()
    }


def outcome_of(
    course: Course, series: dict[str, Series], attended: int | None = None
) -> outcomes.Outcome:
    """The course's outcome by the NHS Talking Therapies rules (domain §7)."""
    return outcomes.outcome(
        ended=not course.is_open,
        attended_treatment_appointments=progress(course).attended if attended is None else attended,
        problem_descriptor=course.referral.problem_descriptor,
        scores={code: s.pair for code, s in series.items()},
    )


def charts_of(
    course: Course, series: dict[str, Series], contract: TreatmentContract | None = None
) -> list[Chart]:
    """A chart for each of PHQ-9, GAD-7 and WSAS, with the course's phase boundaries."""
    contract = contract or current_contract(course)
    charts = []
    for code in CHARTED:
        instrument = instruments.get(code)
        threshold = DEFAULT.measures.get(code)
        charts.append(
            progress_chart(
                title=instrument.name,
                points=series[code].points if code in series else [],
                max_score=instrument.max_score(),
                bands=[Band(b.lowest, b.highest, b.label) for b in instrument.bands],
                caseness=int(threshold.caseness) if threshold else None,
                reliable_change=int(threshold.reliable_change)
                if threshold and threshold.reliable_change
                else None,
                initial_last=contract.initial_last,
                middle_last=contract.middle_last,
                planned_sessions=contract.planned_sessions,
            )
        )
    return charts


def not_on_track(
    course: Course,
    series: dict[str, Series],
    contract: TreatmentContract | None = None,
    attended: int | None = None,
) -> list[str]:
    """Why the course is not on track, in words; empty when it is.

    Not on track: any reliable deterioration since the first score, or, from the mid-point
    review session on, no reliable improvement on PHQ-9 or GAD-7 (issue 5, rule 7).
    """
    contract = contract or current_contract(course)
    reasons = []
    improved = False
    for code in ("PHQ9", "GAD7"):
        threshold = DEFAULT.measures[code]
        points = series[code].points if code in series else []
        if len(points) < 2 or threshold.reliable_change is None:
            continue
        first, last = points[0].score, points[-1].score
        change = Decimal(last - first)
        name = instruments.get(code).name
        if change >= threshold.reliable_change:
            reasons.append(
                f"{name} rose from {first} to {last}: a reliable deterioration "
                f"({threshold.reliable_change} points or more)"
            )
        if -change >= threshold.reliable_change:
            improved = True
    if attended is None:
        attended = progress(course, contract).attended
    if attended >= contract.mid_point_review and not improved and series:
        reasons.append(
            f"No reliable improvement on PHQ-9 or GAD-7 by the mid-point review (session "
            f"{contract.mid_point_review})"
        )
    return reasons


@dataclass(frozen=True)
class Panel:
    """What the course page shows of the scores: charts, the outcome in words, warnings."""

    charts: list[Chart]
    outcome: outcomes.Outcome
    outcome_tags: list[dict[str, str]]
    not_on_track: list[str]


def _tags(outcome: outcomes.Outcome) -> list[dict[str, str]]:
    if not outcome.finished:
        return [{"text": "Outcome when the course ends", "colour": "grey"}]
    found = [
        ("Recovered", outcome.recovery),
        ("Reliable improvement", outcome.reliable_improvement),
        ("Reliable recovery", outcome.reliable_recovery),
        ("Reliable deterioration", outcome.reliable_deterioration),
    ]
    return [
        {
            "text": label if yes else f"No {label[0].lower()}{label[1:]}",
            "colour": ("red" if label == "Reliable deterioration" else "green") if yes else "grey",
        }
        for label, yes in found
    ]


def panel(course: Course, contract: TreatmentContract | None = None) -> Panel:
    contract = contract or current_contract(course)
    series = series_of(course)
    attended = progress(course, contract).attended
    outcome = outcome_of(course, series, attended)
    return Panel(
        charts=charts_of(course, series, contract),
        outcome=outcome,
        outcome_tags=_tags(outcome),
        not_on_track=not_on_track(course, series, contract, attended) if course.is_open else [],
    )
