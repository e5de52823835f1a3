"""Answers that add up to a chosen total, for outcome examples."""


def phq9_total(total: int) -> dict[str, int]:
    """PHQ-9 answers adding up to `total` (question 9 kept at 0)."""
    answers, left = {}, total
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, left)
        left -= answers[f"q{n}"]
    assert left == 0
    return answers | {"q9": 0, "q10": 1 if total else 0}


def gad7_total(total: int) -> dict[str, int]:
    answers, left = {}, total
    for n in range(1, 8):
        answers[f"q{n}"] = min(3, left)
        left -= answers[f"q{n}"]
    assert left == 0
    return answers
