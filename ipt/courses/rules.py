"""The rules of an IPT course that need no database: phases, session labels, status moves.

A course's phase follows from how many treatment sessions the client has attended and the
contract's phase boundaries (domain §1.2: default 1–4 initial, 5–12 middle, 13–16 ending).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    INITIAL = "initial"
    MIDDLE = "middle"
    ENDING = "ending"

    @property
    def label(self) -> str:
        return f"{self.value} phase"


class CourseStatus(StrEnum):
    ASSESSMENT = "assessment"
    TREATMENT = "treatment"
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"
    REFERRED_ON = "referred_on"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = frozenset({CourseStatus.ASSESSMENT, CourseStatus.TREATMENT})
ENDED_STATUSES = frozenset(set(CourseStatus) - OPEN_STATUSES)

# Which status a course may move to from each status. Treatment starts when the first
# treatment session is attended; every ending needs a coded reason.
TRANSITIONS: dict[CourseStatus, frozenset[CourseStatus]] = {
    CourseStatus.ASSESSMENT: frozenset(
        {
            CourseStatus.TREATMENT,
            CourseStatus.DROPPED_OUT,
            CourseStatus.REFERRED_ON,
            CourseStatus.WITHDRAWN,
        }
    ),
    CourseStatus.TREATMENT: frozenset(
        {
            CourseStatus.COMPLETED,
            CourseStatus.DROPPED_OUT,
            CourseStatus.REFERRED_ON,
            CourseStatus.WITHDRAWN,
        }
    ),
    CourseStatus.COMPLETED: frozenset(),
    CourseStatus.DROPPED_OUT: frozenset(),
    CourseStatus.REFERRED_ON: frozenset(),
    CourseStatus.WITHDRAWN: frozenset(),
}

# Coded reasons for each way a course ends.
END_REASONS: dict[CourseStatus, dict[str, str]] = {
    CourseStatus.COMPLETED: {
        "planned_ending": "Completed the agreed sessions",
        "ended_early_by_agreement": "Ended early by agreement, goals met",
    },
    CourseStatus.DROPPED_OUT: {
        "stopped_attending": "Stopped attending without saying why",
        "could_not_be_contacted": "Could not be contacted",
        "moved_away": "Moved out of the area",
    },
    CourseStatus.REFERRED_ON: {
        "needs_other_therapy": "Needs a different therapy",
        "needs_secondary_care": "Needs secondary mental health care",
        "risk": "Risk needs a different service",
    },
    CourseStatus.WITHDRAWN: {
        "client_chose_to_stop": "Client chose to stop",
        "improved_before_starting": "Improved before treatment started",
        "practical_reasons": "Practical reasons (work, travel, caring)",
    },
}


class TransitionRefused(ValueError):
    """A status change the course rules do not allow; the message can be shown to staff."""


def check_transition(current: CourseStatus, target: CourseStatus, reason_code: str = "") -> None:
    if target not in TRANSITIONS[current]:
        raise TransitionRefused(
            f"A course that is {current.value.replace('_', ' ')} cannot become "
            f"{target.value.replace('_', ' ')}"
        )
    if target in END_REASONS and reason_code not in END_REASONS[target]:
        raise TransitionRefused("Select the reason the course ended")


@dataclass(frozen=True)
class ContractTerms:
    """The parts of a treatment contract the phase rules need."""

    planned_sessions: int
    initial_last: int
    middle_last: int
    ending_named_at: int

    def problems(self) -> list[str]:
        """What is wrong with these terms, in words staff can act on (empty when valid)."""
        found = []
        if not 8 <= self.planned_sessions <= 20:
            found.append("The planned number of sessions must be between 8 and 20")
        if not 1 <= self.initial_last < self.middle_last < self.planned_sessions:
            found.append(
                "The initial phase must end before the middle phase, and the middle phase "
                "before the last session"
            )
        if not self.middle_last - 1 <= self.ending_named_at <= self.planned_sessions:
            found.append("Name the ending in the last part of the middle phase or in the ending")
        return found


def phase_for(session_number: int, terms: ContractTerms) -> Phase:
    """The phase a treatment session belongs to (sessions past the plan count as ending)."""
    if session_number < 1:
        raise ValueError("Session numbers start at 1")
    if session_number <= terms.initial_last:
        return Phase.INITIAL
    if session_number <= terms.middle_last:
        return Phase.MIDDLE
    return Phase.ENDING


@dataclass(frozen=True)
class Progress:
    """Where a course is: attended treatment sessions against the contract."""

    attended: int
    terms: ContractTerms

    @property
    def current_session(self) -> int:
        """The session the client is at: the last attended one, or 1 before any."""
        return max(self.attended, 1)

    @property
    def phase(self) -> Phase:
        return phase_for(self.current_session, self.terms)

    @property
    def remaining(self) -> int:
        return max(self.terms.planned_sessions - self.attended, 0)

    @property
    def ending_signalled(self) -> bool:
        """From the contract's session on, the ending is named with the client (2–4 ahead)."""
        return self.attended >= self.terms.ending_named_at

    @property
    def label(self) -> str:
        """E.g. "Session 6 of 16 · middle phase"."""
        return (
            f"Session {self.current_session} of {self.terms.planned_sessions} · {self.phase.label}"
        )


# NHS Talking Therapies data set: ATTENDED OR DID NOT ATTEND codes (domain §7.6).
ATTENDANCE_CODES: dict[str, str] = {
    "5": "Attended on time, or late but before the therapist was ready",
    "6": "Arrived late but was seen",
    "7": "Arrived late and could not be seen",
    "2": "Cancelled by the client",
    "3": "Did not attend, no warning",
    "4": "Cancelled by the service",
}
ATTENDED_CODES = frozenset({"5", "6"})
NON_ATTENDANCE_CODES = frozenset({"7", "3"})


def counts_as_attended(code: str | None) -> bool:
    return code in ATTENDED_CODES


def consecutive_non_attendances(codes_oldest_first: list[str | None]) -> int:
    """How many of the latest recorded outcomes in a row were missed (codes 3 and 7).

    Appointments not yet recorded (None) and cancellations (2, 4) neither break nor extend a run:
    a cancelled session is rebooked, not missed.
    """
    run = 0
    for code in reversed(codes_oldest_first):
        if code is None or code in {"2", "4"}:
            continue
        if code in NON_ATTENDANCE_CODES:
            run += 1
        else:
            break
    return run
