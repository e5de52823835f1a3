"""Instruments defined as data: the shipped example, registration, and broken definitions."""

import copy
import json

import pytest

from ipt.measures import instruments
from ipt.measures.instruments import InvalidAnswers, InvalidDefinition

EXAMPLE = instruments.DEFINITIONS / "iapt_phobia.json"


def definition(**changes):
    """A small valid definition with caseness and reliable change, changed as asked."""
    data = {
        "code": "MOOD3",
        "name": "Three-item mood check",
        "version": "2",
        "source": "Made up for this test",
        "licence": "Written for this test; free to use",
        "items": [
            {"id": "q1", "label": "mood", "values": [0, 1, 2, 3]},
            {"id": "q2", "label": "sleep", "values": [0, 1, 2, 3]},
            {
                "id": "q3",
                "label": "hopelessness",
                "values": [0, 1, 2, 3],
                "text": "Feeling hopeless",
                "options": [{"value": 0, "label": "Never"}, {"value": 3, "label": "Always"}],
            },
        ],
        "bands": [
            {"lowest": 0, "highest": 3, "label": "low"},
            {"lowest": 4, "highest": 9, "label": "high"},
        ],
        "thresholds": {
            "caseness": 4,
            "reliable_change": 3,
            "source": "Made up for this test",
            "verified": False,
            "recorded": "2026-11-22",
        },
        "risk_flags": [{"code": "MOOD3_Q3", "item": "q3", "at_least": 2}],
    }
    data.update(changes)
    return data


@pytest.fixture
def registry():
    yield instruments
    for code in instruments.codes():
        if code not in instruments.BUILT_IN:
            instruments.unregister(code)


def test_it_loads_the_shipped_phobia_scales_example():
    phobia = instruments.load_file(EXAMPLE)
    assert phobia.code == "IAPT_PHOBIA"
    assert [item.label for item in phobia.items] == [
        "social situations",
        "panic or agoraphobic situations",
        "specific objects or situations",
    ]
    assert all(item.values == tuple(range(9)) and item.text == "" for item in phobia.items)
    assert phobia.max_score() == 24
    assert phobia.total_score({"q1": 8, "q2": 4, "q3": 0}) == 12
    assert phobia.total_score({"q1": 8, "q2": 4}) is None
    assert phobia.severity(12) == "not banded: read each item"
    assert phobia.threshold is None
    assert "not confirmed" in phobia.licence


def test_it_refuses_out_of_range_answers_on_a_data_instrument():
    phobia = instruments.load_file(EXAMPLE)
    with pytest.raises(InvalidAnswers, match="IAPT phobia scales q2 must be from 0 to 8, not 9"):
        phobia.total_score({"q1": 0, "q2": 9, "q3": 0})
    with pytest.raises(InvalidAnswers, match="has no item 'q4'"):
        phobia.check({"q4": 1})


def test_it_keeps_the_same_interface_for_a_data_instrument():
    mood = instruments.from_data(definition())
    assert mood.max_score() == 9
    assert mood.severity(3) == "low"
    assert mood.severity(4) == "high"
    assert mood.total_score({"q1": 1, "q2": 1, "q3": 2}) == 4
    assert mood.risk_flags({"q3": 2}) == ["MOOD3_Q3"]
    assert mood.risk_flags({"q3": 1}) == []
    assert mood.item("q3").text == "Feeling hopeless"
    assert mood.item("q3").options[1].label == "Always"


def test_it_turns_caseness_and_reliable_change_into_an_unverified_threshold():
    threshold = instruments.from_data(definition()).threshold
    assert threshold is not None
    assert (threshold.measure, threshold.caseness, threshold.reliable_change) == ("MOOD3", 4, 3)
    assert threshold.verified is False
    assert threshold.version == "2"
    assert threshold.source == "Made up for this test"


def test_it_registers_a_data_instrument_and_refuses_a_taken_code(registry):
    mood = registry.register(registry.from_data(definition()))
    assert registry.get("MOOD3") is mood
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.from_data(definition()))
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.from_data(definition(code="PHQ9")))


def test_it_replaces_a_registered_instrument_only_when_asked(registry):
    registry.register(registry.from_data(definition()))
    newer = registry.register(registry.from_data(definition(version="3")), replace=True)
    assert registry.get("MOOD3") is newer


def test_it_will_not_unregister_a_built_in_instrument(registry):
    with pytest.raises(ValueError, match="built in"):
        registry.unregister("PHQ9")


