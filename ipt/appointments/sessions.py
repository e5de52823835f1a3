"""Session numbers of a course's appointments, worked out from their kinds and outcomes alone.

No database: the caller passes the course's appointments in time order (anything with `kind`
and `attendance`), so a page can number every appointment it shows from one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from ipt.courses.rules import ATTENDED_CODES, ContractTerms, Phase, phase_for

TREATMENT = "treatment"
BOOSTER = "booster"


class Numbered(Protocol):
    kind: str
    attendance: str


@dataclass(frozen=True)
class SessionNumber:
    """Which treatment session (or booster) an appointment is; `number` is None for none."""

    number: int | None = None
    booster: bool = False
    projected: bool = False
    phase: Phase | None = None

    @property
    def label(self) -> str:
        """ "Session 6", "Booster 2", "" for an appointment with no number."""
        if self.number is None:
            return ""
        return f"{'Booster' if self.booster else 'Session'} {self.number}"

    @property
    def label_with_phase(self) -> str:
        """ "Session 6 · middle phase", "Booster 2", or ""."""
        if self.phase is None:
            return self.label
        return f"{self.label} · {self.phase.label}"


NO_NUMBER = SessionNumber()


def number_sessions(
    appointments: Iterable[Numbered], terms: ContractTerms | None = None
) -> list[SessionNumber]:
    """Number a course's appointments, given oldest first (one result per appointment).

    Attended treatment appointments (codes 5 and 6) are sessions 1, 2, 3… in time order. A
    treatment appointment with no outcome yet gets the number it will have if everything before
    it is attended: attended so far + unrecorded before it + 1 (`projected`). Missed and
    cancelled ones (2, 3, 4, 7) and other kinds get no number. Boosters are counted the same
    way on their own ("Booster 1") and never advance the treatment count. With `terms`, each
    treatment session also gets its phase.
    """
    counts = {TREATMENT: [0, 0], BOOSTER: [0, 0]}  # kind: [attended, unrecorded so far]
    numbers = []
    for appointment in appointments:
        kind = str(appointment.kind)
        if kind not in counts:
            numbers.append(NO_NUMBER)
            continue
        tally = counts[kind]
        if appointment.attendance in ATTENDED_CODES:
            tally[0] += 1
            number, projected = tally[0], False
        elif not appointment.attendance:
            number, projected = tally[0] + tally[1] + 1, True
            tally[1] += 1
        else:
            numbers.append(NO_NUMBER)
            continue
        phase = phase_for(number, terms) if terms is not None and kind == TREATMENT else None
        numbers.append(
            SessionNumber(number=number, booster=kind == BOOSTER, projected=projected, phase=phase)
        )
    return numbers
