"""Phases, progress labels, contract checks and status moves: worked examples, boundaries included."""

import pytest

from ipt.courses.rules import (
    END_REASONS,
    ENDED_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    ContractTerms,
    CourseStatus,
    Phase,
    Progress,
    TransitionRefused,
    check_transition,
    consecutive_non_attendances,
    counts_as_attended,
    phase_for,
)

DEFAULT = ContractTerms(planned_sessions=16, initial_last=4, middle_last=12, ending_named_at=12)
SHORT = ContractTerms(planned_sessions=12, initial_last=3, middle_last=9, ending_named_at=9)

INI, MID, END = Phase.INITIAL, Phase.MIDDLE, Phase.ENDING


@pytest.mark.parametrize(
    ("session", "phase"),
    list(zip(range(1, 17), [INI] * 4 + [MID] * 8 + [END] * 4, strict=True)),
)
def test_it_puts_each_session_of_the_default_contract_in_its_phase(session, phase):
    assert phase_for(session, DEFAULT) == phase


@pytest.mark.parametrize(
    ("session", "phase"),
    list(zip(range(1, 13), [INI] * 3 + [MID] * 6 + [END] * 3, strict=True)),
)
def test_it_follows_a_custom_contract_of_12_sessions(session, phase):
    assert phase_for(session, SHORT) == phase


@pytest.mark.parametrize("session", [17, 18, 25])
def test_it_counts_sessions_beyond_the_plan_as_ending(session):
    assert phase_for(session, DEFAULT) == Phase.ENDING


def test_it_refuses_a_session_number_below_one():
    with pytest.raises(ValueError, match="start at 1"):
        phase_for(0, DEFAULT)


def test_it_labels_phases_in_words():
    assert [phase.label for phase in Phase] == ["initial phase", "middle phase", "ending phase"]


@pytest.mark.parametrize(
    ("attended", "label", "remaining", "signalled"),
    [
        (0, "Session 1 of 16 · initial phase", 16, False),
        (1, "Session 1 of 16 · initial phase", 15, False),
        (4, "Session 4 of 16 · initial phase", 12, False),
        (5, "Session 5 of 16 · middle phase", 11, False),
        (6, "Session 6 of 16 · middle phase", 10, False),
        (11, "Session 11 of 16 · middle phase", 5, False),
        (12, "Session 12 of 16 · middle phase", 4, True),
        (13, "Session 13 of 16 · ending phase", 3, True),
        (16, "Session 16 of 16 · ending phase", 0, True),
        (17, "Session 17 of 16 · ending phase", 0, True),
    ],
)
def test_it_describes_progress_against_the_default_contract(attended, label, remaining, signalled):
    progress = Progress(attended=attended, terms=DEFAULT)
    assert progress.label == label
    assert progress.remaining == remaining
    assert progress.ending_signalled is signalled


def test_it_signals_the_ending_from_the_session_a_custom_contract_names():
    terms = ContractTerms(planned_sessions=12, initial_last=3, middle_last=9, ending_named_at=10)
    assert not Progress(attended=9, terms=terms).ending_signalled
    assert Progress(attended=10, terms=terms).ending_signalled
    assert Progress(attended=10, terms=terms).label == "Session 10 of 12 · ending phase"
    assert Progress(attended=10, terms=terms).phase == Phase.ENDING


def test_it_finds_nothing_wrong_with_the_default_and_custom_contracts():
    assert DEFAULT.problems() == []
    assert SHORT.problems() == []


@pytest.mark.parametrize("planned", [8, 20])
def test_it_accepts_8_and_20_planned_sessions(planned):
    terms = ContractTerms(
        planned_sessions=planned,
        initial_last=2,
        middle_last=planned - 2,
        ending_named_at=planned - 2,
    )
    assert terms.problems() == []


@pytest.mark.parametrize("planned", [7, 21])
def test_it_refuses_fewer_than_8_or_more_than_20_planned_sessions(planned):
    terms = ContractTerms(
        planned_sessions=planned,
        initial_last=2,
        middle_last=planned - 2,
        ending_named_at=planned - 2,
    )
    assert terms.problems() == ["The planned number of sessions must be between 8 and 20"]


