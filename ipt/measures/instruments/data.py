"""Instruments and wording defined as data (JSON), validated before use.

A service adds a simple summed questionnaire without code: `from_data(dict)` checks it and
returns a `SummedInstrument`; every problem found is reported at once in `InvalidDefinition`.
The format is described in docs/measures.md; `definitions/iapt_phobia.json` is an example.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ipt.measures.instruments.base import (
    Band,
    Codes,
    FlagRule,
    InvalidDefinition,
    Item,
    Option,
    SummedInstrument,
    Wording,
)
from ipt.measures.thresholds import Threshold

DEFINITIONS = Path(__file__).parent / "definitions"
CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")

_INSTRUMENT_KEYS = {
    "code": True,
    "name": True,
    "licence": True,
    "items": True,
    "bands": True,
    "version": False,
    "source": False,
    "thresholds": False,
    "risk_flags": False,
    "codes": False,
    "notes": False,
}
_ITEM_KEYS = {
    "id": True,
    "label": True,
    "values": True,
    "text": False,
    "scored": False,
    "options": False,
}
_BAND_KEYS = {"lowest": True, "highest": True, "label": True}
_THRESHOLD_KEYS = {
    "caseness": True,
    "reliable_change": True,
    "source": True,
    "verified": True,
    "confidence": False,
    "version": False,
    "recorded": False,
}
_FLAG_KEYS = {"code": True, "item": True, "at_least": True}
_CODES_KEYS = {
    "loinc_panel": False,
    "loinc_total": False,
    "snomed_total": False,
    "item_loinc": False,
    "note": False,
}
_WORDING_KEYS = {
    "language": True,
    "source": True,
    "licence": True,
    "instructions": False,
    "option_sets": False,
    "items": True,
}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    """Collects problems instead of stopping at the first, so a broken file is fixed in one go."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def keys(self, where: str, data: object, spec: Mapping[str, bool]) -> bool:
        if not isinstance(data, Mapping):
            self.problems.append(f"{where} must be an object")
            return False
        for key, required in spec.items():
            if required and key not in data:
                self.problems.append(f"{where} is missing the key {key!r}")
        for key in data:
            if key not in spec:
                self.problems.append(f"{where} has an unknown key {key!r}")
        return True

    def text(self, where: str, value: object, *, blank: bool = False) -> str:
        if not isinstance(value, str) or (not blank and not value.strip()):
            self.problems.append(f"{where} must be {'text' if blank else 'non-empty text'}")
            return ""
        return value

    def integer(self, where: str, value: object) -> int | None:
        if not _is_int(value):
            self.problems.append(f"{where} must be a whole number, not {value!r}")
            return None
        assert isinstance(value, int)
        return value

    def options(self, where: str, data: object) -> tuple[Option, ...]:
        if not isinstance(data, list):
            self.problems.append(f"{where} must be a list")
            return ()
        options = []
        for n, option in enumerate(data):
            at = f"{where}[{n}]"
            if self.keys(at, option, {"value": True, "label": True}):
                value = self.integer(f"{at}.value", option.get("value"))
                label = self.text(f"{at}.label", option.get("label"))
                if value is not None:
                    options.append(Option(value=value, label=label))
        values = [o.value for o in options]
        if len(set(values)) != len(values):
            self.problems.append(f"{where} repeats a value")
        return tuple(options)


def from_data(data: Mapping[str, Any]) -> SummedInstrument:
    """Validate a questionnaire defined as data and return it as an instrument."""
    check = _Checker()
    if not check.keys("the definition", data, _INSTRUMENT_KEYS):
        raise InvalidDefinition(check.problems)
    code = check.text("code", data.get("code", ""))
    if code and not CODE.match(code):
        check.problems.append(
            f"code {code!r} must be capital letters, digits and underscores, starting with a letter"
        )
    name = check.text("name", data.get("name", ""))
    licence = check.text("licence", data.get("licence", ""))
    version = check.text("version", data.get("version", "1"))
    source = check.text("source", data.get("source", ""), blank=True)
    check.text("notes", data.get("notes", ""), blank=True)
    items = _items(check, data.get("items"))
    max_score = sum(max(item.values) for item in items if item.scored and item.values)
    bands = _bands(check, data.get("bands"), max_score)
    flags = _flags(check, data.get("risk_flags", []), items)
    codes = _codes(check, data.get("codes", {}), items)
    threshold = None
    if "thresholds" in data:
        threshold = _threshold(check, data["thresholds"], code, name, version, max_score)
    if check.problems:
        raise InvalidDefinition(check.problems)
    return SummedInstrument(
        code=code,
        name=name,
        items=items,
        bands=bands,
        codes=codes,
        licence=licence,
        source=source,
        version=version,
        flag_rules=flags,
        threshold=threshold,
    )


