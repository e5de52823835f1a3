"""One question per page in the portal: which questions a client is asked, in what order, and
what the pages show. Pure: no queries.

The questions asked follow the instrument's `required()`, so PHQ-9 question 10 is asked only once
questions 1 to 9 add up to more than 0, and WSAS's work question offers "not working".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .instruments.base import Instrument, Item
from .presenters import NOT_WORKING, NOT_WORKING_TEXT, item_number, item_wording, options

NOT_APPLICABLE = "not_applicable"  # the radio value for WSAS's "not working" answer


def offers_not_working(instrument: Instrument, item_id: str) -> bool:
    """WSAS's work question may be answered 'not working for unrelated reasons'."""
    return NOT_WORKING in instrument.permitted({NOT_WORKING: 0}) and item_id not in (
        instrument.permitted({NOT_WORKING: 1})
    )


def questions(instrument: Instrument, answers: Mapping[str, int]) -> list[Item]:
    """The questions to ask, in order, given the answers so far."""
    required = set(instrument.required(answers))
    return [
        item
        for item in instrument.items
        if item.id in required or offers_not_working(instrument, item.id)
    ]


def is_answered(instrument: Instrument, item: Item, answers: Mapping[str, int]) -> bool:
    if offers_not_working(instrument, item.id) and answers.get(NOT_WORKING) == 1:
        return True
    return item.id in answers


def first_unanswered(instrument: Instrument, answers: Mapping[str, int]) -> Item | None:
    """Where a client resumes: the first question still to answer (None when all are)."""
    for item in questions(instrument, answers):
        if not is_answered(instrument, item, answers):
            return item
    return None


def can_ask(instrument: Instrument, answers: Mapping[str, int], item_id: str) -> bool:
    """A question may be shown if it is asked and nothing before it is unanswered."""
    for item in questions(instrument, answers):
        if item.id == item_id:
            return True
        if not is_answered(instrument, item, answers):
            return False
    return False


def neighbour(
    instrument: Instrument, answers: Mapping[str, int], item_id: str, step: int
) -> Item | None:
    """The question before (step -1) or after (step 1) this one, if there is one."""
    asked = questions(instrument, answers)
    ids = [item.id for item in asked]
    if item_id not in ids:
        return None
    position = ids.index(item_id) + step
    return asked[position] if 0 <= position < len(asked) else None


def choices(instrument: Instrument, item: Item) -> list[tuple[str, str]]:
    """The radios for a question: its answer wording, or numbers where none is held."""
    found = [(str(value), text) for value, text in options(item)]
    if offers_not_working(instrument, item.id):
        found.append((NOT_APPLICABLE, NOT_WORKING_TEXT))
    return found


def current_choice(instrument: Instrument, item: Item, answers: Mapping[str, int]) -> str | None:
    if offers_not_working(instrument, item.id) and answers.get(NOT_WORKING) == 1:
        return NOT_APPLICABLE
    value = answers.get(item.id)
    return None if value is None else str(value)


def with_answer(
    instrument: Instrument, answers: Mapping[str, int], item_id: str, choice: str
) -> dict[str, int]:
    """The answers with this question answered (`choice` is a radio value)."""
    updated = dict(answers)
    if offers_not_working(instrument, item_id):
        updated.pop(NOT_WORKING, None)
        if choice == NOT_APPLICABLE:
            updated.pop(item_id, None)
            updated[NOT_WORKING] = 1
            return updated
    updated[item_id] = int(choice)
    return updated


def to_submit(instrument: Instrument, answers: Mapping[str, int]) -> dict[str, int]:
    """The answers as stored: without any the instrument no longer asks (e.g. PHQ-9 question
    10 answered before questions 1 to 9 were all changed to 'Not at all')."""
    asked = {item.id for item in questions(instrument, answers)}
    known = {item.id for item in instrument.items}
    return {key: value for key, value in answers.items() if key in asked or key not in known}


def instructions_for(instrument: Instrument, item: Item) -> str:
    """The questionnaire's instructions ("Over the last 2 weeks…") on the questions they
    introduce: those answered on the same scale as the first (not PHQ-9 question 10)."""
    if instrument.wording is None or not instrument.wording.instructions:
        return ""
    return instrument.wording.instructions if item.options == instrument.items[0].options else ""


def question_heading(instrument: Instrument, item: Item) -> str:
    return item_wording(item)


def question_caption(instrument: Instrument, answers: Mapping[str, int], item: Item) -> str:
    """'PHQ-9: question 3 of 9'. The count is of the questions asked with these answers."""
    asked = questions(instrument, answers)
    total = len(asked)
    ids = [i.id for i in asked]
    position = ids.index(item.id) + 1 if item.id in ids else item_number(instrument, item.id)
    return f"{instrument.name}: question {position} of {total}"


def answer_text(instrument: Instrument, item: Item, answers: Mapping[str, int]) -> str:
    choice = current_choice(instrument, item, answers)
    return dict(choices(instrument, item)).get(choice or "", "Not answered")


def check_rows(
    instrument: Instrument, answers: Mapping[str, int], change_href: Any
) -> list[dict[str, Any]]:
    """Summary-list rows for 'Check your answers', each with a Change link.
    `change_href(item_id)` gives the link."""
    return [
        {
            "key": {"text": question_heading(instrument, item)},
            "value": {"text": answer_text(instrument, item, answers)},
            "actions": {
                "items": [
                    {
                        "href": change_href(item.id),
                        "text": "Change",
                        "visuallyHiddenText": f"your answer to question {position}",
                    }
                ]
            },
        }
        for position, item in enumerate(questions(instrument, answers), start=1)
    ]


def has_risk(instrument: Instrument, answers: Mapping[str, int]) -> bool:
    """Answers that raise a risk flag (PHQ-9 question 9 above 'Not at all'): the client sees
    the crisis information at once."""
    return bool(instrument.risk_flags(answers))
