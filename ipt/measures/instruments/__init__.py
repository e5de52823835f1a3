"""The questionnaires a service can give, registered by code. Pure Python, no database:

    from ipt.measures import instruments
    phq9 = instruments.get("PHQ9")
    phq9.total_score(answers)

PHQ-9, GAD-7 and WSAS are built in. A service adds a summed questionnaire defined as data with
`register(from_data(...))` or `register(load_file(path))`.
"""

from __future__ import annotations

from ipt.measures.instruments.base import (
    Answers,
    Band,
    Codes,
    FlagRule,
    Instrument,
    InvalidAnswers,
    InvalidDefinition,
    Item,
    Option,
    SummedInstrument,
    UnknownInstrument,
    Wording,
)
from ipt.measures.instruments.data import (
    DEFINITIONS,
    from_data,
    load_file,
    load_wording,
    wording_from_data,
)
from ipt.measures.instruments.gad7 import GAD7
from ipt.measures.instruments.phq9 import PHQ9
from ipt.measures.instruments.wsas import WSAS

__all__ = [
    "DEFINITIONS",
    "GAD7",
    "PHQ9",
    "WSAS",
    "Answers",
    "Band",
    "Codes",
    "FlagRule",
    "Instrument",
    "InvalidAnswers",
    "InvalidDefinition",
    "Item",
    "Option",
    "SummedInstrument",
    "UnknownInstrument",
    "Wording",
    "codes",
    "from_data",
    "get",
    "load_file",
    "load_wording",
    "register",
    "unregister",
    "wording_from_data",
]

BUILT_IN = ("PHQ9", "GAD7", "WSAS")

_registry: dict[str, Instrument] = {}


def register(instrument: Instrument, *, replace: bool = False) -> Instrument:
    """Make an instrument available by its code. A code already taken is refused unless
    `replace` is given (e.g. WSAS with a service's licensed wording)."""
    if instrument.code in _registry and not replace:
        raise ValueError(f"An instrument is already registered as {instrument.code!r}")
    _registry[instrument.code] = instrument
    return instrument


def unregister(code: str) -> None:
    if code in BUILT_IN:
        raise ValueError(f"{code} is built in and cannot be removed")
    _registry.pop(code, None)


def get(code: str) -> Instrument:
    try:
        return _registry[code]
    except KeyError:
        raise UnknownInstrument(
            f"No instrument {code!r}; registered: {', '.join(codes())}"
        ) from None


def codes() -> tuple[str, ...]:
    return tuple(_registry)


for _instrument in (PHQ9, GAD7, WSAS):
    register(_instrument)
