"""Display values for questionnaire responses and risk alerts. Pure: no queries (views prefetch).

Risk is shown item by item, in the client's own answer: never as a risk score, and never with a
low/medium/high label (NICE NG225; domain §8.3).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone

from ipt.core.dates import long_date, long_datetime, time_of_day

from . import instruments
from .instruments.base import Instrument, Item
from .models import EntryMode, Response, RiskAlert

NOT_WORKING = "work_not_applicable"  # the WSAS key for "not working, for unrelated reasons"
NOT_WORKING_TEXT = "Not applicable: not working for reasons unrelated to the problem"
ALERT_ADVICE = "Talk to the client about their safety before or at the session."
ENTRY_MODES = dict(EntryMode.choices)


def instrument_for(code: str) -> Instrument | None:
    try:
        return instruments.get(code)
    except LookupError:
        return None


def instrument_name(instrument: Instrument | None, code: str = "") -> str:
    """'PHQ-9', 'GAD-7', 'WSAS'."""
    return instrument.name if instrument is not None else code


def item_number(instrument: Instrument, item_id: str) -> int:
    """The question's number as the client sees it: its place in the questionnaire."""
    for position, item in enumerate(instrument.items, start=1):
        if item.id == item_id:
            return position
    return 0


def item_wording(item: Item) -> str:
    """The question as asked where the licence allows, otherwise its short label."""
    return item.text or item.label[:1].upper() + item.label[1:]


def item_legend(instrument: Instrument, item: Item) -> str:
    """'9. Thoughts that you would be better off dead…', for a radios legend."""
    return f"{item_number(instrument, item.id)}. {item_wording(item)}"


def options(item: Item) -> list[tuple[int, str]]:
    """(value, text) for each answer: 'Several days', or the number where no wording is held."""
    words = {option.value: option.label for option in item.options}
    return [(value, words[value] if value in words else str(value)) for value in item.values]


def answer_text(item: Item, value: int | None) -> str:
    if value is None:
        return "Not answered"
    words = {option.value: option.label for option in item.options}
    return f"{words[value]} ({value})" if value in words else str(value)


