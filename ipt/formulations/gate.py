"""The middle-phase gate: a course should have a primary problem area and a formulation
agreed with the client before the middle phase starts; a therapist may go on regardless
after confirming why, which is recorded as an override."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ipt.courses.models import Course

from . import queries
from .models import MiddlePhaseOverride

NO_PRIMARY_AREA = "No primary problem area has been chosen"
NO_FORMULATION = "No formulation has been written"
NOT_AGREED = "The formulation has not been agreed with the client"


@dataclass(frozen=True)
class OverrideInfo:
    reason: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class MiddlePhaseCheck:
    blockers: list[str] = field(default_factory=list)
    override: OverrideInfo | None = None

    @property
    def ready(self) -> bool:
        """Nothing is missing."""
        return not self.blockers

    @property
    def needs_confirmation(self) -> bool:
        """Something is missing and nobody has yet confirmed going on regardless."""
        return bool(self.blockers) and self.override is None


def blockers_for(*, has_primary: bool, formulation_written: bool, agreed: bool) -> list[str]:
    blockers = []
    if not has_primary:
        blockers.append(NO_PRIMARY_AREA)
    if not formulation_written:
        blockers.append(NO_FORMULATION)
    elif not agreed:
        blockers.append(NOT_AGREED)
    return blockers


def middle_phase_check(course: Course) -> MiddlePhaseCheck:
    """What stops the course's middle phase, and the override recorded, if any."""
    current = queries.current_formulation(course)
    blockers = blockers_for(
        has_primary=queries.primary_area_code(course) is not None,
        formulation_written=current is not None,
        agreed=current is not None and current.is_agreed,
    )
    latest = (
        MiddlePhaseOverride.objects.filter(course=course)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )
    override = (
        OverrideInfo(reason=latest.reason, by=latest.by.display_name, at=latest.at)
        if latest is not None
        else None
    )
    return MiddlePhaseCheck(blockers=blockers, override=override)
