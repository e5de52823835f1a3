"""Reads of the initial-phase record that other apps' pages may call (the client record page,
session notes). Each takes a course the caller has already fetched through its scope."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from ipt.courses.models import Course
from ipt.organisations.models import Service

from .circle import Circle, Person, build_circle, initials
from .models import Assessment, InventoryEntry, RecordSettings, TimelineEvent

ENTRY_FIELDS = (
    "name",
    "relationship",
    "relationship_detail",
    "ring",
    "contact",
    "good_aspects",
    "difficult_aspects",
    "client_expectations",
    "other_expectations",
    "expectations_met",
    "would_like_to_change",
    "gives_practical_support",
    "is_confidant",
    "change_around_onset",
    "suggested_area",
)


def settings_for(service: Service | int) -> RecordSettings:
    """The service's record settings, or the defaults (3 rings) if it has never changed them."""
    service_id = service if isinstance(service, int) else service.pk
    found = RecordSettings.objects.filter(service_id=service_id).first()
    return found or RecordSettings(service_id=service_id)


def assessment_for(course: Course) -> Assessment | None:
    return Assessment.objects.filter(course=course).select_related("updated_by").first()


def current_entries(course: Course) -> list[InventoryEntry]:
    """The people now in the course's inventory, closest ring first."""
    return list(course.inventory_entries.current().order_by("ring", "name", "pk"))


def people_to_choose(course: Course, event: TimelineEvent | None = None) -> QuerySet:
    """Who may be ticked as involved in a life event: the people in the inventory now, and
    (when changing an event) anyone removed since who is already linked to it."""
    involved = Q(removed_at__isnull=True)
    if event is not None:
        involved |= Q(pk__in=event.people.values("pk"))
    return course.inventory_entries.filter(involved).order_by("ring", "name", "pk")


def frozen(entries: Iterable[InventoryEntry]) -> list[dict[str, Any]]:
    """Entries as plain data: what a snapshot keeps, and what it is compared with."""
    return [
        {"id": entry.pk, **{name: getattr(entry, name) for name in ENTRY_FIELDS}}
        for entry in entries
    ]


def people_of(entries: Iterable[Any]) -> list[Person]:
    """Circle people from inventory entries or frozen entry dicts."""
    from .presenters import relationship_text

    people = []
    for entry in entries:
        data = entry if isinstance(entry, dict) else {n: getattr(entry, n) for n in ENTRY_FIELDS}
        people.append(
            Person(
                name=data["name"],
                ring=data["ring"],
                relationship=relationship_text(data["relationship"], data["relationship_detail"]),
            )
        )
    return people


def circle_for_course(course: Course, *, id: str = "closeness-circle") -> Circle | None:
    """The course's closeness circle, or None while the inventory is empty."""
    entries = current_entries(course)
    if not entries:
        return None
    return build_circle(
        people=people_of(entries),
        rings=settings_for(course.service_id).closeness_rings,
        centre_label=initials(course.client.full_name),
        id=id,
    )
