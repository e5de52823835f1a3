"""Worked examples of the NHS Talking Therapies outcome rules (domain §7.1–§7.4): a truth table
at every threshold, pairing, finishing, ADSM choice, and service rates with their denominators."""

import dataclasses
from decimal import Decimal

import pytest

from ipt.measures import outcomes


def course(phq9=(18, 7), gad7=(12, 5), *, attended=8, ended=True, problem="depression", **more):
    scores = {"PHQ9": phq9, "GAD7": gad7, **more}
    return outcomes.outcome(
        ended=ended,
        attended_treatment_appointments=attended,
        problem_descriptor=problem,
        scores=scores,
    )


def flags(outcome):
    return (
        outcome.caseness_at_start,
        outcome.recovery,
        outcome.reliable_improvement,
        outcome.reliable_deterioration,
        outcome.reliable_recovery,
    )


@pytest.mark.parametrize(
    ("phq9", "gad7", "expected"),
    [
        # (caseness at start, recovery, reliable improvement, reliable deterioration,
        #  reliable recovery)
        pytest.param((18, 7), (12, 5), (True, True, True, False, True), id="reliable-recovery"),
        pytest.param((10, 4), (3, 3), (True, True, True, False, True), id="phq9-10-is-caseness"),
        pytest.param((9, 3), (7, 2), (False, False, True, False, False), id="9-and-7-not-caseness"),
        pytest.param((5, 5), (8, 4), (True, True, True, False, True), id="gad7-8-is-caseness"),
        pytest.param((5, 5), (7, 3), (False, False, True, False, False), id="gad7-7-not-caseness"),
        pytest.param((16, 10), (4, 4), (True, False, True, False, False), id="phq9-fall-of-6"),
        pytest.param((15, 10), (6, 6), (True, False, False, False, False), id="phq9-fall-of-5"),
        pytest.param((6, 6), (12, 8), (True, False, True, False, False), id="gad7-fall-of-4"),
        pytest.param((6, 6), (11, 8), (True, False, False, False, False), id="gad7-fall-of-3"),
        pytest.param(
            (12, 7), (9, 6), (True, True, False, False, False), id="recovery-without-reliable-fall"
        ),
        pytest.param(
            (20, 8), (3, 10), (True, False, False, True, False), id="phq9-better-gad7-worse"
        ),
        pytest.param(
            (12, 17), (14, 10), (True, False, True, False, False), id="gad7-better-phq9-rise-of-5"
        ),
        pytest.param((5, 11), (4, 4), (False, False, False, True, False), id="phq9-rise-of-6"),
        pytest.param((5, 10), (4, 4), (False, False, False, False, False), id="phq9-rise-of-5"),
        pytest.param((5, 5), (4, 8), (False, False, False, True, False), id="gad7-rise-of-4"),
        pytest.param((5, 5), (4, 7), (False, False, False, False, False), id="gad7-rise-of-3"),
        pytest.param((20, 14), (15, 9), (True, False, True, False, False), id="still-at-caseness"),
        pytest.param((9, 9), (7, 7), (False, False, False, False, False), id="no-change"),
    ],
)
def test_it_follows_the_outcome_truth_table(phq9, gad7, expected):
    outcome = course(phq9, gad7)
    assert outcome.finished and outcome.paired
    assert flags(outcome) == expected
    assert outcome.anxiety_measure == "GAD7"


def test_it_explains_an_outcome_with_the_numbers():
    outcome = course((18, 7), (12, 5), attended=12)
    assert outcome.explanation == (
        "Finished treatment: 12 attended treatment appointments. "
        "PHQ-9 fell from 18 to 7, a reliable improvement (reliable change is 6 or more). "
        "GAD-7 fell from 12 to 5, a reliable improvement (reliable change is 4 or more). "
        "At caseness at the start (PHQ-9 18, caseness is 10 or more; GAD-7 12, caseness is 8 or "
        "more). Below caseness on both measures at the end: moved to recovery. "
        "Reliable improvement, with no reliable deterioration. "
        "Reliable recovery: moved to recovery with a reliable improvement."
    )


