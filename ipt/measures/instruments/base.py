"""The contract every instrument keeps (see issue 5, domain §6 and §10).

Answers are a dict of item id ("q1"…"qN") → int. An instrument never prorates: the total of an
incomplete form is None. Unknown items and out-of-range values are refused with `InvalidAnswers`,
never summed. Risk flags are read from their own item alone, so a risk answer is never lost
because another item is missing or wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol, Self

from ipt.measures.thresholds import Threshold

Answers = Mapping[str, int]


class InvalidAnswers(ValueError):
    """Answers that name an unknown item or a value outside the item's range."""


class InvalidDefinition(ValueError):
    """A data-defined instrument or wording that breaks the rules; `problems` lists them all."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class UnknownInstrument(LookupError):
    """No instrument is registered under that code."""


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    label: str  # a short domain label; full wording only where the licence allows (`text`)
    values: tuple[int, ...]
    text: str = ""
    scored: bool = True
    options: tuple[Option, ...] = ()  # answer wording, where the licence allows


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
    item_loinc: Mapping[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class FlagRule:
    """Raise `code` when `item` is answered `at_least` or more, whatever the other items say."""

    code: str
    item: str
    at_least: int


@dataclass(frozen=True)
class Wording:
    """Question text and answer options in one language, with where they came from."""

    language: str
    source: str
    licence: str
    instructions: str = ""
    items: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, tuple[Option, ...]] = field(default_factory=dict)  # by item id


class Instrument(Protocol):
    @property
    def code(self) -> str: ...  # "PHQ9", "GAD7", "WSAS", or a data-defined code

    @property
    def name(self) -> str: ...

    @property
    def items(self) -> tuple[Item, ...]: ...

    @property
    def bands(self) -> tuple[Band, ...]: ...

    @property
    def codes(self) -> Codes: ...

    @property
    def licence(self) -> str: ...

    @property
    def threshold(self) -> Threshold | None: ...

    @property
    def wording(self) -> Wording | None: ...

    @property
    def flag_rules(self) -> tuple[FlagRule, ...]: ...

    def item(self, item_id: str) -> Item: ...

    def permitted(self, answers: Answers) -> dict[str, tuple[int, ...]]:
        """Every key these answers may hold (items, and WSAS's `work_not_applicable`)."""

    def required(self, answers: Answers) -> tuple[str, ...]:
        """The items these answers need to be complete (PHQ-9 item 10 depends on the total)."""

    def scored(self, answers: Answers) -> tuple[str, ...]: ...

    def max_score(self, answers: Answers | None = None) -> int: ...

    def check(self, answers: Answers) -> None:
        """Raise InvalidAnswers for unknown items or out-of-range values."""

    def is_complete(self, answers: Answers) -> bool: ...

    def total_score(self, answers: Answers) -> int | None: ...

    def severity(self, total: int) -> str: ...

    def risk_flags(self, answers: Answers) -> list[str]: ...

    def with_wording(self, wording: Wording) -> Instrument: ...


def describe_values(values: tuple[int, ...]) -> str:
    if len(values) > 2 and values == tuple(range(values[0], values[-1] + 1)):
        return f"from {values[0]} to {values[-1]}"
    return "one of " + ", ".join(str(v) for v in values)


@dataclass(frozen=True)
class SummedInstrument:
    """A questionnaire whose total is the sum of its scored items. Subclasses change which items
    are required or scored for a given set of answers (PHQ-9 item 10, WSAS work item)."""

    code: str
    name: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    codes: Codes = field(default_factory=Codes)
    licence: str = ""
    source: str = ""
    version: str = "1"
    flag_rules: tuple[FlagRule, ...] = ()
    threshold: Threshold | None = None
    wording: Wording | None = None

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"{self.name} has no item {item_id!r}")

    def permitted(self, answers: Answers) -> dict[str, tuple[int, ...]]:
        """Every key these answers may hold, with its permitted values."""
        return {item.id: item.values for item in self.items}

    def required(self, answers: Answers) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def scored(self, answers: Answers) -> tuple[str, ...]:
        return tuple(item.id for item in self.items if item.scored)

    def check(self, answers: Answers) -> None:
        if not isinstance(answers, Mapping):
            raise InvalidAnswers(f"{self.name} answers must map item ids to whole numbers")
        permitted = self.permitted(answers)
        for key, value in answers.items():
            if key not in permitted:
                raise InvalidAnswers(f"{self.name} has no item {key!r}")
            self._check_value(key, value, permitted[key])

    def _check_value(self, key: str, value: object, values: tuple[int, ...]) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidAnswers(f"{self.name} {key} must be a whole number, not {value!r}")
        if value not in values:
            raise InvalidAnswers(
                f"{self.name} {key} must be {describe_values(values)}, not {value}"
            )

    def max_score(self, answers: Answers | None = None) -> int:
        if answers is None:
            answers = {}
        self.check(answers)
        scored = self.scored(answers)
        return sum(max(item.values) for item in self.items if item.id in scored)

    def is_complete(self, answers: Answers) -> bool:
        self.check(answers)
        return all(item_id in answers for item_id in self.required(answers))

    def total_score(self, answers: Answers) -> int | None:
        """The sum of the scored items, or None when any required item is missing."""
        if not self.is_complete(answers):
            return None
        return sum(answers[item_id] for item_id in self.scored(answers))

    def severity(self, total: int) -> str:
        for band in self.bands:
            if band.lowest <= total <= band.highest:
                return band.label
        raise ValueError(f"{total} is outside the {self.name} range 0 to {self.max_score()}")

    def risk_flags(self, answers: Answers) -> list[str]:
        """Flag codes raised by these answers. Each rule reads only its own item, so the flag
        stands even when the rest of the form is incomplete or has a wrong value elsewhere."""
        if not isinstance(answers, Mapping):
            raise InvalidAnswers(f"{self.name} answers must map item ids to whole numbers")
        flags = []
        for rule in self.flag_rules:
            value = answers.get(rule.item)
            if value is None:
                continue
            self._check_value(rule.item, value, self.item(rule.item).values)
            if value >= rule.at_least:
                flags.append(rule.code)
        return flags

    def with_wording(self, wording: Wording) -> Self:
        """A copy carrying this wording on its items, e.g. licensed WSAS text a service holds."""
        problems = []
        known = {item.id: item for item in self.items}
        for item_id in [*wording.items, *wording.options]:
            if item_id not in known:
                problems.append(f"wording names item {item_id!r}, which {self.name} does not have")
        for item_id, options in wording.options.items():
            if item_id in known:
                bad = [o.value for o in options if o.value not in known[item_id].values]
                if bad:
                    problems.append(f"wording for {item_id} has options outside its values: {bad}")
        if problems:
            raise InvalidDefinition(problems)
        items = tuple(
            replace(
                item,
                text=wording.items.get(item.id, ""),
                options=tuple(wording.options.get(item.id, ())),
            )
            for item in self.items
        )
        return replace(self, items=items, wording=wording)
