"""Writes to the initial-phase record: the assessment, the interpersonal inventory and its
snapshots, the timeline, and the service's record settings. Each is atomic and audited.

Each checks its writer itself (not only the views): a course's record may be changed by those
who may write its clinical record (`can_write_clinical`), the settings by the service's managers
and administrators; anyone else gets `PermissionDenied` and nothing changes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ipt.accounts.models import User
from ipt.core import audit
from ipt.core.errors import Refused
from ipt.courses.access import can_write_clinical
from ipt.courses.models import Course
from ipt.formulations.areas import ProblemArea
from ipt.organisations.models import Service

from .access import can_change_settings
from .circle import people_text
from .models import (
    MAX_RINGS,
    MIN_RINGS,
    Assessment,
    EventKind,
    ExpectationsMet,
    InventoryEntry,
    InventorySnapshot,
    MoodEpisode,
    Occasion,
    Precision,
    RecordSettings,
    Relationship,
    TimelineEvent,
)
from .queries import ENTRY_FIELDS, frozen, settings_for

ASSESSMENT_FIELDS = (
    "symptom_review",
    "diagnosis",
    "icd10_code",
    "sick_role_discussed",
    "sick_role_discussed_on",
    "psychoeducation_given",
    "medication_considered",
    "medication_notes",
    "risk_narrative",
    "safety_plan",
)
EVENT_FIELDS = ("occurred_on", "precision", "kind", "description", "people_text", "linked_to_onset")
EPISODE_FIELDS = ("started_on", "ended_on", "description")
TEXT_FIELDS = {
    "symptom_review",
    "diagnosis",
    "medication_notes",
    "risk_narrative",
    "safety_plan",
    "name",
    "relationship_detail",
    "contact",
    "good_aspects",
    "difficult_aspects",
    "client_expectations",
    "other_expectations",
    "would_like_to_change",
    "change_around_onset",
    "description",
    "people_text",
}
# A letter, two digits, then optionally a dot and up to four more characters: F32, F32.1, F33.10.
ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")


class AssessmentRefused(Refused):
    """A write the record does not allow; the message can be shown to staff as it is."""


def _may_write(by: User, course: Course) -> None:
    if not can_write_clinical(by, course):
        raise PermissionDenied("Only those who manage the course may change its record")


def normalise_icd10(code: str) -> str:
    """Upper-case, without spaces; '' stays ''. Refuses anything not shaped like an ICD-10 code."""
    code = code.strip().upper().replace(" ", "")
    if code and not ICD10.match(code):
        raise AssessmentRefused(
            "Enter the ICD-10 code in the right format, like F32 or F33.1", field="icd10_code"
        )
    return code


def _known(values: dict[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return {
        name: value.strip() if name in TEXT_FIELDS and isinstance(value, str) else value
        for name, value in values.items()
    }


def _not_in_future(day: dt.date | None, field: str, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise AssessmentRefused(f"{what} must be today or in the past", field=field)


@transaction.atomic
def update_assessment(*, course: Course, by: User, **values: Any) -> Assessment:
    """Record or change the course's assessment (made on first save). Nothing is written, and
    nothing audited, when no value differs."""
    _may_write(by, course)
    values = _known(values, ASSESSMENT_FIELDS)
    if "icd10_code" in values:
        values["icd10_code"] = normalise_icd10(values["icd10_code"] or "")
    # One assessment per course: lock the course first so two first saves queue, and the
    # second finds the first's row rather than insert another.
    Course.objects.select_for_update().get(pk=course.pk)
    existing = Assessment.objects.select_for_update().filter(course=course).first()
    assessment = existing or Assessment(course=course, updated_by=by)
    before = audit.snapshot(assessment, ASSESSMENT_FIELDS) if existing else {}
    for name, value in values.items():
        setattr(assessment, name, value)
    if not assessment.sick_role_discussed:
        assessment.sick_role_discussed_on = None
    _not_in_future(
        assessment.sick_role_discussed_on,
        "sick_role_discussed_on",
        "The date the sick role was discussed",
    )
    after = audit.snapshot(assessment, ASSESSMENT_FIELDS)
    changes = audit.changes_between(before, after)
    if existing and not changes:
        return existing
    assessment.updated_at, assessment.updated_by = timezone.now(), by
    if existing:
        assessment.save(update_fields=[*changes, "updated_at", "updated_by"])
    else:
        assessment.save(force_insert=True)
    audit.record(
        by=by,
        action=audit.Action.UPDATE if existing else audit.Action.CREATE,
        obj=assessment,
        client_id=course.client_id,
        summary="Changed the assessment" if existing else "Recorded the assessment",
        changes=changes,
    )
    return assessment


@transaction.atomic
def update_settings(*, service: Service, closeness_rings: int, by: User) -> RecordSettings:
    """Set how many rings the service's closeness circles have (2 to 5)."""
    if not can_change_settings(by, service.pk):
        raise PermissionDenied("Only the service's managers and administrators may do this")
    if not MIN_RINGS <= closeness_rings <= MAX_RINGS:
        raise AssessmentRefused(
            f"Enter a number of rings between {MIN_RINGS} and {MAX_RINGS}", field="closeness_rings"
        )
    # One settings row per service: lock the service first so two first changes queue.
    Service.objects.select_for_update().get(pk=service.pk)
    current, created = RecordSettings.objects.select_for_update().get_or_create(service=service)
    before = {} if created else audit.snapshot(current, ["closeness_rings"])
    current.closeness_rings = closeness_rings
    changes = audit.changes_between(before, audit.snapshot(current, ["closeness_rings"]))
    if not changes:
        return current
    current.save(update_fields=["closeness_rings"])
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=current,
        summary=f"Closeness circles now have {closeness_rings} rings",
        changes=changes,
    )
    return current


