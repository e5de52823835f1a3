"""Worked examples for the built-in instruments: bands at every boundary, completeness, refusals,
risk flags, codes and wording (domain §6, §8.3, §10)."""

import pytest

from ipt.measures import instruments
from ipt.measures.instruments import InvalidAnswers, UnknownInstrument

PHQ9 = instruments.get("PHQ9")
GAD7 = instruments.get("GAD7")
WSAS = instruments.get("WSAS")


def spread(total: int, item_ids: list[str], highest: int) -> dict[str, int]:
    """Answers adding up to `total`, filling items in order."""
    answers = {}
    for item_id in item_ids:
        answers[item_id] = min(highest, total)
        total -= answers[item_id]
    assert total == 0
    return answers


def phq9_answers(total: int, difficulty: int | None = 1) -> dict[str, int]:
    answers = spread(total, [f"q{n}" for n in range(1, 10)], 3)
    if difficulty is not None:
        answers["q10"] = difficulty
    return answers


def test_it_finds_the_built_in_instruments_by_code():
    assert [instruments.get(code).name for code in ("PHQ9", "GAD7", "WSAS")] == [
        "PHQ-9",
        "GAD-7",
        "WSAS",
    ]


def test_it_names_the_registered_codes_when_a_code_is_unknown():
    with pytest.raises(UnknownInstrument, match="PHQ9, GAD7, WSAS"):
        instruments.get("BDI")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_it_bands_phq9_totals_at_every_boundary(total, band):
    answers = phq9_answers(total)
    assert PHQ9.total_score(answers) == total
    assert PHQ9.severity(total) == band


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_it_bands_gad7_totals_at_every_boundary(total, band):
    answers = spread(total, [f"q{n}" for n in range(1, 8)], 3)
    assert GAD7.total_score(answers) == total
    assert GAD7.severity(total) == band


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "subclinical"),
        (9, "subclinical"),
        (10, "significant functional impairment"),
        (20, "significant functional impairment"),
        (21, "moderately severe or worse"),
        (40, "moderately severe or worse"),
    ],
)
def test_it_bands_wsas_totals_as_mundt_2002(total, band):
    answers = spread(total, [f"q{n}" for n in range(1, 6)], 8)
    assert WSAS.total_score(answers) == total
    assert WSAS.severity(total) == band


def test_it_refuses_a_severity_outside_the_range():
    with pytest.raises(ValueError, match="outside the PHQ-9 range 0 to 27"):
        PHQ9.severity(28)
    with pytest.raises(ValueError, match="outside"):
        GAD7.severity(-1)


def test_it_knows_each_maximum():
    assert (PHQ9.max_score(), GAD7.max_score(), WSAS.max_score()) == (27, 21, 40)


def test_it_requires_phq9_item_10_once_any_symptom_is_scored():
    answers = phq9_answers(1, difficulty=None)
    assert not PHQ9.is_complete(answers)
    assert PHQ9.total_score(answers) is None
    assert PHQ9.total_score({**answers, "q10": 0}) == 1


def test_it_does_not_require_phq9_item_10_when_every_symptom_is_0():
    answers = phq9_answers(0, difficulty=None)
    assert PHQ9.is_complete(answers)
    assert PHQ9.total_score(answers) == 0
    assert PHQ9.total_score({**answers, "q10": 0}) == 0


def test_it_leaves_phq9_item_10_out_of_the_total():
    assert PHQ9.total_score(phq9_answers(12, difficulty=3)) == 12
    assert not PHQ9.item("q10").scored


def test_it_never_prorates_a_missing_item():
    answers = phq9_answers(27)
    del answers["q4"]
    assert not PHQ9.is_complete(answers)
    assert PHQ9.total_score(answers) is None
    assert GAD7.total_score({"q1": 3, "q2": 3}) is None


def test_it_scores_wsas_without_the_work_item_when_not_working():
    answers = {"work_not_applicable": 1, "q2": 8, "q3": 8, "q4": 8, "q5": 8}
    assert WSAS.is_complete(answers)
    assert WSAS.total_score(answers) == 32
    assert WSAS.max_score(answers) == 32
    assert WSAS.severity(32) == "moderately severe or worse"


def test_it_refuses_the_work_item_when_it_does_not_apply():
    with pytest.raises(InvalidAnswers, match="q1 \\(work\\) must be left out"):
        WSAS.total_score({"work_not_applicable": 1, "q1": 0, "q2": 1, "q3": 1, "q4": 1, "q5": 1})


def test_it_requires_the_work_item_when_working():
    answers = {"q2": 4, "q3": 4, "q4": 4, "q5": 4}
    assert not WSAS.is_complete(answers)
    assert not WSAS.is_complete({**answers, "work_not_applicable": 0})
    assert WSAS.total_score({**answers, "work_not_applicable": 0, "q1": 4}) == 20
    assert WSAS.max_score({"work_not_applicable": 0}) == 40


def test_it_refuses_a_not_working_marker_other_than_0_or_1():
    with pytest.raises(InvalidAnswers, match="work_not_applicable must be one of 0, 1, not 2"):
        WSAS.check({"work_not_applicable": 2})


