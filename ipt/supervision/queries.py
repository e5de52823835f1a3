"""What the supervision pages show, read in a fixed number of queries however large the
caseloads are. Every rule comes from its owner: progress from `courses`, not-on-track and
outcomes from `measures`, problem areas from `formulations`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Count
from django.utils import timezone

from ipt.accounts.models import User
from ipt.courses.access import clinical_courses
from ipt.courses.models import Course, CourseQuerySet
from ipt.courses.rules import Progress
from ipt.courses.services import progress_of
from ipt.formulations.models import FocusArea, Rank
from ipt.formulations.queries import problem_area_labels
from ipt.measures import outcomes
from ipt.measures.access import visible_alerts
from ipt.measures.models import Response
from ipt.measures.progress import not_on_track_by_course
from ipt.reports.models import OutcomeSummary

from .access import supervisees_of
from .models import SupervisionNote

LATEST_MEASURES = ("PHQ9", "GAD7")
OUTCOME_WINDOW_DAYS = 365


@dataclass
class Case:
    """One open course of a supervisee, with what supervision looks at first."""

    course: Course
    progress: Progress | None
    area_code: str | None
    area_label: str
    latest: dict[str, int]
    not_on_track: list[str]
    open_alerts: int

    @property
    def has_risk(self) -> bool:
        return self.open_alerts > 0

    @property
    def needs_attention(self) -> bool:
        return self.has_risk or bool(self.not_on_track)


@dataclass
class Caseload:
    """A supervisee, their open cases (risk first, then not on track, then the rest) and the
    outcomes of their courses that ended in the window."""

    therapist: User
    cases: list[Case] = field(default_factory=list)
    rates: outcomes.Rates = field(default_factory=lambda: outcomes.rates([]))

    @property
    def needing_attention(self) -> int:
        return sum(case.needs_attention for case in self.cases)


def _priority(case: Case) -> tuple:
    return (
        not case.has_risk,
        not case.not_on_track,
        case.course.client.family_name.lower(),
        case.course.client.given_name.lower(),
        case.course.pk,
    )


def _primary_areas(course_ids: list[int]) -> dict[int, str]:
    return dict(
        FocusArea.objects.filter(course_id__in=course_ids, rank=Rank.PRIMARY).values_list(
            "course_id", "area"
        )
    )


def latest_scores(course_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """The latest current, complete PHQ-9 and GAD-7 totals of each course (one query)."""
    latest: dict[int, dict[str, int]] = {}
    rows = (
        Response.objects.filter(course_id__in=list(course_ids), instrument_code__in=LATEST_MEASURES)
        .for_outcomes()
        .order_by("effective_at", "pk")
        .values_list("course_id", "instrument_code", "total")
    )
    for course_id, code, total in rows:
        if total is not None:
            latest.setdefault(course_id, {})[code] = total
    return latest


def _open_alerts(user, course_ids: list[int]) -> dict[int, int]:
    return dict(
        visible_alerts(user)
        .open()
        .filter(course_id__in=course_ids)
        .order_by()
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )


def cases_of(user, courses: list[Course]) -> list[Case]:
    """The open courses as cases, in no particular order (nine queries)."""
    ids = [course.pk for course in courses]
    if not ids:
        return []
    progress = progress_of(courses)
    areas = _primary_areas(ids)
    labels = problem_area_labels(user.service)
    latest = latest_scores(ids)
    reasons = not_on_track_by_course(courses)
    alerts = _open_alerts(user, ids)
    return [
        Case(
            course=course,
            progress=progress.get(course.pk),
            area_code=areas.get(course.pk),
            area_label=labels.get(areas[course.pk], areas[course.pk]) if course.pk in areas else "",
            latest=latest.get(course.pk, {}),
            not_on_track=reasons.get(course.pk, []),
            open_alerts=alerts.get(course.pk, 0),
        )
        for course in courses
    ]


def _counted(row: tuple) -> outcomes.Outcome:
    """An outcome carrying only the flags `outcomes.rates` counts, from a stored summary."""
    finished, paired, caseness, recovered, improved, deteriorated, reliably, version = row
    return outcomes.Outcome(
        finished=finished,
        paired=paired,
        problem_descriptor="",
        anxiety_measure=None,
        adsm_fallback=False,
        depression=None,
        anxiety=None,
        caseness_at_start=caseness,
        caseness_at_end=False,
        recovery=recovered,
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        reliable_recovery=reliably,
        thresholds_version=version,
        thresholds_verified=True,
        explanation="",
    )


def rates_by_therapist(
    service_id: int, therapist_ids: list[int], since: dt.date
) -> dict[int, outcomes.Rates]:
    """Each therapist's outcome rates over their courses that ended after `since` (one query),
    from the per-course summaries the reports keep (`ipt.reports.summaries`), counted by
    `outcomes.rates` so the denominators are the dashboard's."""
    found: dict[int, list[outcomes.Outcome]] = {pk: [] for pk in therapist_ids}
    rows = (
        OutcomeSummary.objects.finished()
        .filter(service_id=service_id, therapist_id__in=therapist_ids, ended_on__gt=since)
        .values_list(
            "therapist_id",
            "finished",
            "paired",
            "caseness_at_start",
            "recovered",
            "reliable_improvement",
            "reliable_deterioration",
            "reliable_recovery",
            "thresholds_version",
        )
    )
    for therapist_id, *flags in rows:
        found[therapist_id].append(_counted(tuple(flags)))
    return {pk: outcomes.rates(found[pk]) for pk in therapist_ids}


def caseloads(user, today: dt.date | None = None) -> list[Caseload]:
    """Each of the user's supervisees, by name, with their open cases (those with an
    unacknowledged risk alert or not on track first) and the outcome rates of their courses
    that ended in the last year. The same number of queries for any size of caseload."""
    today = today or timezone.localdate()
    supervisees = list(supervisees_of(user))
    if not supervisees:
        return []
    by_id = {therapist.pk: Caseload(therapist) for therapist in supervisees}
    theirs = cast(CourseQuerySet, clinical_courses(user).filter(therapist_id__in=list(by_id)))
    open_courses = list(theirs.open())
    for case in cases_of(user, open_courses):
        by_id[case.course.therapist_id].cases.append(case)
    rates = rates_by_therapist(
        user.service_id, list(by_id), today - dt.timedelta(days=OUTCOME_WINDOW_DAYS)
    )
    for therapist_id, caseload in by_id.items():
        caseload.cases.sort(key=_priority)
        caseload.rates = rates[therapist_id]
    return list(by_id.values())


def case(user, course: Course) -> Case:
    """One course as a case, for the head of its supervision page."""
    return cases_of(user, [course])[0]


def notes_of(course: Course):
    """The course's supervision notes, newest discussion first, with their authors."""
    return SupervisionNote.objects.filter(course=course).select_related("author")