def load_file(path: Path | str) -> SummedInstrument:
    """Read and validate a JSON definition file."""
    return from_data(_read(path))


def _read(path: Path | str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InvalidDefinition([f"{Path(path).name} is not valid JSON: {error}"]) from error


def _items(check: _Checker, data: object) -> tuple[Item, ...]:
    if not isinstance(data, list) or not data:
        check.problems.append("items must be a non-empty list")
        return ()
    items = []
    seen: set[str] = set()
    for n, entry in enumerate(data):
        where = f"items[{n}]"
        if not check.keys(where, entry, _ITEM_KEYS):
            continue
        item_id = check.text(f"{where}.id", entry.get("id", ""))
        if item_id in seen:
            check.problems.append(f"item id {item_id!r} is used twice")
        elif item_id and item_id != f"q{n + 1}":
            check.problems.append(f"{where}.id must be 'q{n + 1}' (items are q1…qN in order)")
        seen.add(item_id)
        values = _values(check, f"{where}.values", entry.get("values"))
        scored = entry.get("scored", True)
        if not isinstance(scored, bool):
            check.problems.append(f"{where}.scored must be true or false")
            scored = True
        options = check.options(f"{where}.options", entry.get("options", []))
        stray = [o.value for o in options if o.value not in values]
        if stray:
            check.problems.append(f"{where}.options has values outside the item's values: {stray}")
        items.append(
            Item(
                id=item_id,
                label=check.text(f"{where}.label", entry.get("label", "")),
                values=values,
                text=check.text(f"{where}.text", entry.get("text", ""), blank=True),
                scored=scored,
                options=options,
            )
        )
    if items and not any(item.scored for item in items):
        check.problems.append("at least one item must be scored")
    return tuple(items)


def _values(check: _Checker, where: str, data: object) -> tuple[int, ...]:
    if not isinstance(data, list) or not data:
        check.problems.append(f"{where} must be a non-empty list of whole numbers")
        return ()
    if not all(_is_int(v) for v in data):
        check.problems.append(f"{where} must hold whole numbers only, not {data!r}")
        return ()
    if any(v < 0 for v in data):
        check.problems.append(f"{where} must be 0 or more")
    if len(set(data)) != len(data) or sorted(data) != data:
        check.problems.append(f"{where} must be in ascending order without repeats")
    return tuple(data)


def _bands(check: _Checker, data: object, max_score: int) -> tuple[Band, ...]:
    if not isinstance(data, list) or not data:
        check.problems.append("bands must be a non-empty list")
        return ()
    bands = []
    for n, entry in enumerate(data):
        where = f"bands[{n}]"
        if not check.keys(where, entry, _BAND_KEYS):
            continue
        lowest = check.integer(f"{where}.lowest", entry.get("lowest"))
        highest = check.integer(f"{where}.highest", entry.get("highest"))
        label = check.text(f"{where}.label", entry.get("label", ""))
        if lowest is None or highest is None:
            continue
        if lowest > highest:
            check.problems.append(f"{where} runs backwards ({lowest} to {highest})")
        bands.append(Band(lowest, highest, label))
    if len(bands) != len(data):
        return tuple(bands)
    bands.sort(key=lambda band: band.lowest)
    expected = 0
    for band in bands:
        if band.lowest > expected:
            check.problems.append(f"bands leave a gap: {expected} to {band.lowest - 1}")
        elif band.lowest < expected:
            check.problems.append(
                f"bands overlap: {band.label!r} starts at {band.lowest}, inside an earlier band"
            )
        expected = max(expected, band.highest + 1)
    if expected - 1 != max_score:
        check.problems.append(
            f"bands must end at the maximum score {max_score}, not {expected - 1}"
        )
    return tuple(bands)


def _flags(check: _Checker, data: object, items: tuple[Item, ...]) -> tuple[FlagRule, ...]:
    if not isinstance(data, list):
        check.problems.append("risk_flags must be a list")
        return ()
    by_id = {item.id: item for item in items}
    rules = []
    for n, entry in enumerate(data):
        where = f"risk_flags[{n}]"
        if not check.keys(where, entry, _FLAG_KEYS):
            continue
        code = check.text(f"{where}.code", entry.get("code", ""))
        if code and not CODE.match(code):
            check.problems.append(f"{where}.code {code!r} must be capital letters and digits")
        item_id = entry.get("item")
        at_least = check.integer(f"{where}.at_least", entry.get("at_least"))
        if item_id not in by_id:
            check.problems.append(f"{where}.item {item_id!r} is not one of the items")
        elif at_least is not None and at_least not in by_id[item_id].values:
            check.problems.append(f"{where}.at_least {at_least} is not a value of {item_id}")
        if at_least is not None and isinstance(item_id, str):
            rules.append(FlagRule(code=code, item=item_id, at_least=at_least))
    return tuple(rules)


def _codes(check: _Checker, data: object, items: tuple[Item, ...]) -> Codes:
    if not check.keys("codes", data, _CODES_KEYS):
        return Codes()
    assert isinstance(data, Mapping)
    item_loinc = data.get("item_loinc", {})
    if not isinstance(item_loinc, Mapping) or not all(
        isinstance(v, str) for v in item_loinc.values()
    ):
        check.problems.append("codes.item_loinc must map item ids to codes")
        item_loinc = {}
    unknown = [k for k in item_loinc if k not in {item.id for item in items}]
    if unknown:
        check.problems.append(f"codes.item_loinc names unknown items: {unknown}")
    return Codes(
        loinc_panel=check.text("codes.loinc_panel", data.get("loinc_panel", ""), blank=True),
        loinc_total=check.text("codes.loinc_total", data.get("loinc_total", ""), blank=True),
        snomed_total=check.text("codes.snomed_total", data.get("snomed_total", ""), blank=True),
        item_loinc=dict(item_loinc),
        note=check.text("codes.note", data.get("note", ""), blank=True),
    )


def _threshold(
    check: _Checker, data: object, code: str, name: str, version: str, max_score: int
) -> Threshold | None:
    if not check.keys("thresholds", data, _THRESHOLD_KEYS):
        return None
    assert isinstance(data, Mapping)
    caseness = check.integer("thresholds.caseness", data.get("caseness"))
    if caseness is not None and not 0 < caseness <= max_score:
        check.problems.append(f"thresholds.caseness must be between 1 and {max_score}")
    reliable_change = data.get("reliable_change")
    if reliable_change is not None:
        reliable_change = check.integer("thresholds.reliable_change", reliable_change)
        if reliable_change is not None and not 0 < reliable_change <= max_score:
            check.problems.append(f"thresholds.reliable_change must be between 1 and {max_score}")
    verified = data.get("verified")
    if not isinstance(verified, bool):
        check.problems.append("thresholds.verified must be true or false")
    confidence = data.get("confidence", "U")
    if confidence not in ("V", "S", "U"):
        check.problems.append("thresholds.confidence must be 'V', 'S' or 'U'")
        confidence = "U"
    recorded = None
    if "recorded" in data:
        try:
            recorded = date.fromisoformat(str(data["recorded"]))
        except ValueError:
            check.problems.append("thresholds.recorded must be a date, YYYY-MM-DD")
    source = check.text("thresholds.source", data.get("source", ""))
    if caseness is None or not isinstance(verified, bool):
        return None
    return Threshold(
        measure=code,
        name=name,
        caseness=Decimal(caseness),
        reliable_change=None if reliable_change is None else Decimal(reliable_change),
        version=check.text("thresholds.version", data.get("version", version)),
        recorded=recorded,
        source=source,
        confidence=confidence,
        verified=verified,
    )


def wording_from_data(data: Mapping[str, Any]) -> Wording:
    """Validate wording (question text and answer options in one language) defined as data."""
    check = _Checker()
    if not check.keys("the wording", data, _WORDING_KEYS):
        raise InvalidDefinition(check.problems)
    sets: dict[str, tuple[Option, ...]] = {}
    option_sets = data.get("option_sets", {})
    if not isinstance(option_sets, Mapping):
        check.problems.append("option_sets must be an object")
        option_sets = {}
    for set_name, options in option_sets.items():
        sets[set_name] = check.options(f"option_sets.{set_name}", options)
    texts: dict[str, str] = {}
    options_by_item: dict[str, tuple[Option, ...]] = {}
    items = data.get("items", {})
    if not isinstance(items, Mapping):
        check.problems.append("items must be an object keyed by item id")
        items = {}
    for item_id, entry in items.items():
        where = f"items.{item_id}"
        if not check.keys(where, entry, {"text": True, "options": False}):
            continue
        texts[item_id] = check.text(f"{where}.text", entry.get("text"), blank=True)
        if "options" in entry:
            if entry["options"] not in sets:
                check.problems.append(f"{where}.options names no option set: {entry['options']!r}")
            else:
                options_by_item[item_id] = sets[entry["options"]]
    wording = Wording(
        language=check.text("language", data.get("language", "")),
        source=check.text("source", data.get("source", "")),
        licence=check.text("licence", data.get("licence", "")),
        instructions=check.text("instructions", data.get("instructions", ""), blank=True),
        items=texts,
        options=options_by_item,
    )
    if check.problems:
        raise InvalidDefinition(check.problems)
    return wording


def load_wording(path: Path | str) -> Wording:
    return wording_from_data(_read(path))