def _join(parts: Sequence[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def missing_items(instrument: Instrument, answers: Mapping[str, int]) -> list[Item]:
    """The items a complete form needs that these answers leave out."""
    required = getattr(instrument, "required", None)
    needed = set(required(answers)) if callable(required) else {i.id for i in instrument.items}
    return [item for item in instrument.items if item.id in needed and item.id not in answers]


def incomplete_reason(instrument: Instrument, answers: Mapping[str, int]) -> str:
    """'Not answered: question 3 (sleep) and question 10 (difficulty)'."""
    missing = missing_items(instrument, answers)
    if not answers:
        return "No questions were answered"
    if not missing:
        return "Some answers are missing"
    return "Not answered: " + _join(
        [f"question {item_number(instrument, item.id)} ({item.label})" for item in missing]
    )


def _flag_item(instrument: Instrument, flag: str) -> Item | None:
    for rule in getattr(instrument, "flag_rules", ()):
        if rule.code == flag:
            return instrument.item(rule.item)
    return None


def flag_text(instrument: Instrument | None, flag: str, answers: Mapping[str, int]) -> str:
    """The flagged question and the answer given, e.g. PHQ-9 question 9 (thoughts that you would
    be better off dead…): answered 'Several days'."""
    item = _flag_item(instrument, flag) if instrument is not None else None
    if instrument is None or item is None:
        return f"Risk flag {flag}"
    wording = item_wording(item)
    value = answers.get(item.id)
    words = {option.value: option.label for option in item.options}
    answered = words.get(value, str(value)) if value is not None else "not answered"
    return (
        f"{instrument.name} question {item_number(instrument, item.id)} "
        f"({wording[:1].lower()}{wording[1:]}): answered '{answered}'"
    )


def alert_summary(alert: RiskAlert) -> str:
    """What raised the alert, for the audit log: which question and the answer, no score. An
    alert on a client's online answers the response does not hold says so (its `note`)."""
    response = alert.response
    answers = alert.answers or response.answers
    text = flag_text(instrument_for(response.instrument_code), alert.flag, answers)
    return f"{text} ({alert.note})" if alert.note else text


def alert_message(alert: RiskAlert) -> str:
    """The alert as staff read it, with the day the client answered and what to do."""
    answered_on = long_date(timezone.localtime(alert.response.effective_at).date())
    return f"{alert_summary(alert)} on {answered_on}. {ALERT_ADVICE}"


def alert_status(alert: RiskAlert) -> str:
    if alert.acknowledged_at is not None:
        by = alert.acknowledged_by.display_name if alert.acknowledged_by else ""
        return f"Acknowledged by {by} on {long_datetime(alert.acknowledged_at)}"
    if alert.escalated_at is not None:
        return f"Not acknowledged. Escalated on {long_datetime(alert.escalated_at)}"
    return f"Not acknowledged. Escalates on {long_datetime(alert.escalate_at)} if still open"


def alert_items(
    alerts: Iterable[RiskAlert],
    *,
    acknowledgeable: Collection[int] = (),
    client_names: Mapping[int, str] | None = None,
) -> list[dict[str, Any]]:
    """Alerts for a warning callout: the message, the client (on lists) and, for those who may
    acknowledge it, the link to do so."""
    found = []
    for alert in alerts:
        can_act = alert.is_open and alert.pk in acknowledgeable
        found.append(
            {
                "text": alert_message(alert),
                "client": (client_names or {}).get(alert.client_id, ""),
                "client_href": reverse("clients:detail", kwargs={"pk": alert.client_id}),
                "href": reverse("measures:acknowledge", kwargs={"pk": alert.pk}) if can_act else "",
                "status": alert_status(alert),
            }
        )
    return found


def session_text(response: Response) -> str:
    if response.session_number is None:
        return "No session number (not a treatment session)"
    text = f"Session {response.session_number}"
    return f"{text} · {response.phase} phase" if response.phase else text


def answer_rows(response: Response, instrument: Instrument) -> list[dict[str, Any]]:
    """One row per question: the question and the answer given."""
    rows = []
    for item in instrument.items:
        if item.id == "q1" and response.answers.get(NOT_WORKING) == 1:
            answer = NOT_WORKING_TEXT
        else:
            answer = answer_text(item, response.answers.get(item.id))
        rows.append(
            {
                "key": {"text": item_legend(instrument, item)},
                "value": {"text": answer},
            }
        )
    return rows


def result_text(response: Response) -> str:
    if not response.is_complete:
        return "Not scored: the questionnaire is incomplete"
    return f"{response.total}"


def summary_rows(
    response: Response, instrument: Instrument | None, *, brief: bool = False
) -> list[dict[str, Any]]:
    """Total, severity band, completeness, flags, session and (unless brief) where the response
    came from."""
    rows: list[tuple[str, str]] = [("Total score", result_text(response))]
    if response.is_complete and response.severity:
        rows.append(("Severity band", response.severity.capitalize()))
    if not response.is_complete:
        rows.append(("Why it is incomplete", response.incomplete_reason))
    flags = [flag_text(instrument, flag, response.answers) for flag in response.flags]
    rows.append(("Risk flags", "; ".join(flags) if flags else "None"))
    rows.append(("Session", session_text(response)))
    if brief:
        return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]
    rows += [
        ("Answered", long_datetime(response.effective_at)),
        ("How", ENTRY_MODES.get(response.entry_mode, response.entry_mode)),
        ("Entered", entered_text(response)),
        ("Version", str(response.version)),
    ]
    if response.correction_reason:
        rows.append(("Reason for correction", response.correction_reason))
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


def entered_text(response: Response) -> str:
    who = response.submitted_by.display_name if response.submitted_by else "the client"
    return f"{long_datetime(response.submitted_at)} by {who}"


def version_rows(versions: Sequence[Response], shown: Response) -> list[dict[str, Any]]:
    """Every version, oldest first, each linking to its page."""
    return [
        {
            "version": version.version,
            "href": reverse("measures:response", kwargs={"pk": version.pk}),
            "is_shown": version.pk == shown.pk,
            "when": entered_text(version),
            "result": result_text(version),
            "reason": version.correction_reason or "First entry",
        }
        for version in versions
    ]


def response_cards(responses: Iterable[Response]) -> list[dict[str, Any]]:
    """Current responses of one appointment, for its questionnaires page."""
    cards = []
    for response in responses:
        instrument = instrument_for(response.instrument_code)
        cards.append(
            {
                "name": instrument_name(instrument, response.instrument_code),
                "href": reverse("measures:response", kwargs={"pk": response.pk}),
                "correct_href": reverse("measures:correct", kwargs={"pk": response.pk}),
                "rows": summary_rows(response, instrument, brief=True),
                "is_complete": response.is_complete,
            }
        )
    return cards


def alert_rows(alerts: Iterable[RiskAlert], client_names: Mapping[int, str]) -> list[dict]:
    """Rows for the risk alerts page."""
    return [
        {
            "client": client_names.get(alert.client_id, ""),
            "client_href": reverse("clients:detail", kwargs={"pk": alert.client_id}),
            "text": alert_message(alert),
            "raised": long_datetime(alert.raised_at),
            "status": alert_status(alert),
            "href": reverse("measures:acknowledge", kwargs={"pk": alert.pk}),
            "therapist": alert.therapist.display_name,
        }
        for alert in alerts
    ]


def crisis_paragraphs(text: str) -> list[dict[str, Any]]:
    """The service's crisis information as paragraphs and lists ('- ' starts a list item)."""
    blocks: list[dict[str, Any]] = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        if line.startswith(("- ", "* ")):
            if not blocks or blocks[-1]["kind"] != "list":
                blocks.append({"kind": "list", "items": []})
            blocks[-1]["items"].append(line[2:].strip())
        else:
            blocks.append({"kind": "paragraph", "text": line})
    return blocks


# Where a questionnaire's own wording is not held, what its numbers mean (domain §6.3).
SCALE_MEANINGS = {"WSAS": "0 means no impairment and 8 very severe impairment."}


def scale_hint(instrument: Instrument) -> str:
    """How to read the answers when the questionnaire's wording gives only numbers."""
    if all(item.options for item in instrument.items):
        return ""
    values = [value for item in instrument.items for value in item.values]
    hint = f"Each answer is a number from {min(values)} to {max(values)}."
    meaning = SCALE_MEANINGS.get(instrument.code)
    return f"{hint} {meaning}" if meaning else hint


def response_href(response: Response) -> str:
    return reverse("measures:response", kwargs={"pk": response.pk})


def appointment_when(starts_at) -> str:
    """'Tuesday 24 November 2026 at 10:00', in the service's time zone."""
    return f"{long_date(timezone.localtime(starts_at).date())} at {time_of_day(starts_at)}"


PORTAL_STATUS = {
    "done": {"text": "Completed", "colour": ""},
    "started": {"text": "In progress", "colour": "blue"},
    "not_started": {"text": "Not started", "colour": "grey"},
}


def portal_sets(sets: Iterable[tuple[Any, Sequence[Any]]]) -> list[dict[str, Any]]:
    """Each open set as a heading and a task list: a questionnaire links to where the client
    carries on, until it is sent."""
    cards = []
    for appointment, entries in sets:
        items = []
        for entry in entries:
            status = PORTAL_STATUS[entry.status]
            tag = {"text": status["text"]}
            if status["colour"]:
                tag["classes"] = f"nhsuk-tag--{status['colour']}"
            href = (
                ""
                if entry.status == "done"
                else reverse(
                    "measures:portal_start",
                    kwargs={"appointment_pk": appointment.pk, "code": entry.code},
                )
            )
            item: dict[str, Any] = {
                "heading": {"text": entry.name},
                "status": {"tag": tag} if entry.status != "done" else {"text": status["text"]},
            }
            if href:
                item["href"] = href
            items.append(item)
        cards.append(
            {
                "title": f"Before your appointment on {appointment_when(appointment.starts_at)}",
                "id": f"set-{appointment.pk}",
                "items": items,
                "all_done": all(entry.status == "done" for entry in entries),
            }
        )
    return cards
