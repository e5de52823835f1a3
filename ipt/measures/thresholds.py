"""Caseness and reliable-change thresholds for NHS Talking Therapies outcomes, with provenance.

Configuration, not code: every value names its source, its confidence mark from the domain
document (§0: V, S or U) and whether it has been verified for reporting. The anxiety-disorder
specific measure (ADSM) values are unverified placeholders (§7.3 [U]). Change a value only by
building a new configuration with a new version (`ThresholdConfig.with_threshold`), so an
outcome can say which version produced it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

Confidence = Literal["V", "S", "U"]

PROBLEM_DESCRIPTORS = (
    "depression",
    "generalised_anxiety",
    "mixed_anxiety_depression",
    "social_anxiety",
    "ptsd",
    "agoraphobia",
    "ocd",
    "panic",
    "health_anxiety",
    "other",
)
FALLBACK_ANXIETY_MEASURE = "GAD7"


@dataclass(frozen=True)
class Threshold:
    """One measure's cut-offs. A score at or above `caseness` is at caseness; a change of
    `reliable_change` or more is reliable. None for reliable change means "not known": the
    measure cannot be used for reliable change, and outcomes fall back to GAD-7."""

    measure: str
    name: str
    caseness: Decimal
    reliable_change: Decimal | None
    version: str
    recorded: date | None
    source: str
    confidence: Confidence
    verified: bool
    note: str = ""

    @property
    def usable(self) -> bool:
        return self.reliable_change is not None


@dataclass(frozen=True)
class ThresholdConfig:
    version: str
    measures: Mapping[str, Threshold]
    anxiety_measure_for: Mapping[str, str]  # problem descriptor → measure code

    def __post_init__(self) -> None:
        missing = [p for p in PROBLEM_DESCRIPTORS if p not in self.anxiety_measure_for]
        if missing:
            raise ValueError(f"No anxiety measure configured for {', '.join(missing)}")
        unknown = [m for m in self.anxiety_measure_for.values() if m not in self.measures]
        if unknown or "PHQ9" not in self.measures or FALLBACK_ANXIETY_MEASURE not in self.measures:
            raise ValueError("Every measure named in the configuration needs a threshold")

    def get(self, measure: str) -> Threshold:
        try:
            return self.measures[measure]
        except KeyError:
            known = ", ".join(sorted(self.measures))
            raise KeyError(f"No thresholds for {measure!r}; configured: {known}") from None

    def anxiety_measure(self, problem_descriptor: str) -> str:
        """The anxiety measure for a problem descriptor (§7.3 [36]): GAD-7 or an ADSM."""
        try:
            return self.anxiety_measure_for[problem_descriptor]
        except KeyError:
            known = ", ".join(PROBLEM_DESCRIPTORS)
            raise ValueError(
                f"Unknown problem descriptor {problem_descriptor!r}; use one of {known}"
            ) from None

    def with_threshold(self, threshold: Threshold, *, version: str) -> ThresholdConfig:
        """A new configuration with one measure added or replaced, under a new version."""
        if version == self.version:
            raise ValueError("A changed configuration needs a new version")
        return replace(
            self,
            version=version,
            measures=MappingProxyType({**self.measures, threshold.measure: threshold}),
        )


_NHS_DIGITAL_2016 = (
    "NHS Digital 2016, quoted in the IAPT older-adults outcome paper, Table 1 (PMC8411661) "
    "[37]; domain §6.1, §6.2, §7.1"
)
_PLACEHOLDER = (
    "Commonly quoted from the NHS Talking Therapies Manual appendix; not checked against it. "
    "Domain §7.3 [U]"
)
_RECORDED = date(2026, 11, 22)


def _adsm(
    measure: str, name: str, caseness: str, reliable_change: str | None, note: str = ""
) -> Threshold:
    return Threshold(
        measure=measure,
        name=name,
        caseness=Decimal(caseness),
        reliable_change=None if reliable_change is None else Decimal(reliable_change),
        version="placeholder",
        recorded=_RECORDED,
        source=_PLACEHOLDER,
        confidence="U",
        verified=False,
        note=note,
    )


PHQ9 = Threshold(
    measure="PHQ9",
    name="PHQ-9",
    caseness=Decimal(10),
    reliable_change=Decimal(6),
    version="NHS Digital 2016",
    recorded=_RECORDED,
    source=_NHS_DIGITAL_2016,
    confidence="V",
    verified=True,
)
GAD7 = Threshold(
    measure="GAD7",
    name="GAD-7",
    caseness=Decimal(8),
    reliable_change=Decimal(4),
    version="NHS Digital 2016",
    recorded=_RECORDED,
    source=_NHS_DIGITAL_2016,
    confidence="V",
    verified=True,
)
ADSMS = (
    _adsm("SPIN", "SPIN", "19", "10"),
    _adsm("PDSS", "PDSS", "8", "5"),
    _adsm("MI", "Mobility Inventory", "2.3", "0.73", note="A mean item score, not a sum."),
    _adsm("IESR", "IES-R", "33", "9", note="The 2018 table's PTSD measure (Clark 2018 [36])."),
    _adsm(
        "PCL5",
        "PCL-5",
        "32",
        "10",
        note="Later manuals' PTSD measure [S]; a third-party worksheet gives caseness 31–33 "
        "and reliable change 10 or more [S].",
    ),
    _adsm("HAI", "HAI (short)", "18", "4"),
    _adsm(
        "OCIR",
        "OCI-R",
        "14",
        None,
        note="Reliable change not known; Veale 2016 gives caseness 17 and reliable change 13 [S], "
        "which conflicts with the quoted 14. Until confirmed, OCD courses use GAD-7.",
    ),
    _adsm("OCI", "OCI", "40", None, note="Reliable change not known (differs by version)."),
)

DEFAULT = ThresholdConfig(
    version="2026-11-22.1",
    measures=MappingProxyType({t.measure: t for t in (PHQ9, GAD7, *ADSMS)}),
    anxiety_measure_for=MappingProxyType(
        {
            "depression": "GAD7",
            "generalised_anxiety": "GAD7",
            "mixed_anxiety_depression": "GAD7",
            "other": "GAD7",
            "social_anxiety": "SPIN",
            "ptsd": "PCL5",
            "agoraphobia": "MI",
            "ocd": "OCIR",
            "panic": "PDSS",
            "health_anxiety": "HAI",
        }
    ),
)
