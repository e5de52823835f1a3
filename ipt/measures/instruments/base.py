"""The contract every instrument keeps (see issue 5, domain §6 and §10).

Answers are a dict of item id ("q1"…"qN") → int. An instrument never prorates: the total of an
incomplete form is None. Unknown items and out-of-range values are refused with `InvalidAnswers`,
never summed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class InvalidAnswers(ValueError):
    """Answers that name an unknown item or a value outside the item's range."""


@dataclass(frozen=True)
class Item:
    id: str
    label: str  # a short domain label; full wording only where the licence allows (`text`)
    values: tuple[int, ...]
    text: str = ""
    scored: bool = True


@dataclass(frozen=True)
class Band:
    lowest: int
    highest: int
    label: str


@dataclass(frozen=True)
class Codes:
    loinc_panel: str = ""
    loinc_total: str = ""
    snomed_total: str = ""
    item_loinc: dict[str, str] = field(default_factory=dict)


class Instrument(Protocol):
    code: str  # "PHQ9", "GAD7", "WSAS", or a data-defined code
    name: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    codes: Codes
    licence: str

    def max_score(self, answers: dict[str, int] | None = None) -> int: ...

    def check(self, answers: dict[str, int]) -> None:
        """Raise InvalidAnswers for unknown items or out-of-range values."""

    def is_complete(self, answers: dict[str, int]) -> bool: ...

    def total_score(self, answers: dict[str, int]) -> int | None: ...

    def severity(self, total: int) -> str: ...

    def risk_flags(self, answers: dict[str, int]) -> list[str]: ...
