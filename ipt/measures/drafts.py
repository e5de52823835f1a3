"""Questionnaires a client completes in the portal before a session, saved answer by answer.

When a set is open: a treatment or booster appointment not cancelled (nothing recorded yet),
starting within `OPENS_BEFORE` and not yet started. A questionnaire the client began before the
appointment started may still be finished and submitted until the appointment ends, so nothing
they typed is lost; after that the set is closed.

Every write is atomic and audited, with the client named as the actor ("client 1042").

Risk answers always reach a clinician: a draft whose answers raise a risk flag (PHQ-9 question 9
above "Not at all") and is left unsent for `RISKY_DRAFT_SENT_AFTER` after its last answer is sent
for the client as it stands, complete or not, which raises the risk alert as any response does.
Each such answer queues `tasks.submit_risky_draft` for that time; `manage.py
escalate_risk_alerts` sends any the worker missed.

A risk answer is remembered on the draft (`risk_seen_at`, `risk_answers`) even if the client
changes it back: the draft is still sent after `RISKY_DRAFT_SENT_AFTER`, and a draft sent with
the risk answer changed back raises an alert saying what was answered first. A client's draft
for a questionnaire already entered another way (by the therapist, from paper) is never dropped
silently: its answers go into the audit log and any risk answer in it raises an alert on the
entered response (docs/clinical-safety.md, H1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from ipt.appointments.models import Appointment, Kind
from ipt.clients.models import Client
from ipt.core import audit
from ipt.courses.rules import ATTENDED_CODES

from . import instruments, portal_flow, services
from .instruments.base import Instrument, InvalidAnswers
from .models import EntryMode, PortalDraft, Response
from .presenters import instrument_name, item_number

# Questionnaires open three days before the session: the reminder asks 48 hours before and
# nudges 24 hours before (issue 6), with a day to spare for a client who opens the portal early.
OPENS_BEFORE = dt.timedelta(days=3)
KINDS = (Kind.TREATMENT, Kind.BOOSTER)
# A questionnaire holding a risk answer that the client has not sent 30 minutes after their last
# answer is sent for them, so the risk alert reaches their therapist. Long enough for a client
# still answering (or pausing) to finish and send it themselves; short against the alert's own
# escalation time (24 hours by default).
RISKY_DRAFT_SENT_AFTER = dt.timedelta(minutes=30)


class DraftRefused(ValueError):
    """A portal questionnaire write the rules refuse; the message can be shown as it is."""


def open_appointments(appointments: QuerySet[Appointment], now: dt.datetime | None = None):
    """Of these appointments (the client's own), those whose questionnaires are open now."""
    now = now or timezone.now()
    return appointments.filter(
        kind__in=KINDS, attendance="", starts_at__gt=now, starts_at__lte=now + OPENS_BEFORE
    ).order_by("starts_at", "pk")


def is_open(appointment: Appointment, now: dt.datetime | None = None) -> bool:
    """Questionnaires for this appointment can be started now."""
    now = now or timezone.now()
    return (
        appointment.kind in KINDS
        and appointment.attendance == ""
        and now < appointment.starts_at <= now + OPENS_BEFORE
    )


def can_continue(
    appointment: Appointment, draft: PortalDraft | None, now: dt.datetime | None = None
) -> bool:
    """A questionnaire can be answered or submitted now: its set is open, or the client began
    it before the appointment started and the appointment has not ended."""
    now = now or timezone.now()
    if is_open(appointment, now):
        return True
    return (
        draft is not None
        and draft.started_at < appointment.starts_at
        and now < appointment.ends_at
        and appointment.kind in KINDS
        and (appointment.attendance == "" or appointment.attendance in ATTENDED_CODES)
    )


def instrument_of(appointment: Appointment, code: str) -> Instrument | None:
    """One of the questionnaires of the appointment's course, or None."""
    if code not in services.instrument_codes_for(appointment.course):
        return None
    try:
        return instruments.get(code)
    except LookupError:
        return None


def draft_of(appointment: Appointment, code: str) -> PortalDraft | None:
    return appointment.portal_drafts.filter(instrument_code=code).first()


def response_of(appointment: Appointment, code: str) -> Response | None:
    """The current response to this questionnaire for the appointment, however it was entered."""
    return appointment.questionnaire_responses.current().filter(instrument_code=code).first()


def sets_for(
    appointments: QuerySet[Appointment], now: dt.datetime | None = None
) -> list[tuple[Appointment, list[SetEntry]]]:
    """The client's open questionnaire sets, soonest first: appointments whose set is open, and
    any that has started with a questionnaire begun before it did (it can still be sent)."""
    now = now or timezone.now()
    opened = open_appointments(appointments, now)
    begun = appointments.filter(
        kind__in=KINDS,
        starts_at__lte=now,
        ends_at__gt=now,
        portal_drafts__started_at__lt=F("starts_at"),
    )
    found = (
        appointments.filter(Q(pk__in=opened.values("pk")) | Q(pk__in=begun.values("pk")))
        .select_related("course")
        .prefetch_related("questionnaire_responses", "portal_drafts")
        .order_by("starts_at", "pk")
    )
    codes_by_course: dict[int, list[str]] = {}
    result = []
    for appointment in found:
        if appointment.course_id not in codes_by_course:
            codes_by_course[appointment.course_id] = services.instrument_codes_for(
                appointment.course
            )
        entries = set_of(appointment, codes_by_course[appointment.course_id])
        if appointment.starts_at <= now:
            entries = [entry for entry in entries if entry.status == "started"]
        if entries:
            result.append((appointment, entries))
    return result


@dataclass(frozen=True)
class SetEntry:
    code: str
    name: str
    status: str  # "done", "started" or "not_started"


def set_of(appointment: Appointment, codes: list[str] | None = None) -> list[SetEntry]:
    """The appointment's questionnaires in order, each done, started or not started.
    Reads `questionnaire_responses` and `portal_drafts`, so prefetch them for a list."""
    done = {r.instrument_code for r in appointment.questionnaire_responses.all()}
    started = {d.instrument_code for d in appointment.portal_drafts.all() if d.answers}
    entries = []
    if codes is None:
        codes = services.instrument_codes_for(appointment.course)
    for code in codes:
        instrument = instruments.get(code) if code in instruments.codes() else None
        status = "done" if code in done else "started" if code in started else "not_started"
        entries.append(SetEntry(code, instrument_name(instrument, code), status))
    return entries


def _checked_appointment(appointment: Appointment, client: Client) -> Appointment:
    current = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=appointment.pk)
    )
    if current.course.client_id != client.pk:
        raise DraftRefused("This is not one of your appointments")
    return current


