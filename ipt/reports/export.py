"""The service's data set as four CSV files: referrals, appointments, measures and outcomes.

Built for the service's own NHS Talking Therapies submission, so the files hold personal data
(NHS number, local client reference): see docs/dataset.md. Courses are read in chunks with
everything they need prefetched per chunk, so memory stays flat however big the service is.
Outcome flags come from `ipt.measures.outcomes.outcome` with each measure's first and last
scores paired exactly as `ipt.measures.progress.series_of` pairs them on the course page.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from ipt.appointments.models import (
    CONSULTATION_MECHANISM,
    IPT_CARE_ACTIVITY,
    Appointment,
    Kind,
    Medium,
)
from ipt.appointments.sessions import number_sessions
from ipt.clients.models import Referral, ReferralStatus, ReferralStatusChange
from ipt.core import audit
from ipt.courses.models import Course, TreatmentContract
from ipt.courses.rules import ATTENDED_CODES, OPEN_STATUSES, ContractTerms, CourseStatus
from ipt.formulations.models import FocusArea, Rank
from ipt.measures import outcomes
from ipt.measures.charts import Point
from ipt.measures.models import Response
from ipt.measures.progress import Series
from ipt.measures.thresholds import DEFAULT, FALLBACK_ANXIETY_MEASURE, ThresholdConfig
from ipt.organisations.models import Service

CHUNK_SIZE = 500  # courses per chunk: each chunk is five queries (course, terms, areas, appointments, responses)


class Column(NamedTuple):
    name: str
    type: str  # integer, date, datetime, boolean, code, text or json (docs/dataset.md)


def _columns(spec: str) -> tuple[Column, ...]:
    return tuple(Column(*line.split()) for line in spec.splitlines() if line.strip())


_WHO = """
course_id integer
referral_id integer
client_reference integer
nhs_number code
"""

COLUMNS: dict[str, tuple[Column, ...]] = {
    "referrals.csv": _columns(
        """
        referral_id integer
        client_reference integer
        nhs_number code
        service_id integer
        site_id integer
        source code
        received_on date
        problem_descriptor code
        urgency code
        status code
        assessed_on date
        first_assessment_appointment_on date
        allocated_therapist_id integer
        course_id integer
        therapy_variant code
        course_status code
        course_opened_on date
        first_treatment_on date
        course_ended_on date
        course_end_reason code
        """
    ),
    "appointments.csv": _columns(
        _WHO
        + """
        appointment_id integer
        therapist_id integer
        site_id integer
        kind code
        appointment_date date
        starts_at datetime
        duration_minutes integer
        medium code
        attendance_code code
        attended boolean
        consultation_mechanism code
        therapy_mode code
        care_activity code
        session_number integer
        booster_number integer
        phase code
        client_attends boolean
        carer_attends boolean
        partner_attends boolean
        rebooked_from_id integer
        """
    ),
    "measures.csv": _columns(
        _WHO
        + """
        response_id integer
        appointment_id integer
        measure code
        instrument_version text
        completed_at datetime
        completed_on date
        items json
        total integer
        severity text
        risk_flags text
        session_number integer
        phase code
        entry_mode code
        version integer
        """
    ),
    "outcomes.csv": _columns(
        _WHO
        + """
        service_id integer
        site_id integer
        therapist_id integer
        therapy_variant code
        problem_descriptor code
        ipt_problem_area code
        course_status code
        opened_on date
        ended_on date
        end_reason code
        attended_treatment_appointments integer
        finished boolean
        paired boolean
        phq9_first integer
        phq9_last integer
        gad7_first integer
        gad7_last integer
        adsm_measure code
        adsm_first integer
        adsm_last integer
        wsas_first integer
        wsas_last integer
        anxiety_measure code
        adsm_fallback boolean
        caseness_at_start boolean
        not_at_caseness boolean
        recovered boolean
        reliable_improvement boolean
        reliable_deterioration boolean
        reliable_recovery boolean
        thresholds_version text
        thresholds_verified boolean
        """
    ),
}
FILES = tuple(COLUMNS)


@dataclass(frozen=True)
class Period:
    """Inclusive dates in London time; None at either end leaves that end open."""

    start: dt.date | None = None
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise ValueError("The start of the period must be on or before its end")

    def has_day(self, day: dt.date | None) -> bool:
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def overlaps(self, opened_on: dt.date, ended_on: dt.date | None) -> bool:
        return (self.end is None or opened_on <= self.end) and (
            self.start is None or ended_on is None or ended_on >= self.start
        )

    def courses_q(self, prefix: str = "") -> Q:
        """Courses open at some time in the period."""
        q = Q()
        if self.end is not None:
            q &= Q(**{f"{prefix}opened_on__lte": self.end})
        if self.start is not None:
            q &= Q(**{f"{prefix}ended_on__isnull": True}) | Q(
                **{f"{prefix}ended_on__gte": self.start}
            )
        return q


@dataclass(frozen=True)
class Written:
    """Rows written to each file."""

    rows: dict[str, int]


def write_dataset(
    outdir: Path | str,
    *,
    service: Service | None = None,
    period: Period = Period(),
    chunk_size: int = CHUNK_SIZE,
    config: ThresholdConfig = DEFAULT,
    actor_label: str = "export_dataset command",
) -> Written:
    """Write the four CSV files into `outdir` (created if missing) and audit the export.

    Each file is written beside its final name and moved into place when complete, readable by
    its owner only."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    rows = dict.fromkeys(FILES, 0)
    with _Files(outdir) as files:
        for row in _referral_rows(service, period):
            files.write("referrals.csv", row)
            rows["referrals.csv"] += 1
        for name, row in _course_rows(service, period, chunk_size, config):
            files.write(name, row)
            rows[name] += 1
    audit.record(
        by=None,
        actor_label=actor_label,
        action=audit.Action.VIEW,
        obj=service,
        summary=(
            f"Exported the data set{_of(service)}{_during(period)}: "
            + ", ".join(f"{count} {name.removesuffix('.csv')}" for name, count in rows.items())
        ),
        changes={"outdir": str(outdir.resolve())},
    )
    return Written(rows=rows)