PHASE_ORDER = (
    "The initial phase must end before the middle phase, and the middle phase before the last "
    "session"
)


@pytest.mark.parametrize(
    ("initial_last", "middle_last"),
    [(0, 12), (12, 12), (13, 12), (4, 16), (4, 17)],
)
def test_it_refuses_phases_out_of_order(initial_last, middle_last):
    terms = ContractTerms(
        planned_sessions=16,
        initial_last=initial_last,
        middle_last=middle_last,
        ending_named_at=min(middle_last, 16),
    )
    assert PHASE_ORDER in terms.problems()


@pytest.mark.parametrize(
    ("named", "ok"), [(10, False), (11, True), (12, True), (16, True), (17, False)]
)
def test_it_wants_the_ending_named_late_in_the_middle_phase_or_in_the_ending(named, ok):
    terms = ContractTerms(
        planned_sessions=16, initial_last=4, middle_last=12, ending_named_at=named
    )
    expected = (
        [] if ok else ["Name the ending in the last part of the middle phase or in the ending"]
    )
    assert terms.problems() == expected


def test_it_lists_every_problem_at_once():
    terms = ContractTerms(planned_sessions=22, initial_last=5, middle_last=4, ending_named_at=1)
    assert len(terms.problems()) == 3


def test_it_splits_statuses_into_open_and_ended():
    assert {CourseStatus.ASSESSMENT, CourseStatus.TREATMENT} == OPEN_STATUSES
    assert set(END_REASONS) == ENDED_STATUSES


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("assessment", "treatment"),
        ("assessment", "dropped_out"),
        ("assessment", "referred_on"),
        ("assessment", "withdrawn"),
        ("treatment", "completed"),
        ("treatment", "dropped_out"),
        ("treatment", "referred_on"),
        ("treatment", "withdrawn"),
    ],
)
def test_it_allows_the_moves_of_the_course_rules(current, target):
    target = CourseStatus(target)
    reason = next(iter(END_REASONS[target])) if target in END_REASONS else ""
    check_transition(CourseStatus(current), target, reason)


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        ("assessment", "completed", "A course that is assessment cannot become completed"),
        ("assessment", "assessment", "cannot become assessment"),
        ("treatment", "assessment", "A course that is treatment cannot become assessment"),
        ("treatment", "treatment", "cannot become treatment"),
        ("completed", "treatment", "A course that is completed cannot become treatment"),
        ("dropped_out", "completed", "A course that is dropped out cannot become completed"),
        ("referred_on", "withdrawn", "cannot become withdrawn"),
        ("withdrawn", "treatment", "cannot become treatment"),
    ],
)
def test_it_refuses_other_moves(current, target, message):
    with pytest.raises(TransitionRefused, match=message):
        check_transition(CourseStatus(current), CourseStatus(target), "planned_ending")


def test_it_lets_no_ended_course_move_again():
    assert all(TRANSITIONS[status] == frozenset() for status in ENDED_STATUSES)


@pytest.mark.parametrize("reason", ["", "moved_away", "no_such_reason"])
def test_it_needs_a_reason_coded_for_that_ending(reason):
    with pytest.raises(TransitionRefused, match="Select the reason the course ended"):
        check_transition(CourseStatus.TREATMENT, CourseStatus.COMPLETED, reason)


def test_it_needs_no_reason_to_start_treatment():
    check_transition(CourseStatus.ASSESSMENT, CourseStatus.TREATMENT)


@pytest.mark.parametrize(
    ("code", "attended"),
    [
        ("5", True),
        ("6", True),
        ("7", False),
        ("2", False),
        ("3", False),
        ("4", False),
        (None, False),
    ],
)
def test_it_counts_codes_5_and_6_as_attended(code, attended):
    assert counts_as_attended(code) is attended


@pytest.mark.parametrize(
    ("codes", "run"),
    [
        ([], 0),
        (["5", "3"], 1),
        (["5", "3", "7"], 2),
        (["3", "3", "5"], 0),
        (["3", "2", "3"], 2),
        (["3", "4", "3", None], 2),
        (["3", "6", "3"], 1),
        ([None, None], 0),
    ],
)
def test_it_counts_the_latest_missed_sessions_in_a_row(codes, run):
    assert consecutive_non_attendances(codes) == run
