"""Display values for supervision, worked through by hand."""

from ipt.courses.rules import ContractTerms, Progress
from ipt.measures.outcomes import Rate, outcome, rates
from ipt.supervision import presenters

TERMS = ContractTerms(planned_sessions=16, initial_last=4, middle_last=12, ending_named_at=12)


def test_it_says_which_session_of_how_many():
    assert presenters.session_text(Progress(attended=6, terms=TERMS)) == "Session 6 of 16"
    assert presenters.session_text(Progress(attended=0, terms=TERMS)) == (
        "No sessions yet (16 planned)"
    )


def test_it_lists_the_latest_scores_in_a_fixed_order():
    assert presenters.scores_text({"GAD7": 9, "PHQ9": 14}) == "PHQ-9 14, GAD-7 9"
    assert presenters.scores_text({"GAD7": 9}) == "GAD-7 9"
    assert presenters.scores_text({}) == "None yet"


def test_a_rate_shows_its_denominator_and_a_zero_denominator_is_not_a_percentage():
    assert presenters.rate_text(Rate(2, 3)) == "2 of 3 (67%)"
    assert presenters.rate_text(Rate(0, 4)) == "0 of 4 (0%)"
    assert presenters.rate_text(Rate(0, 0)) == "None to count (0 of 0)"


def test_the_finished_count_names_those_outside_recovery_denominators():
    unpaired = outcome(
        ended=True, attended_treatment_appointments=3, problem_descriptor="depression", scores={}
    )
    not_at_caseness = outcome(
        ended=True,
        attended_treatment_appointments=3,
        problem_descriptor="depression",
        scores={"PHQ9": (5, 3), "GAD7": (4, 2)},
    )

    assert presenters.finished_text(rates([])) == "0 finished courses"
    assert presenters.finished_text(rates([unpaired])) == (
        "1 finished course (1 without paired scores)"
    )
    assert presenters.finished_text(rates([unpaired, not_at_caseness])) == (
        "2 finished courses (1 not at caseness at the start, 1 without paired scores)"
    )


def test_rate_rows_name_each_denominator():
    rows = presenters.rate_rows(rates([]))

    assert [row["measure"] for row in rows] == [
        "Recovery",
        "Reliable recovery",
        "Reliable improvement",
        "Reliable deterioration",
    ]
    assert rows[0]["of"] == "finished courses at caseness at the start"
    assert rows[2]["of"] == "all finished courses"


def test_note_text_keeps_its_paragraphs():
    text = "First line\r\nsame paragraph.\r\n\r\nSecond paragraph.\n\n\n"
    assert presenters.paragraphs(text) == ["First line same paragraph.", "Second paragraph."]