def _check_entry(entry: InventoryEntry, course: Course, *, was_on_ring: int = 0) -> None:
    """Refuses an entry the inventory does not allow. A person already on a ring outside the
    service's circle (it had more rings when they were placed) may stay there, or move in."""
    if not entry.name:
        raise AssessmentRefused("Enter the person's name or initials", field="name")
    if entry.relationship not in Relationship.values:
        raise AssessmentRefused("Select the relationship", field="relationship")
    if entry.expectations_met not in ExpectationsMet.values:
        raise AssessmentRefused("Select whether expectations are met", field="expectations_met")
    if entry.suggested_area and entry.suggested_area not in ProblemArea.values:
        raise AssessmentRefused("Select one of the problem areas", field="suggested_area")
    rings = max(settings_for(course.service_id).closeness_rings, was_on_ring)
    if not isinstance(entry.ring, int) or not 1 <= entry.ring <= rings:
        raise AssessmentRefused(f"Choose a ring between 1 and {rings}", field="ring")


@transaction.atomic
def add_person(
    *, course: Course, by: User, name: str, relationship: str, ring: int, **details: Any
) -> InventoryEntry:
    """Add an important person to the client's interpersonal inventory."""
    _may_write(by, course)
    values = _known(
        {"name": name, "relationship": relationship, "ring": ring, **details}, ENTRY_FIELDS
    )
    entry = InventoryEntry(course=course, created_by=by, **values)
    _check_entry(entry, course)
    entry.save(force_insert=True)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=entry,
        client_id=course.client_id,
        summary=f"Added {entry.name} to the interpersonal inventory",
        changes=audit.changes_between({}, audit.snapshot(entry, ENTRY_FIELDS)),
    )
    return entry


@transaction.atomic
def update_person(*, entry: InventoryEntry, by: User, **values: Any) -> InventoryEntry:
    """Change what is recorded about a person (their ring, expectations…). A person left on
    a ring the service no longer has (it reduced its rings) may stay there."""
    _may_write(by, entry.course)
    if entry.removed_at is not None:
        raise AssessmentRefused("This person has been removed from the inventory")
    values = _known(values, ENTRY_FIELDS)
    before = audit.snapshot(entry, ENTRY_FIELDS)
    was_on_ring = entry.ring
    for name, value in values.items():
        setattr(entry, name, value)
    changes = audit.changes_between(before, audit.snapshot(entry, ENTRY_FIELDS))
    if not changes:
        return entry
    try:
        _check_entry(entry, entry.course, was_on_ring=was_on_ring)
    except AssessmentRefused:
        entry.refresh_from_db(fields=list(values))
        raise
    entry.save(update_fields=list(changes))
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=entry,
        client_id=entry.course.client_id,
        summary=f"Changed {entry.name} in the interpersonal inventory",
        changes=changes,
    )
    return entry


