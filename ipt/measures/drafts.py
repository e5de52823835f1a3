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


def actor_label(client: Client) -> str:
    return f"client {client.reference}"


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
    if response_of(current, instrument.code) is not None:
        raise DraftRefused(f"You have already sent your answers to the {instrument.name}")
    if not can_continue(current, draft, now):
        raise DraftRefused("The questionnaires for this appointment have closed")
    if not portal_flow.can_ask(instrument, draft.answers if draft else {}, item_id):
        raise DraftRefused("Answer the questions in order")
    before = dict(draft.answers) if draft else {}
    try:
        answers = portal_flow.with_answer(instrument, before, item_id, choice)
        instrument.check(answers)
    except (ValueError, InvalidAnswers):
        raise DraftRefused("Select one of the answers") from None
    if draft is None:
        draft = PortalDraft.objects.create(
            appointment=current,
            client=by,
            instrument_code=instrument.code,
            answers=answers,
            started_at=now,
            updated_at=now,
        )
        action = audit.Action.CREATE
    else:
        draft.answers, draft.updated_at = answers, now
        draft.save(update_fields=["answers", "updated_at"])
        action = audit.Action.UPDATE
    if _risk_flags(instrument, answers):
        # Queued only once the answer is committed; should queueing fail, the sweep sends it.
        transaction.on_commit(
            partial(_queue_risky_draft, draft.pk, now + RISKY_DRAFT_SENT_AFTER), robust=True
        )
    audit.record(
        by=None,
        actor_label=actor_label(by),
        action=action,
        obj=draft,
        client_id=by.pk,
        summary=f"Answered a question of the {instrument.name} online "
        f"(question {item_number(instrument, item_id)})",
        changes=audit.changes_between(before, answers),
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
            draft.delete()
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
                actor_label=actor_label(by),
            )
    except IntegrityError:
        # Another request stored it first (the database allows one per appointment).
        found = response_of(current, instrument.code)
        if found is None:
            raise
        return found
    draft.delete()
    return response


def _risk_flags(instrument: Instrument, answers: dict[str, int]) -> list[str]:
    """The risk flags the answers would raise if sent now."""
    return list(instrument.risk_flags(portal_flow.to_submit(instrument, answers)))


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
    return instrument if _risk_flags(instrument, draft.answers) else None


@transaction.atomic
def submit_risky_draft(*, draft_id: int, now: dt.datetime | None = None) -> Response | None:
    """Send a draft holding a risk answer that the client has left unsent for
    `RISKY_DRAFT_SENT_AFTER`, as their response (incomplete if it is), answered when they last
    answered; the draft is deleted with it. Returns None, changing nothing, when there is nothing
    to send: the draft was sent or deleted, no longer holds a risk answer, was answered since, or
    the questionnaire has been entered another way. The questionnaire need not be open any more:
    a risk answer is sent whenever it was given."""
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
    if instrument is None or response_of(current, instrument.code) is not None:
        return None
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