def test_it_explains_why_an_improvement_on_one_measure_is_not_a_reliable_improvement():
    explanation = course((20, 8), (3, 10)).explanation
    assert "GAD-7 rose from 3 to 10, a reliable deterioration (reliable change is 4 or more)." in (
        explanation
    )
    assert "Still at caseness at the end (GAD-7 10): not moved to recovery." in explanation
    assert (
        "Reliable deterioration on GAD-7: not a reliable improvement, even though PHQ-9 "
        "improved reliably." in explanation
    )


def test_it_explains_a_course_not_at_caseness_at_the_start():
    explanation = course((9, 3), (7, 2)).explanation
    assert "Not at caseness at the start (PHQ-9 9, caseness is 10 or more; GAD-7 7" in explanation
    assert "so recovery does not apply" in explanation
    assert "Reliable recovery" not in explanation


def test_it_gives_no_outcome_without_paired_scores():
    outcome = course((15, None), (12, 6))
    assert outcome.finished and not outcome.paired
    assert flags(outcome) == (False, False, False, False, False)
    assert not outcome.not_at_caseness
    assert "PHQ-9 has only a first score" in outcome.explanation


def test_it_names_every_measure_missing_a_score():
    outcome = course((None, 8), None)
    assert not outcome.paired
    assert "PHQ-9 has only a last score and GAD-7 has no scores" in outcome.explanation


def test_it_does_not_count_a_course_with_one_attended_session_as_finished():
    outcome = course((20, 5), (15, 3), attended=1)
    assert not outcome.finished
    assert flags(outcome) == (False, False, False, False, False)
    assert outcome.explanation == (
        "Not a finished course of treatment: it had 1 attended treatment appointment, and 2 or "
        "more are needed."
    )


def test_it_counts_a_course_that_ended_with_two_attended_sessions_as_finished():
    assert course(attended=2).finished


def test_it_does_not_count_a_course_that_has_not_ended():
    outcome = course(attended=10, ended=False)
    assert not outcome.finished
    assert "the course has not ended" in outcome.explanation


def test_it_uses_the_adsm_when_it_is_mapped_and_paired():
    # GAD-7 alone would keep this client at caseness (10 is 8 or more); SPIN says recovered.
    outcome = course((12, 5), (12, 10), problem="social_anxiety", SPIN=(30, 15))
    assert outcome.anxiety_measure == "SPIN"
    assert not outcome.adsm_fallback
    assert flags(outcome) == (True, True, True, False, True)
    assert not outcome.thresholds_verified
    assert "Anxiety measure: SPIN (the measure for social anxiety disorder)." in outcome.explanation
    assert "SPIN fell from 30 to 15, a reliable improvement (reliable change is 10 or more)." in (
        outcome.explanation
    )
    assert "SPIN thresholds are unverified placeholders" in outcome.explanation


def test_it_falls_back_to_gad7_when_the_adsm_is_missing():
    outcome = course((12, 5), (12, 10), problem="social_anxiety")
    assert outcome.anxiety_measure == "GAD7"
    assert outcome.adsm_fallback
    assert flags(outcome) == (True, False, True, False, False)
    assert outcome.thresholds_verified
    assert (
        "Anxiety measure: GAD-7, because SPIN (the measure for social anxiety disorder) has no "
        "scores." in outcome.explanation
    )


def test_it_falls_back_to_gad7_when_the_adsm_is_unpaired():
    outcome = course((12, 5), (9, 4), problem="panic", PDSS=(14, None))
    assert outcome.anxiety_measure == "GAD7"
    assert outcome.adsm_fallback
    assert outcome.reliable_recovery
    assert "PDSS (the measure for panic disorder) has only a first score" in outcome.explanation


def test_it_falls_back_to_gad7_when_the_adsm_has_no_reliable_change_value():
    outcome = course((12, 5), (9, 4), problem="ocd", OCIR=(30, 5))
    assert outcome.anxiety_measure == "GAD7"
    assert "OCI-R (the measure for OCD) has no reliable-change value configured" in (
        outcome.explanation
    )