@transaction.atomic
def save_answer(
    *, appointment: Appointment, instrument_code: str, item_id: str, choice: str, by: Client
) -> PortalDraft:
    """Save one answer of a questionnaire the client is completing (`choice` is the radio value).
    Starts the draft on the first answer."""
    now = timezone.now()
    current = _checked_appointment(appointment, by)
    instrument = instrument_of(current, instrument_code)
    if instrument is None:
        raise DraftRefused("This questionnaire is not one of yours")
    draft = (
        PortalDraft.objects.select_for_update()
        .filter(appointment=current, instrument_code=instrument.code)
        .first()
    )
    existing = response_of(current, instrument.code)
    if existing is not None:
        raise DraftRefused(sent_message(existing, instrument))
    if not can_continue(current, draft, now):
        raise DraftRefused("The questionnaires for this appointment have closed")
    if not portal_flow.can_ask(instrument, draft.answers if draft else {}, item_id):
        raise DraftRefused("Answer the questions in order")
    before = dict(draft.answers) if draft else {}
    risk_before = dict(draft.risk_answers) if draft else {}
    try:
        answers = portal_flow.with_answer(instrument, before, item_id, choice)
        instrument.check(answers)
    except (ValueError, InvalidAnswers):
        raise DraftRefused("Select one of the answers") from None
    risk_answers = _highest(risk_before, _risk_answers(instrument, answers))
    if draft is None:
        draft = PortalDraft.objects.create(
            appointment=current,
            client=by,
            instrument_code=instrument.code,
            answers=answers,
            started_at=now,
            updated_at=now,
            risk_answers=risk_answers,
            risk_seen_at=now if risk_answers else None,
        )
        action = audit.Action.CREATE
    else:
        draft.answers, draft.updated_at = answers, now
        draft.risk_answers = risk_answers
        if risk_answers and draft.risk_seen_at is None:
            draft.risk_seen_at = now
        draft.save(update_fields=["answers", "updated_at", "risk_answers", "risk_seen_at"])
        action = audit.Action.UPDATE
    changes = audit.changes_between(before, answers)
    if risk_answers != risk_before:
        changes["risk_answers"] = [risk_before or None, risk_answers]
    if _holds_risk(instrument, draft):
        # Even when the risk answer has just been changed back: a clinician is told either way.
        # Queued only once the answer is committed; should queueing fail, the sweep sends it.
        transaction.on_commit(
            partial(_queue_risky_draft, draft.pk, now + RISKY_DRAFT_SENT_AFTER), robust=True
        )
    audit.record(
        by=None,
        actor_label=audit.client_actor(by),
        action=action,
        obj=draft,
        client_id=by.pk,
        summary=f"Answered a question of the {instrument.name} online "
        f"(question {item_number(instrument, item_id)})",
        changes=changes,
    )
    return draft


