"""Set-up shared by the questionnaire and risk-alert tests.

Every test runs on Tuesday 24 November 2026 at 09:00, London time. Tessa's client has attended
five weekly treatment sessions; the sixth (middle phase) is today at 10:00.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from ipt.courses.tests.factories import add_appointment

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=LONDON)
TODAY_AT_TEN = dt.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)


def sixth_session(course):
    """Five attended weekly sessions before today, and today's (not yet recorded) at 10:00."""
    for week in range(5, 0, -1):
        add_appointment(course, starts_at=TODAY_AT_TEN - dt.timedelta(weeks=week))
    return add_appointment(course, starts_at=TODAY_AT_TEN, attendance="")


def phq9(q9: int = 0, *, each: int = 1, leave_out: tuple[str, ...] = ()) -> dict[str, int]:
    """PHQ-9 answers: `each` for questions 1–8, `q9` for question 9, 'somewhat difficult'."""
    answers = {f"q{n}": each for n in range(1, 9)} | {"q9": q9, "q10": 1}
    return {key: value for key, value in answers.items() if key not in leave_out}


def gad7(each: int = 1) -> dict[str, int]:
    return {f"q{n}": each for n in range(1, 8)}


def wsas(each: int = 2, *, not_working: bool = False) -> dict[str, int]:
    answers = {f"q{n}": each for n in range(1, 6)}
    if not_working:
        del answers["q1"]
        answers["work_not_applicable"] = 1
    return answers


def form_data(
    answers_by_code: dict[str, dict[str, int]], *, entry_mode="therapist_in_session", **extra
) -> dict[str, str]:
    """POST data for the questionnaires page or the correction page."""
    data = {"entry_mode": entry_mode}
    for code, answers in answers_by_code.items():
        for key, value in answers.items():
            if key == "work_not_applicable":
                data[f"{code}-q1"] = "not_applicable"
            else:
                data[f"{code}-{key}"] = str(value)
    return data | extra
