"""NHS Talking Therapies outcomes of a course of treatment, as pure functions (domain §7.1–§7.4).

A course is finished when it has ended with 2 or more attended treatment appointments. Its
outcome compares the first and last scores on PHQ-9 and on the anxiety measure: the ADSM for
the problem descriptor when it is configured and paired, otherwise GAD-7 (§7.3 [36]).
Thresholds come from `ipt.measures.thresholds`; each outcome records the version it used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from ipt.measures.thresholds import (
    DEFAULT,
    FALLBACK_ANXIETY_MEASURE,
    Threshold,
    ThresholdConfig,
)

Number = int | float | Decimal
MINIMUM_TREATMENT_APPOINTMENTS = 2  # §7.1 [35] [V]

_PROBLEMS = {
    "social_anxiety": "social anxiety disorder",
    "ptsd": "PTSD",
    "agoraphobia": "agoraphobia",
    "ocd": "OCD",
    "panic": "panic disorder",
    "health_anxiety": "health anxiety",
}


class Pair(NamedTuple):
    """The first and last scores on one measure within a course; None where there is none."""

    first: Number | None
    last: Number | None


ScorePair = tuple[Number | None, Number | None]


@dataclass(frozen=True)
class MeasureChange:
    """One measure's first and last scores, read against its thresholds."""

    threshold: Threshold
    first: Decimal
    last: Decimal

    @property
    def name(self) -> str:
        return self.threshold.name

    @property
    def at_caseness_at_start(self) -> bool:
        return self.first >= self.threshold.caseness

    @property
    def at_caseness_at_end(self) -> bool:
        return self.last >= self.threshold.caseness

    @property
    def reliable_improvement(self) -> bool:
        rci = self.threshold.reliable_change
        return rci is not None and self.first - self.last >= rci

    @property
    def reliable_deterioration(self) -> bool:
        rci = self.threshold.reliable_change
        return rci is not None and self.last - self.first >= rci


@dataclass(frozen=True)
class Outcome:
    finished: bool
    paired: bool
    problem_descriptor: str
    anxiety_measure: str | None  # the measure used: "GAD7" or an ADSM code
    adsm_fallback: bool  # an ADSM is mapped to the problem but GAD-7 was used
    depression: MeasureChange | None
    anxiety: MeasureChange | None
    caseness_at_start: bool
    caseness_at_end: bool
    recovery: bool
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool
    thresholds_version: str
    thresholds_verified: bool  # every threshold this outcome used is verified
    explanation: str

    @property
    def not_at_caseness(self) -> bool:
        """Finished with paired scores, below caseness on both measures at the start."""
        return self.finished and self.paired and not self.caseness_at_start


def is_finished(*, ended: bool, attended_treatment_appointments: int) -> bool:
    """Ended, with at least two attended treatment appointments (follow-ups excluded) (§7.1)."""
    return ended and attended_treatment_appointments >= MINIMUM_TREATMENT_APPOINTMENTS


def is_paired(pair: ScorePair | None) -> bool:
    return pair is not None and pair[0] is not None and pair[1] is not None


def choose_anxiety_measure(
    problem_descriptor: str,
    scores: Mapping[str, ScorePair],
    config: ThresholdConfig = DEFAULT,
) -> tuple[str, str]:
    """The anxiety measure's code and, where an ADSM is involved, a phrase saying why: the
    problem's ADSM when it has a reliable-change value and paired scores, otherwise GAD-7
    (§7.3 [36] [V])."""
    mapped = config.anxiety_measure(problem_descriptor)
    if mapped == FALLBACK_ANXIETY_MEASURE:
        return mapped, ""
    threshold = config.get(mapped)
    problem = _PROBLEMS.get(problem_descriptor, problem_descriptor)
    measure = f"{threshold.name} (the measure for {problem})"
    if not threshold.usable:
        return FALLBACK_ANXIETY_MEASURE, f"{measure} has no reliable-change value configured"
    if not is_paired(scores.get(mapped)):
        return FALLBACK_ANXIETY_MEASURE, f"{measure} {_missing(scores.get(mapped))}"
    return mapped, measure