@transaction.atomic
def submit(*, appointment: Appointment, instrument_code: str, by: Client) -> Response:
    """Send the client's answers: the draft becomes a Response (entered online by the client,
    answered now) and is deleted, together. Submitting again returns the response already
    stored, so a double click or a repeated request stores one."""
    now = timezone.now()
    current = _checked_appointment(appointment, by)
    instrument = instrument_of(current, instrument_code)
    if instrument is None:
        raise DraftRefused("This questionnaire is not one of yours")
    draft = (
        PortalDraft.objects.select_for_update()
        .filter(appointment=current, instrument_code=instrument.code)
        .first()
    )
    existing = response_of(current, instrument.code)
    if existing is not None:
        if draft is not None:
            _pass_on(existing, instrument, draft, actor_label=audit.client_actor(by))
        return existing
    if draft is None:
        raise DraftRefused(f"Answer the questions of the {instrument.name} first")
    if not can_continue(current, draft, now):
        raise DraftRefused("The questionnaires for this appointment have closed")
    if portal_flow.first_unanswered(instrument, draft.answers) is not None:
        raise DraftRefused(f"Answer all the questions of the {instrument.name} first")
    try:
        with transaction.atomic():
            response = services.submit(
                appointment=current,
                instrument_code=instrument.code,
                answers=portal_flow.to_submit(instrument, draft.answers),
                entry_mode=EntryMode.CLIENT_ONLINE,
                by=None,
                effective_at=now,
                actor_label=audit.client_actor(by),
            )
    except IntegrityError:
        # Another request stored it first (the database allows one per appointment).
        found = response_of(current, instrument.code)
        if found is None:
            raise
        return found
    _alert_changed_back(response, instrument, draft, actor_label=audit.client_actor(by))
    draft.delete()
    return response


def _risk_flags(instrument: Instrument, answers: dict[str, int]) -> list[str]:
    """The risk flags the answers would raise if sent now."""
    return list(instrument.risk_flags(portal_flow.to_submit(instrument, answers)))


def _risk_answers(instrument: Instrument, answers: dict[str, int]) -> dict[str, int]:
    """The answers to risk questions that raise their flag, e.g. {"q9": 2}."""
    stored = portal_flow.to_submit(instrument, answers)
    return {
        rule.item: stored[rule.item]
        for rule in instrument.flag_rules
        if rule.item in stored and stored[rule.item] >= rule.at_least
    }


