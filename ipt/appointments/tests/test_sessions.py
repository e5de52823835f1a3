"""Session numbers, worked examples: no database needed."""

from dataclasses import dataclass

from ipt.appointments.sessions import number_sessions
from ipt.courses.rules import ContractTerms, Phase

SIXTEEN = ContractTerms(planned_sessions=16, initial_last=4, middle_last=12, ending_named_at=12)


@dataclass
class Seen:
    kind: str
    attendance: str


def _labels(appointments, terms=SIXTEEN):
    return [n.label for n in number_sessions(appointments, terms)]


def test_it_numbers_attended_treatment_sessions_in_order():
    appointments = [Seen("treatment", "5"), Seen("treatment", "6"), Seen("treatment", "5")]
    assert _labels(appointments) == ["Session 1", "Session 2", "Session 3"]


def test_it_gives_missed_and_cancelled_sessions_no_number():
    appointments = [
        Seen("treatment", "5"),
        Seen("treatment", "3"),
        Seen("treatment", "7"),
        Seen("treatment", "2"),
        Seen("treatment", "4"),
        Seen("treatment", "5"),
    ]
    assert _labels(appointments) == ["Session 1", "", "", "", "", "Session 2"]


def test_it_projects_the_number_of_sessions_not_yet_recorded():
    appointments = [
        Seen("treatment", "5"),
        Seen("treatment", "5"),
        Seen("treatment", "3"),
        Seen("treatment", ""),
        Seen("treatment", ""),
    ]
    numbers = number_sessions(appointments, SIXTEEN)
    assert [n.label for n in numbers] == ["Session 1", "Session 2", "", "Session 3", "Session 4"]
    assert [n.projected for n in numbers] == [False, False, False, True, True]


def test_it_numbers_boosters_on_their_own():
    appointments = [
        Seen("treatment", "5"),
        Seen("treatment", "5"),
        Seen("booster", "5"),
        Seen("booster", "3"),
        Seen("booster", ""),
    ]
    assert _labels(appointments) == ["Session 1", "Session 2", "Booster 1", "", "Booster 2"]


def test_it_gives_other_kinds_no_number():
    appointments = [
        Seen("assessment", "5"),
        Seen("treatment", "5"),
        Seen("review", "5"),
        Seen("follow_up", ""),
        Seen("treatment", ""),
    ]
    assert _labels(appointments) == ["", "Session 1", "", "", "Session 2"]


def test_it_gives_each_treatment_session_its_phase_at_the_boundaries():
    appointments = [Seen("treatment", "5") for _ in range(17)]
    phases = [n.phase for n in number_sessions(appointments, SIXTEEN)]
    assert phases[3] == Phase.INITIAL  # session 4
    assert phases[4] == Phase.MIDDLE  # session 5
    assert phases[11] == Phase.MIDDLE  # session 12
    assert phases[12] == Phase.ENDING  # session 13
    assert phases[16] == Phase.ENDING  # session 17, past the plan
    assert number_sessions(appointments, SIXTEEN)[5].label_with_phase == "Session 6 · middle phase"


def test_it_gives_boosters_no_phase():
    numbers = number_sessions([Seen("booster", "5")], SIXTEEN)
    assert numbers[0].phase is None
    assert numbers[0].label_with_phase == "Booster 1"


def test_it_numbers_without_a_contract():
    numbers = number_sessions([Seen("treatment", "5")])
    assert numbers[0].label == "Session 1" and numbers[0].phase is None