def outcome(
    *,
    ended: bool,
    attended_treatment_appointments: int,
    problem_descriptor: str,
    scores: Mapping[str, ScorePair],
    config: ThresholdConfig = DEFAULT,
) -> Outcome:
    """The NHS Talking Therapies outcome of one course (§7.4). `scores` maps measure codes
    ("PHQ9", "GAD7", "SPIN", …) to (first, last); measures the rules do not use are ignored."""
    if attended_treatment_appointments < 0:
        raise ValueError("attended_treatment_appointments cannot be negative")
    anxiety_code, why = choose_anxiety_measure(problem_descriptor, scores, config)
    mapped = config.anxiety_measure(problem_descriptor)
    fallback = mapped != anxiety_code
    if not is_finished(
        ended=ended, attended_treatment_appointments=attended_treatment_appointments
    ):
        return _without_outcome(
            finished=False,
            problem_descriptor=problem_descriptor,
            anxiety_measure=None,
            adsm_fallback=False,
            config=config,
            explanation=_not_finished(ended, attended_treatment_appointments),
        )

    lines = [f"Finished treatment: {_appointments(attended_treatment_appointments)}."]
    if fallback:
        lines.append(f"Anxiety measure: GAD-7, because {why}.")
    elif why:
        lines.append(f"Anxiety measure: {why}.")
    dep_pair, anx_pair = scores.get("PHQ9"), scores.get(anxiety_code)
    anx_threshold = config.get(anxiety_code)
    if not (is_paired(dep_pair) and is_paired(anx_pair)):
        gaps = [
            f"{t.name} {_missing(p)}"
            for t, p in ((config.get("PHQ9"), dep_pair), (anx_threshold, anx_pair))
            if not is_paired(p)
        ]
        lines.append(
            f"No outcome can be given: that needs a first and a last score on both measures, and "
            f"{' and '.join(gaps)}."
        )
        return _without_outcome(
            finished=True,
            problem_descriptor=problem_descriptor,
            anxiety_measure=anxiety_code,
            adsm_fallback=fallback,
            config=config,
            explanation=" ".join(lines),
        )

    assert dep_pair is not None and anx_pair is not None
    dep = _change(config.get("PHQ9"), dep_pair)
    anx = _change(anx_threshold, anx_pair)
    both = (dep, anx)
    caseness_at_start = dep.at_caseness_at_start or anx.at_caseness_at_start
    caseness_at_end = dep.at_caseness_at_end or anx.at_caseness_at_end
    recovery = caseness_at_start and not caseness_at_end
    deterioration = dep.reliable_deterioration or anx.reliable_deterioration  # §7.1 [U]
    improvement = (dep.reliable_improvement or anx.reliable_improvement) and not deterioration
    reliable_recovery = recovery and improvement  # §7.2 [34] [V]
    verified = dep.threshold.verified and anx.threshold.verified

    lines += [_describe_change(change) for change in both]
    lines.append(_caseness_sentence(both, caseness_at_start))
    if caseness_at_start:
        if recovery:
            lines.append("Below caseness on both measures at the end: moved to recovery.")
        else:
            still = ", ".join(f"{c.name} {_n(c.last)}" for c in both if c.at_caseness_at_end)
            lines.append(f"Still at caseness at the end ({still}): not moved to recovery.")
    lines.append(_improvement_sentence(both, improvement, deterioration))
    if caseness_at_start:
        lines.append(
            "Reliable recovery: moved to recovery with a reliable improvement."
            if reliable_recovery
            else "Not a reliable recovery: that needs both recovery and a reliable improvement."
        )
    if not verified:
        lines.append(
            f"{anx.name} thresholds are unverified placeholders (configuration "
            f"{config.version}); confirm them against the NHS Talking Therapies Manual before "
            "reporting."
        )
    return Outcome(
        finished=True,
        paired=True,
        problem_descriptor=problem_descriptor,
        anxiety_measure=anxiety_code,
        adsm_fallback=fallback,
        depression=dep,
        anxiety=anx,
        caseness_at_start=caseness_at_start,
        caseness_at_end=caseness_at_end,
        recovery=recovery,
        reliable_improvement=improvement,
        reliable_deterioration=deterioration,
        reliable_recovery=reliable_recovery,
        thresholds_version=config.version,
        thresholds_verified=verified,
        explanation=" ".join(lines),
    )


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percentage(self) -> float | None:
        return None if self.denominator == 0 else 100 * self.numerator / self.denominator


@dataclass(frozen=True)
class Rates:
    """Service rates with NHS England's denominators (§7.2 [34] [V])."""

    finished: int
    not_at_caseness: int
    unpaired: int
    recovery: Rate
    reliable_recovery: Rate
    reliable_improvement: Rate
    reliable_deterioration: Rate