@pytest.mark.parametrize(
    ("instrument", "answers", "message"),
    [
        (PHQ9, {"q1": 4}, "PHQ-9 q1 must be from 0 to 3, not 4"),
        (PHQ9, {"q1": -1}, "PHQ-9 q1 must be from 0 to 3, not -1"),
        (PHQ9, {"q11": 1}, "PHQ-9 has no item 'q11'"),
        (PHQ9, {"q10": 4}, "PHQ-9 q10 must be from 0 to 3, not 4"),
        (GAD7, {"q8": 0}, "GAD-7 has no item 'q8'"),
        (GAD7, {"q1": "2"}, "GAD-7 q1 must be a whole number, not '2'"),
        (GAD7, {"q1": 1.0}, "GAD-7 q1 must be a whole number, not 1.0"),
        (GAD7, {"q1": True}, "GAD-7 q1 must be a whole number, not True"),
        (WSAS, {"q5": 9}, "WSAS q5 must be from 0 to 8, not 9"),
        (WSAS, {"work": 3}, "WSAS has no item 'work'"),
    ],
)
def test_it_refuses_unknown_items_and_values_out_of_range(instrument, answers, message):
    for action in (instrument.check, instrument.is_complete, instrument.total_score):
        with pytest.raises(InvalidAnswers) as refusal:
            action(answers)
        assert str(refusal.value) == message


def test_it_refuses_a_full_form_with_one_value_out_of_range_rather_than_summing_it():
    answers = {**{f"q{n}": 1 for n in range(1, 8)}, "q7": 5}
    with pytest.raises(InvalidAnswers):
        GAD7.total_score(answers)


def test_it_raises_the_item_9_flag_at_1_or_more():
    assert PHQ9.risk_flags(phq9_answers(0)) == []
    for value in (1, 2, 3):
        assert PHQ9.risk_flags({**phq9_answers(0), "q9": value, "q10": 0}) == ["PHQ9_Q9"]


def test_it_raises_the_item_9_flag_from_item_9_alone_when_the_form_is_incomplete():
    assert PHQ9.risk_flags({"q9": 2}) == ["PHQ9_Q9"]
    assert PHQ9.total_score({"q9": 2}) is None


def test_it_keeps_the_item_9_flag_when_another_item_is_out_of_range():
    answers = {"q1": 7, "q9": 1}
    with pytest.raises(InvalidAnswers):
        PHQ9.total_score(answers)
    assert PHQ9.risk_flags(answers) == ["PHQ9_Q9"]


def test_it_refuses_an_item_9_value_it_cannot_read():
    with pytest.raises(InvalidAnswers, match="q9 must be from 0 to 3, not 4"):
        PHQ9.risk_flags({"q9": 4})


def test_it_raises_no_risk_flags_on_gad7_or_wsas():
    assert GAD7.risk_flags({f"q{n}": 3 for n in range(1, 8)}) == []
    assert WSAS.risk_flags({f"q{n}": 8 for n in range(1, 6)}) == []


def test_it_carries_the_phq9_codes():
    codes = PHQ9.codes
    assert (codes.loinc_panel, codes.loinc_total, codes.snomed_total) == (
        "44249-1",
        "44261-6",
        "720433000",
    )
    assert codes.item_loinc["q9"] == "44260-8"
    assert codes.item_loinc["q10"] == "69722-7"
    assert [codes.item_loinc[f"q{n}"] for n in range(1, 9)] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
    ]


def test_it_carries_the_gad7_codes():
    codes = GAD7.codes
    assert (codes.loinc_panel, codes.loinc_total, codes.snomed_total) == (
        "69737-5",
        "70274-6",
        "445455005",
    )
    assert [codes.item_loinc[f"q{n}"] for n in range(1, 8)] == [
        "69725-0",
        "68509-9",
        "69733-4",
        "69734-2",
        "69735-9",
        "69689-8",
        "69736-7",
    ]


def test_it_leaves_wsas_codes_empty_with_a_note():
    codes = WSAS.codes
    assert (codes.loinc_panel, codes.loinc_total, codes.snomed_total) == ("", "", "")
    assert "[U]" in codes.note


def test_it_ships_the_phq9_wording_with_its_source_and_licence():
    assert PHQ9.wording is not None
    assert "No permission required" in PHQ9.wording.licence
    assert PHQ9.wording.instructions == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert PHQ9.item("q9").text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert [o.label for o in PHQ9.item("q1").options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert [o.label for o in PHQ9.item("q10").options][0] == "Not difficult at all"
    assert all(item.text for item in PHQ9.items)


def test_it_ships_gad7_with_not_at_all_as_the_lowest_answer():
    assert GAD7.wording is not None
    assert all(item.options[0].label == "Not at all" for item in GAD7.items)
    assert all(item.options[0].value == 0 for item in GAD7.items)
    labels = {o.label for item in GAD7.items for o in item.options}
    assert labels == {"Not at all", "Several days", "More than half the days", "Nearly every day"}
    assert GAD7.item("q2").text == "Not being able to stop or control worrying"


def test_it_ships_no_wsas_wording_only_short_labels():
    assert [item.label for item in WSAS.items] == [
        "work",
        "home management",
        "social leisure activities",
        "private leisure activities",
        "close relationships",
    ]
    assert all(item.text == "" and item.options == () for item in WSAS.items)
    assert "not clearly permitted" in WSAS.licence


def test_it_adds_licensed_wsas_wording_a_service_provides():
    wording = instruments.wording_from_data(
        {
            "language": "en-GB",
            "source": "A service's licensed copy",
            "licence": "Permission from the copyright holder, letter of 2026-10-01",
            "option_sets": {"impairment": [{"value": 0, "label": "Not at all"}]},
            "items": {"q1": {"text": "Work text", "options": "impairment"}},
        }
    )
    worded = WSAS.with_wording(wording)
    assert worded.item("q1").text == "Work text"
    assert worded.item("q1").options[0].label == "Not at all"
    assert worded.total_score({f"q{n}": 2 for n in range(1, 6)}) == 10
    assert WSAS.item("q1").text == ""


def test_it_gives_every_built_in_band_list_a_cover_of_0_to_the_maximum():
    for code in instruments.BUILT_IN:
        instrument = instruments.get(code)
        covered = [n for band in instrument.bands for n in range(band.lowest, band.highest + 1)]
        assert covered == list(range(instrument.max_score() + 1))
