"""Per-course outcome summaries: computed with the same rules as the course page
(`ipt.measures.progress.series_of` / `outcome_of`), stored one row per course, refreshed after
every write that can change them (a response submitted or corrected, an attendance recorded, a
course status change) and rebuilt in bulk for imports and synthetic services."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import partial

from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone

from ipt.appointments.models import Appointment
from ipt.courses.models import Course
from ipt.formulations.models import FocusArea, Rank
from ipt.measures import progress
from ipt.measures.charts import Point
from ipt.measures.models import Response
from ipt.measures.thresholds import DEFAULT as THRESHOLDS

from .models import OutcomeSummary

logger = logging.getLogger(__name__)

CHUNK = 1000
_SUMMARY_FIELDS = [f.name for f in OutcomeSummary._meta.concrete_fields if f.name != "course"]


def summary_of(course: Course) -> OutcomeSummary:
    """The course's summary as the rules give it now (unsaved); a handful of queries."""
    return next(iter(_summaries([course])))


def refresh(course: Course | int) -> OutcomeSummary:
    """Recompute the course's summary and store it. The course row is locked meanwhile, so two
    writes to one course committing together cannot store the older reading last."""
    course_id = course if isinstance(course, int) else course.pk
    with transaction.atomic():
        current = (
            Course.objects.select_for_update(of=("self",))
            .select_related("referral")
            .get(pk=course_id)
        )
        summary = summary_of(current)
        OutcomeSummary.objects.update_or_create(
            course_id=course_id,
            defaults={name: getattr(summary, name) for name in _SUMMARY_FIELDS},
        )
    return summary


def refresh_on_commit(course: Course | int) -> None:
    """Refresh the course's summary once the current transaction commits (at once outside one)."""
    course_id = course if isinstance(course, int) else course.pk
    transaction.on_commit(partial(refresh, course_id), robust=True)


def rebuild(course_ids: Iterable[int] | None = None, *, chunk: int = CHUNK) -> int:
    """Recompute and store the summaries of the given courses (all when None) in chunks: a few
    queries per chunk, for imports and synthetic services. Returns how many were stored."""
    ids = (
        list(Course.objects.order_by("pk").values_list("pk", flat=True))
        if course_ids is None
        else sorted(set(course_ids))
    )
    stored = 0
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        courses = Course.objects.filter(pk__in=part).select_related("referral").order_by("pk")
        summaries = list(_summaries(courses))
        with transaction.atomic():
            OutcomeSummary.objects.filter(course_id__in=part).delete()
            OutcomeSummary.objects.bulk_create(summaries, batch_size=500)
        stored += len(summaries)
    return stored


def stale_course_ids() -> list[int]:
    """Courses whose stored summary was counted under other outcome thresholds than the ones in
    force (a release that changes the thresholds makes every summary stale at once)."""
    return list(
        OutcomeSummary.objects.exclude(thresholds_version=THRESHOLDS.version).values_list(
            "course_id", flat=True
        )
    )


def rebuild_stale(**_signal) -> int:
    """After `migrate` (every deployment runs it): rebuild the stale summaries, so the dashboard
    and supervision count by the same thresholds as the course page and the export."""
    if OutcomeSummary._meta.db_table not in connection.introspection.table_names():
        return 0  # migrated back before the summaries existed
    stale = stale_course_ids()
    if stale:
        logger.warning("Rebuilding %d outcome summaries counted under older thresholds", len(stale))
    return rebuild(stale) if stale else 0


def _local_date(moment):
    return timezone.localtime(moment).date() if moment is not None else None


def _summaries(courses: Iterable[Course]) -> Iterator[OutcomeSummary]:
    """Summaries of many courses in six queries, by the course page's rules."""
    courses = list(courses)
    ids = [c.pk for c in courses]
    appointments = Appointment.objects.filter(course_id__in=ids).attended()
    first_seen = dict(
        appointments.values("course_id")
        .annotate(at=Min("starts_at"))
        .values_list("course_id", "at")
    )
    treatment = {
        row["course_id"]: row
        for row in appointments.treatment()
        .values("course_id")
        .annotate(n=Count("pk"), at=Min("starts_at"))
    }
    media: dict[int, Counter] = {}
    earliest: dict[tuple[int, str], object] = {}
    for course_id, medium, n, at in (
        appointments.treatment()
        .values("course_id", "medium")
        .annotate(n=Count("pk"), at=Min("starts_at"))
        .values_list("course_id", "medium", "n", "at")
    ):
        media.setdefault(course_id, Counter())[medium] = n
        earliest[(course_id, medium)] = at
    points: dict[int, dict[str, list[Point]]] = {pk: {} for pk in ids}
    for course_id, code, session, total in (
        Response.objects.filter(course_id__in=ids)
        .for_outcomes()
        .exclude(session_number__isnull=True)
        .order_by("effective_at", "pk")
        .values_list("course_id", "instrument_code", "session_number", "total")
    ):
        points[course_id].setdefault(code, []).append(Point(session=session, score=total))
    areas = dict(
        FocusArea.objects.filter(course_id__in=ids, rank=Rank.PRIMARY).values_list(
            "course_id", "area"
        )
    )
    now = timezone.now()
    for course in courses:
        attended = treatment.get(course.pk, {}).get("n", 0)
        series = {code: progress.Series(code, p) for code, p in points[course.pk].items()}
        result = progress.outcome_of(course, series, attended)
        counts = media.get(course.pk, Counter())
        medium = min(counts, key=lambda m: (-counts[m], earliest[(course.pk, m)])) if counts else ""
        received = course.referral.received_on
        seen = _local_date(first_seen.get(course.pk))
        treated = _local_date(treatment.get(course.pk, {}).get("at"))

        anxiety = result.anxiety_measure or ""
        phq9, gad7, wsas, anx = (_pair(series, code) for code in ("PHQ9", "GAD7", "WSAS", anxiety))
        yield OutcomeSummary(
            course=course,
            service_id=course.service_id,
            site_id=course.referral.site_id,
            therapist_id=course.therapist_id,
            variant_id=course.variant_id,
            problem_descriptor=course.referral.problem_descriptor,
            ipt_problem_area=areas.get(course.pk, ""),
            medium=medium,
            status=course.status,
            opened_on=course.opened_on,
            ended_on=course.ended_on,
            referral_received_on=received,
            first_seen_on=seen,
            first_treatment_on=treated,
            assessment_wait_days=max(0, (seen - received).days) if seen else None,
            treatment_wait_days=max(0, (treated - received).days) if treated else None,
            attended_treatment=attended,
            finished=result.finished,
            paired=result.paired,
            caseness_at_start=result.caseness_at_start,
            not_at_caseness=result.not_at_caseness,
            recovered=result.recovery,
            reliable_improvement=result.reliable_improvement,
            reliable_deterioration=result.reliable_deterioration,
            reliable_recovery=result.reliable_recovery,
            anxiety_measure=anxiety,
            phq9_first=phq9[0],
            phq9_last=phq9[1],
            gad7_first=gad7[0],
            gad7_last=gad7[1],
            wsas_first=wsas[0],
            wsas_last=wsas[1],
            anxiety_first=anx[0],
            anxiety_last=anx[1],
            thresholds_version=result.thresholds_version,
            updated_at=now,
        )


def _pair(series: dict[str, progress.Series], code: str) -> tuple[int | None, int | None]:
    return series[code].pair if code in series else (None, None)