class _Files:
    """The four CSV writers, each into a private temporary file moved into place on success."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.handles: dict[str, TextIO] = {}
        self.writers: dict[str, Any] = {}

    def __enter__(self) -> _Files:
        for name, columns in COLUMNS.items():
            handle = open(  # noqa: SIM115 (closed in __exit__)
                self._partial(name), "w", newline="", encoding="utf-8", opener=_private
            )
            self.handles[name] = handle
            self.writers[name] = csv.writer(handle)
            self.writers[name].writerow(column.name for column in columns)
        return self

    def write(self, name: str, row: Sequence[Any]) -> None:
        self.writers[name].writerow(_cell(value) for value in row)

    def __exit__(self, exc_type, exc, tb) -> None:
        for handle in self.handles.values():
            handle.close()
        for name in self.handles:
            if exc_type is None:
                os.replace(self._partial(name), self.outdir / name)
            else:
                self._partial(name).unlink(missing_ok=True)

    def _partial(self, name: str) -> Path:
        return self.outdir / f".{name}.partial"


def _private(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.astimezone(timezone.get_default_timezone()).isoformat(timespec="seconds")
    if isinstance(value, dt.date | Decimal):
        return value.isoformat() if isinstance(value, dt.date) else format(value, "f")
    return str(value)


def _local_day(value: dt.datetime | None) -> dt.date | None:
    # The service's zone (Europe/London), looked up once: `localdate` costs more per call.
    return None if value is None else value.astimezone(timezone.get_default_timezone()).date()


def _of(service: Service | None) -> str:
    return f" of {service.name}" if service is not None else " of every service"


def _during(period: Period) -> str:
    start = period.start.isoformat() if period.start else "the beginning"
    end = period.end.isoformat() if period.end else "now"
    return "" if period == Period() else f" from {start} to {end}"


def _batched(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _of_service(queryset: QuerySet, service: Service | None, field: str = "service") -> QuerySet:
    return queryset if service is None else queryset.filter(**{field: service})


def _referral_rows(service: Service | None, period: Period) -> Iterator[tuple[Any, ...]]:
    """Referrals received in the period, and those whose course was open during it."""
    received = Q()
    if period.start is not None:
        received &= Q(received_on__gte=period.start)
    if period.end is not None:
        received &= Q(received_on__lte=period.end)
    if period != Period():
        received |= Q(course__isnull=False) & period.courses_q("course__")
    assessed = ReferralStatusChange.objects.filter(
        referral=OuterRef("pk"), to_status=ReferralStatus.ASSESSED
    ).order_by("changed_at", "pk")
    attended = Appointment.objects.filter(course__referral=OuterRef("pk")).attended()
    first_assessment = attended.filter(kind=Kind.ASSESSMENT).order_by("starts_at", "pk")
    first_treatment = attended.treatment().order_by("starts_at", "pk")
    referrals = (
        _of_service(Referral.objects.filter(received), service)
        .annotate(
            assessed_at=Subquery(assessed.values("changed_at")[:1]),
            first_assessment_at=Subquery(first_assessment.values("starts_at")[:1]),
            first_treatment_at=Subquery(first_treatment.values("starts_at")[:1]),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "client_id",
            "client__nhs_number",
            "service_id",
            "site_id",
            "source",
            "received_on",
            "problem_descriptor",
            "urgency",
            "status",
            "assessed_at",
            "first_assessment_at",
            "allocated_therapist_id",
            "course__id",
            "course__variant__code",
            "course__status",
            "course__opened_on",
            "first_treatment_at",
            "course__ended_on",
            "course__end_reason",
        )
    )
    for row in referrals.iterator(chunk_size=2000):
        # The dates of events stored as moments (status changes, appointments), in London.
        yield tuple(_local_day(v) if isinstance(v, dt.datetime) else v for v in row)


@dataclass
class _Numbered:
    """What `number_sessions` needs of an appointment."""

    kind: str
    attendance: str


APPOINTMENT_FIELDS = (
    "pk",
    "course_id",
    "therapist_id",
    "site_id",
    "kind",
    "starts_at",
    "ends_at",
    "medium",
    "attendance",
    "consultation_mechanism",
    "therapy_mode",
    "care_activity",
    "client_attends",
    "carer_attends",
    "partner_attends",
    "rebooked_from_id",
)
RESPONSE_FIELDS = (
    "pk",
    "course_id",
    "appointment_id",
    "instrument_code",
    "instrument_version",
    "effective_at",
    "answers",
    "total",
    "severity",
    "flags",
    "session_number",
    "phase",
    "entry_mode",
    "version",
)


def _course_rows(
    service: Service | None, period: Period, chunk_size: int, config: ThresholdConfig
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """("appointments.csv" | "measures.csv" | "outcomes.csv", row), course by course."""
    courses = (
        _of_service(Course.objects.all(), service)
        .select_related("referral", "variant", "client")
        .only(
            "pk",
            "client_id",
            "client__nhs_number",
            "referral_id",
            "referral__site_id",
            "referral__problem_descriptor",
            "service_id",
            "therapist_id",
            "variant__code",
            "variant__therapy_mode",
            "status",
            "opened_on",
            "ended_on",
            "end_reason",
        )
        .order_by("pk")
    )
    for chunk in _batched(courses.iterator(chunk_size=chunk_size), chunk_size):
        ids = [course.pk for course in chunk]
        terms = _latest_terms(ids)
        areas = dict(
            FocusArea.objects.filter(course_id__in=ids, rank=Rank.PRIMARY).values_list(
                "course_id", "area"
            )
        )
        appointments = _grouped(
            Appointment.objects.filter(course_id__in=ids)
            .order_by("course_id", "starts_at", "pk")
            .values(*APPOINTMENT_FIELDS)
        )
        responses = _grouped(
            Response.objects.filter(course_id__in=ids)
            .for_outcomes()
            .order_by("course_id", "effective_at", "pk")
            .values(*RESPONSE_FIELDS)
        )
        for course in chunk:
            who = (course.pk, course.referral_id, course.client_id, course.client.nhs_number)
            course_appointments = appointments.get(course.pk, [])
            for row in _appointment_rows(course, course_appointments, terms.get(course.pk)):
                if period.has_day(row[0]):
                    yield "appointments.csv", (*who, *row[1:])
            course_responses = responses.get(course.pk, [])
            for response in course_responses:
                if period.has_day(_local_day(response["effective_at"])):
                    yield "measures.csv", (*who, *_measure_row(response))
            if period.overlaps(course.opened_on, course.ended_on):
                attended = sum(
                    a["kind"] == "treatment" and a["attendance"] in ATTENDED_CODES
                    for a in course_appointments
                )
                yield (
                    "outcomes.csv",
                    (
                        *who,
                        *_outcome_row(
                            course, attended, course_responses, config, areas.get(course.pk)
                        ),
                    ),
                )


def _latest_terms(ids: list[int]) -> dict[int, ContractTerms]:
    latest: dict[int, ContractTerms] = {}
    for contract in TreatmentContract.objects.filter(course_id__in=ids).order_by("version"):
        latest[contract.course_id] = contract.terms
    return latest


def _grouped(rows: Iterable[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["course_id"], []).append(row)
    return found


def _appointment_rows(
    course: Course, appointments: list[dict[str, Any]], terms: ContractTerms | None
) -> Iterator[tuple[Any, ...]]:
    """(local date, then the columns after the course's) for each appointment, oldest first."""
    numbers = number_sessions([_Numbered(a["kind"], a["attendance"]) for a in appointments], terms)
    for a, number in zip(appointments, numbers, strict=True):
        counted = number.number if not number.projected else None
        day = _local_day(a["starts_at"])
        yield (
            day,
            a["pk"],
            a["therapist_id"],
            a["site_id"],
            a["kind"],
            day,
            a["starts_at"],
            int((a["ends_at"] - a["starts_at"]).total_seconds() // 60),
            a["medium"],
            a["attendance"],
            a["attendance"] in ATTENDED_CODES,
            a["consultation_mechanism"] or CONSULTATION_MECHANISM[Medium(a["medium"])],
            a["therapy_mode"] or course.variant.therapy_mode,
            a["care_activity"] or IPT_CARE_ACTIVITY,
            None if number.booster else counted,
            counted if number.booster else None,
            number.phase.value if number.phase and not number.projected else None,
            a["client_attends"],
            a["carer_attends"],
            a["partner_attends"],
            a["rebooked_from_id"],
        )


def _measure_row(response: dict[str, Any]) -> tuple[Any, ...]:
    return (
        response["pk"],
        response["appointment_id"],
        response["instrument_code"],
        response["instrument_version"],
        response["effective_at"],
        _local_day(response["effective_at"]),
        json.dumps(response["answers"], separators=(",", ":"), sort_keys=True),
        response["total"],
        response["severity"],
        " ".join(response["flags"] or ()),
        response["session_number"],
        response["phase"] or None,
        response["entry_mode"],
        response["version"],
    )


def series_from(responses: Iterable[dict[str, Any]]) -> dict[str, Series]:
    """Each measure's series as `progress.series_of` builds it: current, complete responses
    with a session number, oldest first (`responses` come in that order)."""
    found: dict[str, list[Point]] = {}
    for response in responses:
        if response["session_number"] is not None:
            found.setdefault(response["instrument_code"], []).append(
                Point(session=response["session_number"], score=response["total"])
            )
    return {code: Series(code, points) for code, points in found.items()}


def _outcome_row(
    course: Course,
    attended: int,
    responses: list[dict[str, Any]],
    config: ThresholdConfig,
    ipt_problem_area: str | None = None,
) -> tuple[Any, ...]:
    series = series_from(responses)
    pairs = {code: s.pair for code, s in series.items()}
    problem = course.referral.problem_descriptor
    result = outcomes.outcome(
        ended=CourseStatus(course.status) not in OPEN_STATUSES,
        attended_treatment_appointments=attended,
        problem_descriptor=problem,
        scores=pairs,
        config=config,
    )
    mapped = config.anxiety_measure(problem)
    adsm = None if mapped == FALLBACK_ANXIETY_MEASURE else mapped
    none = (None, None)
    return (
        course.service_id,
        course.referral.site_id,
        course.therapist_id,
        course.variant.code,
        problem,
        ipt_problem_area,
        course.status,
        course.opened_on,
        course.ended_on,
        course.end_reason or None,
        attended,
        result.finished,
        result.paired,
        *pairs.get("PHQ9", none),
        *pairs.get("GAD7", none),
        adsm,
        *(pairs.get(adsm, none) if adsm else none),
        *pairs.get("WSAS", none),
        result.anxiety_measure,
        result.adsm_fallback,
        result.caseness_at_start,
        result.not_at_caseness,
        result.recovery,
        result.reliable_improvement,
        result.reliable_deterioration,
        result.reliable_recovery,
        result.thresholds_version,
        result.thresholds_verified,
    )
