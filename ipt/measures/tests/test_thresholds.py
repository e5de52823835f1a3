"""The thresholds configuration: values, provenance and the problem-descriptor mapping (§7.3)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from ipt.measures import thresholds
from ipt.measures.thresholds import DEFAULT, PROBLEM_DESCRIPTORS


def test_it_holds_the_nhs_talking_therapies_phq9_and_gad7_values_as_verified():
    phq9, gad7 = DEFAULT.get("PHQ9"), DEFAULT.get("GAD7")
    assert (phq9.caseness, phq9.reliable_change) == (10, 6)
    assert (gad7.caseness, gad7.reliable_change) == (8, 4)
    assert phq9.verified and gad7.verified
    assert phq9.confidence == gad7.confidence == "V"
    assert "[37]" in phq9.source


def test_it_marks_every_adsm_value_as_an_unverified_placeholder():
    adsms = [t for code, t in DEFAULT.measures.items() if code not in ("PHQ9", "GAD7")]
    assert {t.measure for t in adsms} == {
        "SPIN",
        "PDSS",
        "MI",
        "IESR",
        "PCL5",
        "HAI",
        "OCIR",
        "OCI",
    }
    assert all(not t.verified and t.confidence == "U" and "§7.3" in t.source for t in adsms)


def test_it_keeps_fractional_thresholds_exact():
    mi = DEFAULT.get("MI")
    assert (mi.caseness, mi.reliable_change) == (Decimal("2.3"), Decimal("0.73"))


def test_it_leaves_an_unknown_reliable_change_empty_rather_than_guessing():
    assert DEFAULT.get("OCIR").reliable_change is None
    assert not DEFAULT.get("OCIR").usable
    assert "Veale 2016" in DEFAULT.get("OCIR").note


@pytest.mark.parametrize(
    ("problem", "measure"),
    [
        ("depression", "GAD7"),
        ("generalised_anxiety", "GAD7"),
        ("mixed_anxiety_depression", "GAD7"),
        ("other", "GAD7"),
        ("social_anxiety", "SPIN"),
        ("ptsd", "PCL5"),
        ("agoraphobia", "MI"),
        ("ocd", "OCIR"),
        ("panic", "PDSS"),
        ("health_anxiety", "HAI"),
    ],
)
def test_it_maps_each_problem_descriptor_to_its_anxiety_measure(problem, measure):
    assert DEFAULT.anxiety_measure(problem) == measure


def test_it_refuses_an_unknown_problem_descriptor():
    with pytest.raises(ValueError, match="Unknown problem descriptor 'GAD'"):
        DEFAULT.anxiety_measure("GAD")


def test_it_needs_a_new_version_to_change_a_threshold():
    verified_spin = replace(DEFAULT.get("SPIN"), verified=True, version="Manual 2025")
    with pytest.raises(ValueError, match="new version"):
        DEFAULT.with_threshold(verified_spin, version=DEFAULT.version)
    changed = DEFAULT.with_threshold(verified_spin, version="2026-12-01.1")
    assert changed.get("SPIN").verified
    assert changed.version == "2026-12-01.1"
    assert not DEFAULT.get("SPIN").verified


def test_it_refuses_a_configuration_that_leaves_a_problem_descriptor_unmapped():
    mapping = {p: "GAD7" for p in PROBLEM_DESCRIPTORS if p != "ptsd"}
    with pytest.raises(ValueError, match="No anxiety measure configured for ptsd"):
        thresholds.ThresholdConfig(
            version="x", measures=DEFAULT.measures, anxiety_measure_for=mapping
        )


def test_it_refuses_a_configuration_that_names_a_measure_without_thresholds():
    mapping = {**DEFAULT.anxiety_measure_for, "ptsd": "CAPS5"}
    with pytest.raises(ValueError, match="needs a threshold"):
        thresholds.ThresholdConfig(
            version="x", measures=DEFAULT.measures, anxiety_measure_for=mapping
        )