def _highest(*found: dict[str, int]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for answers in found:
        for item_id, value in answers.items():
            merged[item_id] = max(value, merged.get(item_id, value))
    return merged


def _holds_risk(instrument: Instrument, draft: PortalDraft) -> bool:
    """The draft holds a risk answer, or held one the client has since changed back."""
    return bool(draft.risk_answers) or bool(_risk_flags(instrument, draft.answers))


def _answer_words(instrument: Instrument, item_id: str, value: int | None) -> str:
    if value is None:
        return "no answer"
    labels = {option.value: option.label for option in instrument.item(item_id).options}
    return labels.get(value, str(value))


def _alert_changed_back(
    response: Response, instrument: Instrument, draft: PortalDraft, *, actor_label: str
) -> None:
    """Alert on a risk answer the client gave and then changed back before it was sent."""
    changed = {
        item_id: value
        for item_id, value in draft.risk_answers.items()
        if not set(instrument.risk_flags({item_id: value})) <= set(response.flags)
    }
    if not changed:
        return
    notes = [
        f"question {item_number(instrument, item_id)} answered "
        f"'{_answer_words(instrument, item_id, value)}' online, then changed to "
        f"'{_answer_words(instrument, item_id, response.answers.get(item_id))}' before sending"
        for item_id, value in changed.items()
    ]
    services.raise_client_risk_alerts(
        response=response, answers=changed, note="; ".join(notes), actor_label=actor_label
    )


def _pass_on(
    existing: Response, instrument: Instrument, draft: PortalDraft, *, actor_label: str
) -> None:
    """The client's draft of a questionnaire already entered another way: any risk answer in it
    (held now or earlier) raises an alert on the entered response, its answers are recorded in
    the audit log, and it is deleted."""
    risk = _highest(draft.risk_answers, _risk_answers(instrument, draft.answers))
    how = EntryMode(existing.entry_mode).label.lower()
    if risk:
        given = ", ".join(
            f"question {item_number(instrument, item_id)} "
            f"'{_answer_words(instrument, item_id, value)}'"
            for item_id, value in risk.items()
        )
        services.raise_client_risk_alerts(
            response=existing,
            answers=risk,
            note=f"answered online by the client ({given}) after it was {how}",
            actor_label=actor_label,
        )
    audit.record(
        by=None,
        actor_label=actor_label,
        action=audit.Action.DELETE,
        obj=draft,
        client_id=draft.client_id,
        summary=f"The client's unsent {instrument.name} answers were "
        + (
            "passed on to their therapist with a risk alert"
            if risk
            else "recorded here and not added"
        )
        + f": the questionnaire had already been {how} for this appointment",
        changes={"answers": [draft.answers, None], "risk_answers": [draft.risk_answers, None]},
    )
    draft.delete()


def was_sent_automatically(response: Response) -> bool:
    """The client's answers were sent for them (`submit_risky_draft`): stored with the time of
    their last answer, at least `RISKY_DRAFT_SENT_AFTER` after it. A client's own submit is
    stored as answered when they sent it."""
    return (
        response.entry_mode == EntryMode.CLIENT_ONLINE
        and response.submitted_at - response.effective_at >= RISKY_DRAFT_SENT_AFTER
    )


def sent_message(response: Response, instrument: Instrument) -> str:
    """What the client is told about a questionnaire that has been stored, however it was."""
    if response.entry_mode != EntryMode.CLIENT_ONLINE:
        return f"Your therapist has already recorded the {instrument.name} for this appointment"
    if was_sent_automatically(response):
        return f"Your {instrument.name} answers were sent to your therapist automatically"
    return f"You have already sent your answers to the {instrument.name}"


def passed_on(response: Response) -> bool:
    """A client's online risk answers were passed on with this response (an alert says so)."""
    return any(alert.note for alert in response.risk_alerts.all())


def _queue_risky_draft(draft_id: int, run_after: dt.datetime) -> None:
    from .tasks import submit_risky_draft

    submit_risky_draft.using(run_after=run_after).enqueue(draft_id)


def _risky_and_due(draft: PortalDraft, now: dt.datetime) -> Instrument | None:
    """The draft's instrument when the draft holds a risk answer left unsent long enough."""
    if draft.updated_at + RISKY_DRAFT_SENT_AFTER > now:
        return None
    try:
        instrument = instruments.get(draft.instrument_code)
    except LookupError:
        return None
    return instrument if _holds_risk(instrument, draft) else None


@transaction.atomic
def submit_risky_draft(*, draft_id: int, now: dt.datetime | None = None) -> Response | None:
    """Send a draft holding a risk answer that the client has left unsent for
    `RISKY_DRAFT_SENT_AFTER`, as their response (incomplete if it is), answered when they last
    answered; the draft is deleted with it. A risk answer the client changed back still counts:
    the draft is sent as it stands and an alert says what was answered first. When the
    questionnaire has been entered another way, the draft's risk answers are passed on with an
    alert on that response instead (and that response is returned). Returns None, changing
    nothing, when there is nothing to send: the draft was sent or deleted, never held a risk
    answer, or was answered since. The questionnaire need not be open any more: a risk answer is
    sent whenever it was given."""
    now = now or timezone.now()
    found = PortalDraft.objects.filter(pk=draft_id).values_list("appointment_id", flat=True)
    appointment_id = found.first()
    if appointment_id is None:
        return None
    # Lock the appointment first, as the client's own submit does, so only one sends it.
    current = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=appointment_id)
    )
    draft = PortalDraft.objects.select_for_update().filter(pk=draft_id).first()
    if draft is None:
        return None
    instrument = _risky_and_due(draft, now)
    if instrument is None:
        return None
    existing = response_of(current, instrument.code)
    if existing is not None:
        _pass_on(existing, instrument, draft, actor_label="")
        return existing
    minutes = int(RISKY_DRAFT_SENT_AFTER.total_seconds() // 60)
    try:
        with transaction.atomic():
            response = services.submit(
                appointment=current,
                instrument_code=instrument.code,
                answers=portal_flow.to_submit(instrument, draft.answers),
                entry_mode=EntryMode.CLIENT_ONLINE,
                by=None,
                effective_at=draft.updated_at,
                note=f"sent automatically because it held a risk answer and was not sent "
                f"within {minutes} minutes",
            )
    except IntegrityError:
        # The client's own submit stored it first (the database allows one per appointment).
        return None
    _alert_changed_back(response, instrument, draft, actor_label="")
    draft.delete()
    return response


def submit_risky_drafts(*, now: dt.datetime | None = None) -> list[Response]:
    """Send every draft holding a risk answer left unsent for `RISKY_DRAFT_SENT_AFTER`, each in
    its own transaction: the safety net should a queued `submit_risky_draft` be lost."""
    now = now or timezone.now()
    candidates = PortalDraft.objects.filter(updated_at__lte=now - RISKY_DRAFT_SENT_AFTER)
    sent = []
    for draft in candidates.order_by("updated_at", "pk"):
        if _risky_and_due(draft, now) is None:
            continue
        response = submit_risky_draft(draft_id=draft.pk, now=now)
        if response is not None:
            sent.append(response)
    return sent