@transaction.atomic
def remove_person(*, entry: InventoryEntry, by: User) -> InventoryEntry:
    """Take a person out of the inventory; the entry is kept for snapshots and the audit log."""
    _may_write(by, entry.course)
    if entry.removed_at is not None:
        return entry
    entry.removed_at = timezone.now()
    entry.save(update_fields=["removed_at"])
    audit.record(
        by=by,
        action=audit.Action.DELETE,
        obj=entry,
        client_id=entry.course.client_id,
        summary=f"Removed {entry.name} from the interpersonal inventory",
        changes={"removed_at": [None, entry.removed_at.isoformat()]},
    )
    return entry


@transaction.atomic
def take_snapshot(
    *, course: Course, occasion: str, by: User, taken_on: dt.date | None = None
) -> InventorySnapshot:
    """Freeze the inventory as it is now, for the assessment, the mid-point or the end."""
    _may_write(by, course)
    if occasion not in Occasion.values:
        raise AssessmentRefused("Select when this snapshot is taken", field="occasion")
    taken_on = taken_on or timezone.localdate()
    _not_in_future(taken_on, "taken_on", "The date of the snapshot")
    entries = list(course.inventory_entries.current().order_by("ring", "name", "pk"))
    snapshot = InventorySnapshot.objects.create(
        course=course,
        occasion=occasion,
        taken_on=taken_on,
        taken_by=by,
        rings=settings_for(course.service_id).closeness_rings,
        entries=frozen(entries),
    )
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=snapshot,
        client_id=course.client_id,
        summary="Took a snapshot of the interpersonal inventory "
        f"({snapshot.get_occasion_display()}, {people_text(len(entries))})",
        changes={"occasion": [None, occasion], "taken_on": [None, taken_on.isoformat()]},
    )
    return snapshot


def _check_event(event: TimelineEvent) -> None:
    if event.kind not in EventKind.values:
        raise AssessmentRefused("Select the kind of event", field="kind")
    if event.precision not in Precision.values:
        raise AssessmentRefused("Select how exact the date is", field="occurred_on")
    if not event.description:
        raise AssessmentRefused("Enter what happened", field="description")
    if event.occurred_on is None:
        raise AssessmentRefused("Enter the date of the event", field="occurred_on")
    _not_in_future(event.occurred_on, "occurred_on", "The date of the event")


def _people(
    course: Course, people: Iterable[InventoryEntry], *, linked: Iterable[InventoryEntry] = ()
) -> list[InventoryEntry]:
    """The people of an event: from the course's inventory now, or already `linked` to it
    (someone removed from the inventory later stays on the events they were part of)."""
    people, kept = list(people), {person.pk for person in linked}
    if any(
        person.course_id != course.pk or (person.removed_at is not None and person.pk not in kept)
        for person in people
    ):
        raise AssessmentRefused("Choose people from this client's inventory", field="people")
    return people


def _people_names(people: Iterable[InventoryEntry]) -> list[str]:
    return sorted(person.name for person in people)


@transaction.atomic
def add_event(
    *,
    course: Course,
    by: User,
    occurred_on: dt.date,
    kind: str,
    description: str,
    precision: str = Precision.EXACT,
    people: Iterable[InventoryEntry] = (),
    people_text: str = "",
    linked_to_onset: bool = False,
) -> TimelineEvent:
    """Put a life event on the timeline (a partial date is stored as its first day)."""
    _may_write(by, course)
    values = _known(
        {
            "occurred_on": occurred_on,
            "kind": kind,
            "description": description,
            "precision": precision,
            "people_text": people_text,
            "linked_to_onset": linked_to_onset,
        },
        EVENT_FIELDS,
    )
    event = TimelineEvent(course=course, created_by=by, **values)
    _check_event(event)
    involved = _people(course, people)
    event.save(force_insert=True)
    event.people.set(involved)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=event,
        client_id=course.client_id,
        summary=f"Added a life event to the timeline ({event.get_kind_display().lower()})",
        changes=audit.changes_between(
            {}, {**audit.snapshot(event, EVENT_FIELDS), "people": _people_names(involved)}
        ),
    )
    return event