def rates(outcomes: Iterable[Outcome]) -> Rates:
    """Recovery and reliable recovery over finished courses at caseness at the start;
    reliable improvement and deterioration over all finished courses. A finished course without
    paired scores stays in every denominator and in no numerator."""
    finished = [o for o in outcomes if o.finished]
    not_at_caseness = sum(o.not_at_caseness for o in finished)
    at_caseness = len(finished) - not_at_caseness
    return Rates(
        finished=len(finished),
        not_at_caseness=not_at_caseness,
        unpaired=sum(not o.paired for o in finished),
        recovery=Rate(sum(o.recovery for o in finished), at_caseness),
        reliable_recovery=Rate(sum(o.reliable_recovery for o in finished), at_caseness),
        reliable_improvement=Rate(sum(o.reliable_improvement for o in finished), len(finished)),
        reliable_deterioration=Rate(sum(o.reliable_deterioration for o in finished), len(finished)),
    )


def _without_outcome(
    *,
    finished: bool,
    problem_descriptor: str,
    anxiety_measure: str | None,
    adsm_fallback: bool,
    config: ThresholdConfig,
    explanation: str,
) -> Outcome:
    return Outcome(
        finished=finished,
        paired=False,
        problem_descriptor=problem_descriptor,
        anxiety_measure=anxiety_measure,
        adsm_fallback=adsm_fallback,
        depression=None,
        anxiety=None,
        caseness_at_start=False,
        caseness_at_end=False,
        recovery=False,
        reliable_improvement=False,
        reliable_deterioration=False,
        reliable_recovery=False,
        thresholds_version=config.version,
        thresholds_verified=True,
        explanation=explanation,
    )


def _decimal(value: Number, measure: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{measure} score must be a number, not {value!r}")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValueError(f"{measure} score must be 0 or more, not {value!r}")
    return number


def _change(threshold: Threshold, pair: ScorePair) -> MeasureChange:
    first, last = pair
    assert first is not None and last is not None
    return MeasureChange(
        threshold=threshold,
        first=_decimal(first, threshold.name),
        last=_decimal(last, threshold.name),
    )


def _n(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _appointments(count: int) -> str:
    return f"{count} attended treatment appointment{'' if count == 1 else 's'}"


def _missing(pair: ScorePair | None) -> str:
    if pair is None or (pair[0] is None and pair[1] is None):
        return "has no scores"
    return "has only a first score" if pair[1] is None else "has only a last score"


def _not_finished(ended: bool, attended: int) -> str:
    reasons = []
    if not ended:
        reasons.append("the course has not ended")
    if attended < MINIMUM_TREATMENT_APPOINTMENTS:
        reasons.append(
            f"it had {_appointments(attended)}, and {MINIMUM_TREATMENT_APPOINTMENTS} or more "
            "are needed"
        )
    return f"Not a finished course of treatment: {' and '.join(reasons)}."


def _describe_change(change: MeasureChange) -> str:
    first, last, name = _n(change.first), _n(change.last), change.name
    rci = change.threshold.reliable_change
    if change.first == change.last:
        return f"{name} stayed at {first}."
    verb = "fell" if change.last < change.first else "rose"
    if change.reliable_improvement:
        reading = "a reliable improvement"
    elif change.reliable_deterioration:
        reading = "a reliable deterioration"
    else:
        reading = "less than a reliable change"
    assert rci is not None
    return (
        f"{name} {verb} from {first} to {last}, {reading} (reliable change is {_n(rci)} or more)."
    )


def _caseness_sentence(both: tuple[MeasureChange, MeasureChange], at_caseness: bool) -> str:
    detail = "; ".join(
        f"{c.name} {_n(c.first)}, caseness is {_n(c.threshold.caseness)} or more" for c in both
    )
    if at_caseness:
        return f"At caseness at the start ({detail})."
    return f"Not at caseness at the start ({detail}), so recovery does not apply."


def _improvement_sentence(
    both: tuple[MeasureChange, MeasureChange], improvement: bool, deterioration: bool
) -> str:
    worse = " and ".join(c.name for c in both if c.reliable_deterioration)
    better = " and ".join(c.name for c in both if c.reliable_improvement)
    if improvement:
        return "Reliable improvement, with no reliable deterioration."
    if deterioration and better:
        return (
            f"Reliable deterioration on {worse}: not a reliable improvement, even though "
            f"{better} improved reliably."
        )
    if deterioration:
        return f"Reliable deterioration on {worse}."
    return "No reliable improvement and no reliable deterioration."