def problems(data):
    with pytest.raises(InvalidDefinition) as refusal:
        instruments.from_data(data)
    return refusal.value.problems


def test_it_names_every_missing_key():
    data = definition()
    del data["bands"]
    del data["licence"]
    found = problems(data)
    assert "the definition is missing the key 'licence'" in found
    assert "the definition is missing the key 'bands'" in found


def test_it_refuses_an_unknown_key_so_a_typo_is_not_ignored():
    assert problems(definition(casenes=4)) == ["the definition has an unknown key 'casenes'"]


def test_it_refuses_duplicate_item_ids():
    data = definition()
    data["items"][2]["id"] = "q2"
    assert "item id 'q2' is used twice" in problems(data)


def test_it_refuses_item_ids_out_of_sequence():
    data = definition()
    data["items"][0]["id"] = "mood"
    assert "items[0].id must be 'q1' (items are q1…qN in order)" in problems(data)


@pytest.mark.parametrize("values", [[0, 1, "2"], [0, 1.5], [True, False], "0-3", []])
def test_it_refuses_item_values_that_are_not_whole_numbers(values):
    data = definition()
    data["items"][0]["values"] = values
    assert any(p.startswith("items[0].values must") for p in problems(data))


def test_it_refuses_band_limits_that_are_not_whole_numbers():
    data = definition()
    data["bands"][1]["highest"] = 9.0
    assert "bands[1].highest must be a whole number, not 9.0" in problems(data)


def test_it_refuses_overlapping_bands():
    data = definition()
    data["bands"][1]["lowest"] = 3
    assert "bands overlap: 'high' starts at 3, inside an earlier band" in problems(data)


def test_it_refuses_a_gap_between_bands():
    data = definition()
    data["bands"][1]["lowest"] = 5
    assert "bands leave a gap: 4 to 4" in problems(data)


def test_it_refuses_bands_that_do_not_start_at_0():
    data = definition()
    data["bands"][0]["lowest"] = 1
    assert "bands leave a gap: 0 to 0" in problems(data)


def test_it_refuses_bands_that_stop_short_of_or_run_past_the_maximum():
    short, long = definition(), definition()
    short["bands"][1]["highest"] = 8
    long["bands"][1]["highest"] = 10
    assert "bands must end at the maximum score 9, not 8" in problems(short)
    assert "bands must end at the maximum score 9, not 10" in problems(long)


def test_it_refuses_a_flag_on_an_unknown_item_and_caseness_past_the_maximum():
    data = definition()
    data["risk_flags"][0]["item"] = "q9"
    data["thresholds"]["caseness"] = 10
    found = problems(data)
    assert "risk_flags[0].item 'q9' is not one of the items" in found
    assert "thresholds.caseness must be between 1 and 9" in found


def test_it_refuses_thresholds_without_a_source_or_verified_flag():
    data = definition()
    del data["thresholds"]["source"]
    del data["thresholds"]["verified"]
    found = problems(data)
    assert "thresholds is missing the key 'source'" in found
    assert "thresholds is missing the key 'verified'" in found


def test_it_refuses_a_definition_that_is_not_an_object():
    assert problems([1, 2]) == ["the definition must be an object"]


def test_it_refuses_a_broken_json_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"code": "X",', encoding="utf-8")
    with pytest.raises(InvalidDefinition, match="broken.json is not valid JSON"):
        instruments.load_file(path)


def test_it_refuses_a_file_with_overlapping_bands(tmp_path):
    data = copy.deepcopy(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    data["bands"] = [
        {"lowest": 0, "highest": 12, "label": "lower"},
        {"lowest": 12, "highest": 24, "label": "upper"},
    ]
    path = tmp_path / "phobia.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InvalidDefinition, match="bands overlap"):
        instruments.load_file(path)


def test_it_refuses_wording_for_an_item_the_instrument_does_not_have():
    wording = instruments.wording_from_data(
        {"language": "en", "source": "x", "licence": "y", "items": {"q6": {"text": "Extra"}}}
    )
    with pytest.raises(InvalidDefinition, match="names item 'q6', which WSAS does not have"):
        instruments.get("WSAS").with_wording(wording)


def test_it_refuses_wording_that_names_a_missing_option_set():
    with pytest.raises(InvalidDefinition, match="names no option set: 'scale'"):
        instruments.wording_from_data(
            {
                "language": "en",
                "source": "x",
                "licence": "y",
                "items": {"q1": {"text": "Work", "options": "scale"}},
            }
        )