@transaction.atomic
def update_event(
    *, event: TimelineEvent, by: User, people: Iterable[InventoryEntry] | None = None, **values: Any
) -> TimelineEvent:
    """Change a life event. `people` replaces who was involved (None leaves them as they are);
    people removed from the inventory since may stay on it, but not be newly added."""
    _may_write(by, event.course)
    values = _known(values, EVENT_FIELDS)
    old_people = list(event.people.all())
    before = {**audit.snapshot(event, EVENT_FIELDS), "people": _people_names(old_people)}
    for name, value in values.items():
        setattr(event, name, value)
    involved = old_people if people is None else _people(event.course, people, linked=old_people)
    try:
        _check_event(event)
    except AssessmentRefused:
        event.refresh_from_db(fields=list(values))
        raise
    changes = audit.changes_between(
        before, {**audit.snapshot(event, EVENT_FIELDS), "people": _people_names(involved)}
    )
    if not changes:
        return event
    fields = [name for name in changes if name != "people"]
    if fields:
        event.save(update_fields=fields)
    if "people" in changes:
        event.people.set(involved)
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=event,
        client_id=event.course.client_id,
        summary=f"Changed a life event on the timeline ({event.get_kind_display().lower()})",
        changes=changes,
    )
    return event


@transaction.atomic
def remove_event(*, event: TimelineEvent, by: User) -> None:
    _may_write(by, event.course)
    before = {**audit.snapshot(event, EVENT_FIELDS), "people": _people_names(event.people.all())}
    audit.record(
        by=by,
        action=audit.Action.DELETE,
        obj=event,
        client_id=event.course.client_id,
        summary=f"Removed a life event from the timeline ({event.get_kind_display().lower()})",
        changes=audit.changes_between(before, {}),
    )
    event.people.clear()
    event.delete()


def _check_episode(episode: MoodEpisode) -> None:
    if episode.started_on is None:
        raise AssessmentRefused("Enter the date the episode started", field="started_on")
    _not_in_future(episode.started_on, "started_on", "The date the episode started")
    if episode.ended_on is not None:
        _not_in_future(episode.ended_on, "ended_on", "The date the episode ended")
        if episode.ended_on < episode.started_on:
            raise AssessmentRefused(
                "The date the episode ended must be the same as or after the date it started",
                field="ended_on",
            )


@transaction.atomic
def add_episode(
    *,
    course: Course,
    by: User,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    description: str = "",
) -> MoodEpisode:
    """Put an episode of depression on the timeline; no end date means it is still going on."""
    _may_write(by, course)
    values = _known(
        {"started_on": started_on, "ended_on": ended_on, "description": description},
        EPISODE_FIELDS,
    )
    episode = MoodEpisode(course=course, created_by=by, **values)
    _check_episode(episode)
    episode.save(force_insert=True)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=episode,
        client_id=course.client_id,
        summary="Added an episode of depression to the timeline",
        changes=audit.changes_between({}, audit.snapshot(episode, EPISODE_FIELDS)),
    )
    return episode


@transaction.atomic
def update_episode(*, episode: MoodEpisode, by: User, **values: Any) -> MoodEpisode:
    _may_write(by, episode.course)
    values = _known(values, EPISODE_FIELDS)
    before = audit.snapshot(episode, EPISODE_FIELDS)
    for name, value in values.items():
        setattr(episode, name, value)
    try:
        _check_episode(episode)
    except AssessmentRefused:
        episode.refresh_from_db(fields=list(values))
        raise
    changes = audit.changes_between(before, audit.snapshot(episode, EPISODE_FIELDS))
    if not changes:
        return episode
    episode.save(update_fields=list(changes))
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=episode,
        client_id=episode.course.client_id,
        summary="Changed an episode of depression on the timeline",
        changes=changes,
    )
    return episode


@transaction.atomic
def remove_episode(*, episode: MoodEpisode, by: User) -> None:
    _may_write(by, episode.course)
    audit.record(
        by=by,
        action=audit.Action.DELETE,
        obj=episode,
        client_id=episode.course.client_id,
        summary="Removed an episode of depression from the timeline",
        changes=audit.changes_between(audit.snapshot(episode, EPISODE_FIELDS), {}),
    )
    episode.delete()