def test_it_is_unpaired_when_neither_the_adsm_nor_gad7_is_paired():
    outcome = course((12, 5), (9, None), problem="health_anxiety", HAI=(None, 10))
    assert outcome.finished and not outcome.paired
    assert outcome.anxiety_measure == "GAD7"


def test_it_compares_fractional_adsm_scores_exactly():
    # Mobility Inventory: caseness 2.3, reliable change 0.73. In binary floating point
    # 2.3 − 1.57 is 0.7299… in binary floating point, a rounding error short of 0.73.
    assert 2.3 - 1.57 < 0.73
    outcome = course((8, 8), (3, 3), problem="agoraphobia", MI=(2.3, 1.57))
    assert outcome.anxiety_measure == "MI"
    assert outcome.anxiety.first == Decimal("2.3")
    assert outcome.caseness_at_start
    assert outcome.reliable_improvement
    assert outcome.reliable_recovery
    assert "Mobility Inventory fell from 2.3 to 1.57, a reliable improvement" in (
        outcome.explanation
    )


def test_it_ignores_measures_the_rules_do_not_use():
    assert course(WSAS=(30, 10), SPIN=(40, 0)).anxiety_measure == "GAD7"


@pytest.mark.parametrize("score", [-1, True, "12", float("nan")])
def test_it_refuses_a_score_that_is_not_a_number_of_0_or_more(score):
    with pytest.raises(ValueError, match="PHQ-9 score must be"):
        course((score, 5))


def test_it_refuses_an_unknown_problem_descriptor():
    with pytest.raises(ValueError, match="Unknown problem descriptor"):
        course(problem="GAD")


def test_it_records_the_thresholds_version_and_cannot_be_changed():
    outcome = course()
    assert outcome.thresholds_version == outcomes.DEFAULT.version
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.recovery = False


def test_it_computes_rates_with_nhs_england_denominators():
    cohort = [
        course((18, 7), (12, 5)),  # reliable recovery
        course((12, 7), (9, 6)),  # recovery without reliable improvement
        course((9, 3), (7, 2)),  # not at caseness; reliable improvement
        course((20, 8), (3, 10)),  # reliable deterioration
        course((15, 14), (10, 9)),  # at caseness, no change
        course((15, None), (12, 6)),  # finished, unpaired
        course((20, 5), (15, 3), attended=1),  # not finished: left out
    ]
    rates = outcomes.rates(cohort)
    assert (rates.finished, rates.not_at_caseness, rates.unpaired) == (6, 1, 1)
    assert (rates.recovery.numerator, rates.recovery.denominator) == (2, 5)
    assert (rates.reliable_recovery.numerator, rates.reliable_recovery.denominator) == (1, 5)
    assert (rates.reliable_improvement.numerator, rates.reliable_improvement.denominator) == (2, 6)
    assert (rates.reliable_deterioration.numerator, rates.reliable_deterioration.denominator) == (
        1,
        6,
    )
    assert rates.recovery.percentage == 40.0


def test_it_gives_no_percentage_without_a_denominator():
    rates = outcomes.rates([course((9, 3), (7, 2))])
    assert rates.recovery == outcomes.Rate(0, 0)
    assert rates.recovery.percentage is None
    assert rates.reliable_improvement.percentage == 100.0


def test_it_accepts_named_pairs_and_chooses_the_measure_on_its_own():
    scores = {"PHQ9": outcomes.Pair(first=18, last=7), "PDSS": outcomes.Pair(first=15, last=4)}
    assert outcomes.choose_anxiety_measure("panic", scores) == (
        "PDSS",
        "PDSS (the measure for panic disorder)",
    )
    assert outcomes.choose_anxiety_measure("depression", scores) == ("GAD7", "")
    assert outcomes.is_finished(ended=True, attended_treatment_appointments=2)
    assert not outcomes.is_finished(ended=True, attended_treatment_appointments=1)
