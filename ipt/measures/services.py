"""Every write about questionnaires and risk alerts.

Each function is atomic and audited in the same transaction. A PHQ-9 whose question 9 is answered
above "Not at all" raises a risk alert in the transaction that stores it, however it arrives
(therapist entry, paper, the client portal, a correction), complete or not. The escalation job is
queued when that transaction commits. A write the rules refuse raises `MeasuresRefused` (or the
instrument's `InvalidAnswers`), whose message can be shown as it is, and saves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ipt.accounts.models import Supervision, User
from ipt.appointments.models import FREES_THE_SLOT, Appointment
from ipt.appointments.sessions import number_sessions
from ipt.core import audit
from ipt.courses import services as courses
from ipt.courses.models import Course, TherapyVariant
from ipt.organisations.models import Service

from . import access, instruments
from .instruments.base import Instrument, InvalidAnswers
from .models import (
    DEFAULT_SET,
    EntryMode,
    MeasuresSettings,
    QuestionnaireSet,
    Response,
    RiskAlert,
)
from .presenters import alert_summary, incomplete_reason, instrument_name

__all__ = [
    "InvalidAnswers",
    "MeasuresRefused",
    "acknowledge",
    "configure_set",
    "correct",
    "escalate_due",
    "instrument_codes_for",
    "raise_client_risk_alerts",
    "record_view",
    "settings_for",
    "submit",
    "submit_set",
    "update_settings",
]

# A clock a few seconds ahead on the client's device is not a future answer.
CLOCK_SKEW = dt.timedelta(minutes=5)
SETTINGS_FIELDS = ["escalation_hours", "crisis_information"]


class MeasuresRefused(ValueError):
    """A write the rules refuse. `field` names the input it is about, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _instrument(code: str) -> Instrument:
    try:
        return instruments.get(code)
    except (LookupError, ValueError):
        raise MeasuresRefused(f"There is no questionnaire called {code}") from None


def settings_for(service: Service | int) -> MeasuresSettings:
    """The service's risk-alert settings, or the defaults (24 hours, NHS crisis contacts)."""
    service_id = service if isinstance(service, int) else service.pk
    found = MeasuresSettings.objects.filter(service_id=service_id).first()
    return found or MeasuresSettings(service_id=service_id)


@transaction.atomic
def update_settings(
    *, service: Service, escalation_hours: int, crisis_information: str, by: User
) -> MeasuresSettings:
    """Change when unacknowledged risk alerts escalate and the crisis information clients see.

    Alerts already raised keep their escalation time."""
    crisis_information = crisis_information.strip()
    if not crisis_information:
        raise MeasuresRefused("Enter the crisis information", field="crisis_information")
    if not 1 <= escalation_hours <= 168:
        raise MeasuresRefused("Enter a number of hours between 1 and 168", field="escalation_hours")
    current, created = MeasuresSettings.objects.select_for_update().get_or_create(service=service)
    before = {} if created else audit.snapshot(current, SETTINGS_FIELDS)
    current.escalation_hours, current.crisis_information = escalation_hours, crisis_information
    changes = audit.changes_between(before, audit.snapshot(current, SETTINGS_FIELDS))
    if not changes:
        return current
    current.save(update_fields=SETTINGS_FIELDS)
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=current,
        summary="Changed the risk-alert escalation time and crisis information",
        changes=changes,
    )
    return current


def instrument_codes_for(course: Course) -> list[str]:
    """The questionnaires of the course's variant, else the service's, else PHQ-9, GAD-7, WSAS."""
    sets = {
        found.variant_id: found.instrument_codes
        for found in QuestionnaireSet.objects.filter(service_id=course.service_id).filter(
            Q(variant__isnull=True) | Q(variant_id=course.variant_id)
        )
    }
    return list(sets.get(course.variant_id) or sets.get(None) or DEFAULT_SET)


@transaction.atomic
def configure_set(
    *,
    service: Service,
    instrument_codes: Iterable[str],
    by: User,
    variant: TherapyVariant | None = None,
) -> QuestionnaireSet:
    """Set the questionnaires before every session for the service, or for one of its variants."""
    codes = list(dict.fromkeys(instrument_codes))
    if not codes:
        raise MeasuresRefused("Select at least one questionnaire", field="instrument_codes")
    for code in codes:
        _instrument(code)
    if variant is not None and variant.service_id != service.pk:
        raise MeasuresRefused("Choose one of the service's IPT variants", field="variant")
    found, created = QuestionnaireSet.objects.select_for_update().get_or_create(
        service=service, variant=variant, defaults={"instrument_codes": codes}
    )
    before = [] if created else list(found.instrument_codes)
    if not created:
        if before == codes:
            return found
        found.instrument_codes, found.updated_at = codes, timezone.now()
        found.save(update_fields=["instrument_codes", "updated_at"])
    audit.record(
        by=by,
        action=audit.Action.CREATE if created else audit.Action.UPDATE,
        obj=found,
        summary=f"Questionnaires before every session{f' of {variant.name}' if variant else ''}: "
        + ", ".join(codes),
        changes={"instrument_codes": [before, codes]},
    )
    return found


@transaction.atomic
def use_service_set(*, variant: TherapyVariant, by: User) -> None:
    """The variant goes back to the service's questionnaires (its own set is removed)."""
    found = QuestionnaireSet.objects.select_for_update().filter(
        service_id=variant.service_id, variant=variant
    )
    current = found.first()
    if current is None:
        return
    before = list(current.instrument_codes)
    audit.record(
        by=by,
        action=audit.Action.DELETE,
        obj=current,
        summary=f"Questionnaires before every session of {variant.name}: the service's set",
        changes={"instrument_codes": [before, None]},
    )
    current.delete()


def sets_of(service: Service) -> dict[int | None, list[str]]:
    """The configured questionnaire sets by variant id (None: the service's own set)."""
    return {
        found.variant_id: list(found.instrument_codes)
        for found in QuestionnaireSet.objects.filter(service=service)
    }


def _clean(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, int]:
    """The answers as item id → int, checked by the instrument (InvalidAnswers if not valid)."""
    cleaned: dict[str, int] = {}
    for key, value in answers.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidAnswers(f"The answer to {key} must be a whole number")
        cleaned[str(key)] = value
    instrument.check(cleaned)
    return cleaned


def _scored(instrument: Instrument, answers: dict[str, int]) -> dict:
    """What the instrument makes of the answers: total, band, completeness and risk flags."""
    complete = instrument.is_complete(answers)
    total = instrument.total_score(answers) if complete else None
    return {
        "total": total,
        "severity": instrument.severity(total) if total is not None else "",
        "is_complete": complete and total is not None,
        "incomplete_reason": "" if complete else incomplete_reason(instrument, answers),
        "flags": list(instrument.risk_flags(answers)),
    }


def _stamp(appointment: Appointment) -> tuple[int | None, str]:
    """The treatment session number and phase the appointment has now, under the current
    contract (numbers of sessions not yet recorded are the expected ones)."""
    course = appointment.course
    contract = courses.current_contract(course)
    appointments = list(
        course.appointments.order_by("starts_at", "pk").only("pk", "kind", "attendance")
    )
    numbers = number_sessions(appointments, contract.terms)
    for candidate, number in zip(appointments, numbers, strict=True):
        if candidate.pk == appointment.pk:
            if number.number is None or number.booster:
                return None, ""
            return number.number, number.phase.value if number.phase else ""
    return None, ""


def _next_session_start(alert: RiskAlert) -> dt.datetime | None:
    """When the course's next session after the alert starts, if one is booked."""
    later = Appointment.objects.filter(
        course_id=alert.course_id, starts_at__gt=alert.raised_at
    ).exclude(attendance__in=sorted(FREES_THE_SLOT))
    if alert.response.appointment_id is not None:
        later = later.exclude(pk=alert.response.appointment_id)
    return later.order_by("starts_at").values_list("starts_at", flat=True).first()


def _queue_escalation(times: list[dt.datetime]) -> None:
    from .tasks import escalate_risk_alerts

    for run_after in times:
        escalate_risk_alerts.using(run_after=run_after).enqueue()


def _raise_alerts(
    response: Response,
    flags: Iterable[str],
    *,
    by: User | None,
    actor_label: str = "",
    answers: Mapping[str, int] | None = None,
    note: str = "",
) -> list[RiskAlert]:
    """`answers` and `note` are for a risk answer that is not the response's own (see
    `raise_client_risk_alerts`)."""
    course = response.course
    hours = settings_for(course.service_id).escalation_hours
    raised = []
    for flag in flags:
        now = timezone.now()
        alert = RiskAlert.objects.create(
            response=response,
            client_id=response.client_id,
            course=course,
            flag=flag,
            raised_at=now,
            therapist_id=course.therapist_id,
            escalate_at=now + dt.timedelta(hours=hours),
            answers=dict(answers or {}),
            note=note,
        )
        audit.record(
            by=by,
            actor_label=actor_label,
            action=audit.Action.CREATE,
            obj=alert,
            client_id=response.client_id,
            summary=f"Risk alert raised for the client's therapist: {alert_summary(alert)}",
            changes={"flag": [None, flag], "escalate_at": [None, alert.escalate_at]},
        )
        # The worker escalates at the deadline, and sooner if the next session comes first.
        # Queued only once the alert is committed. Should queueing fail, the alert is saved and
        # shown all the same, so the failure is logged rather than shown as an error page; any
        # later run of the task, or `manage.py escalate_risk_alerts`, escalates it.
        times = [alert.escalate_at]
        next_session = _next_session_start(alert)
        if next_session is not None and next_session < alert.escalate_at:
            times.insert(0, next_session)
        transaction.on_commit(partial(_queue_escalation, times), robust=True)
        raised.append(alert)
    return raised


def _check_entry(entry_mode: str, effective_at: dt.datetime, now: dt.datetime) -> None:
    if entry_mode not in EntryMode.values:
        raise MeasuresRefused("Select how the answers were given", field="entry_mode")
    if timezone.is_naive(effective_at):
        raise ValueError("effective_at must be timezone-aware")
    if effective_at > now + CLOCK_SKEW:
        raise MeasuresRefused("The time the questionnaire was answered cannot be in the future")


def _session_text(response: Response) -> str:
    if response.session_number is None:
        return "this appointment"
    return f"session {response.session_number}"


@transaction.atomic
def submit(
    *,
    appointment: Appointment,
    instrument_code: str,
    answers: Mapping[str, object],
    entry_mode: EntryMode | str,
    by: User | None,
    effective_at: dt.datetime | None = None,
    actor_label: str = "",
    note: str = "",
) -> Response:
    """Store one questionnaire for an appointment, complete or incomplete (with what is missing).

    `by` is None when the client submits it themselves, with `actor_label` naming them in the
    audit log ("client 1042"); `note` is added to the audit summary (e.g. why the system sent
    it). A risk flag raises an alert for the course's therapist in the same
    transaction, even when the form is incomplete.
    """
    now = timezone.now()
    effective_at = effective_at or now
    entry_mode = str(entry_mode)
    _check_entry(entry_mode, effective_at, now)
    instrument = _instrument(instrument_code)
    cleaned = _clean(instrument, answers)
    current = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("course__service")
        .get(pk=appointment.pk)
    )
    if Response.objects.filter(appointment=current, instrument_code=instrument.code).exists():
        raise MeasuresRefused(
            f"The {instrument_name(instrument)} for this appointment has already been entered. "
            "Correct it instead"
        )
    session_number, phase = _stamp(current)
    response = Response(
        client_id=current.course.client_id,
        course=current.course,
        appointment=current,
        instrument_code=instrument.code,
        instrument_version=str(getattr(instrument, "version", "")),
        answers=cleaned,
        entry_mode=entry_mode,
        effective_at=effective_at,
        submitted_at=now,
        submitted_by=by,
        session_number=session_number,
        phase=phase,
        **_scored(instrument, cleaned),
    )
    response.save(force_insert=True)
    result = (
        f"total {response.total}" if response.is_complete else response.incomplete_reason.lower()
    )
    audit.record(
        by=by,
        actor_label=actor_label,
        action=audit.Action.CREATE,
        obj=response,
        client_id=response.client_id,
        summary=f"Entered the {instrument_name(instrument)} for {_session_text(response)} "
        f"({EntryMode(entry_mode).label.lower()}): {result}" + (f"; {note}" if note else ""),
        changes=audit.changes_between(
            {},
            audit.snapshot(
                response,
                ["instrument_code", "total", "is_complete", "session_number", "phase", "flags"],
            ),
        ),
    )
    _raise_alerts(response, response.flags, by=by, actor_label=actor_label)
    _refresh_summary(response.course_id)
    return response


@transaction.atomic
def submit_set(
    *,
    appointment: Appointment,
    answers_by_instrument: Mapping[str, Mapping[str, object]],
    entry_mode: EntryMode | str,
    by: User | None,
    effective_at: dt.datetime | None = None,
    actor_label: str = "",
) -> list[Response]:
    """Store several questionnaires for one appointment together: all of them or none."""
    return [
        submit(
            appointment=appointment,
            instrument_code=code,
            answers=answers,
            entry_mode=entry_mode,
            by=by,
            effective_at=effective_at,
            actor_label=actor_label,
        )
        for code, answers in answers_by_instrument.items()
    ]


@transaction.atomic
def correct(
    *, response: Response, answers: Mapping[str, object], reason: str, by: User
) -> Response:
    """Correct a response: a new version with the reason; the original is kept as it was.

    A flag the correction adds raises a new alert. A flag it removes leaves its alert open: an
    alert never disappears because of a correction.
    """
    reason = reason.strip()
    if not reason:
        raise MeasuresRefused("Enter the reason for the correction", field="reason")
    previous = Response.objects.select_for_update().select_related("course").get(pk=response.pk)
    if Response.objects.filter(supersedes=previous).exists():
        raise MeasuresRefused(
            "This response has already been corrected. Correct the latest version instead"
        )
    instrument = _instrument(previous.instrument_code)
    cleaned = _clean(instrument, answers)
    if cleaned == previous.answers:
        raise MeasuresRefused("Change at least one answer, or go back without correcting")
    corrected = Response(
        client_id=previous.client_id,
        course=previous.course,
        appointment_id=previous.appointment_id,
        instrument_code=previous.instrument_code,
        instrument_version=str(getattr(instrument, "version", "")),
        answers=cleaned,
        entry_mode=previous.entry_mode,
        effective_at=previous.effective_at,
        submitted_at=timezone.now(),
        submitted_by=by,
        session_number=previous.session_number,
        phase=previous.phase,
        version=previous.version + 1,
        supersedes=previous,
        correction_reason=reason,
        **_scored(instrument, cleaned),
    )
    corrected.save(force_insert=True)
    fields = ["answers", "total", "severity", "is_complete", "incomplete_reason", "flags"]
    removed = sorted(set(previous.flags) - set(corrected.flags))
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=corrected,
        client_id=corrected.client_id,
        summary=f"Corrected the {instrument_name(instrument)} (version {corrected.version}): "
        f"{reason}" + (" The risk alert it raised stays until acknowledged." if removed else ""),
        changes=audit.changes_between(
            audit.snapshot(previous, fields), audit.snapshot(corrected, fields)
        ),
    )
    added = [flag for flag in corrected.flags if flag not in previous.flags]
    _raise_alerts(corrected, added, by=by)
    _refresh_summary(corrected.course_id)
    return corrected


def record_view(*, response: Response, by: User) -> None:
    """Every view of a client's answers is audited, like a view of their record."""
    audit.record(
        by=by,
        action=audit.Action.VIEW,
        obj=response,
        client_id=response.client_id,
        summary=f"Viewed the {instrument_name(_instrument(response.instrument_code))} answers",
    )


@transaction.atomic
def acknowledge(*, alert: RiskAlert, action_note: str, by: User) -> RiskAlert:
    """Record that a clinician has seen the alert and what they did; once only."""
    action_note = action_note.strip()
    if not action_note:
        raise MeasuresRefused(
            "Enter what you did or will do about the client's safety", field="action_note"
        )
    current = (
        RiskAlert.objects.select_for_update(of=("self",))
        .select_related("course", "response")
        .get(pk=alert.pk)
    )
    if not access.can_acknowledge(by, current):
        raise MeasuresRefused(
            "Only the client's therapist, their supervisor or a service manager can "
            "acknowledge this alert"
        )
    if current.acknowledged_at is not None:
        raise MeasuresRefused("This alert has already been acknowledged")
    current.acknowledged_at, current.acknowledged_by, current.action_note = (
        timezone.now(),
        by,
        action_note,
    )
    current.save(update_fields=["acknowledged_at", "acknowledged_by", "action_note"])
    for name in ("acknowledged_at", "acknowledged_by", "action_note"):
        setattr(alert, name, getattr(current, name))
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=current,
        client_id=current.client_id,
        summary=f"Acknowledged the risk alert ({alert_summary(current)}). Action: {action_note}",
        changes={
            "acknowledged_at": [None, current.acknowledged_at],
            "action_note": ["", action_note],
        },
    )
    return current


def escalation_recipients(therapist: User, service_id: int) -> list[User]:
    """The therapist's supervisors, or the service managers if they have no supervisor."""
    supervisors = list(
        User.objects.active()
        .filter(
            is_supervisor=True,
            service_id=service_id,
            pk__in=Supervision.objects.filter(supervisee=therapist).values("supervisor_id"),
        )
        .order_by("pk")
    )
    if supervisors:
        return supervisors
    return list(
        User.objects.active()
        .filter(is_service_manager=True, service_id=service_id)
        .exclude(pk=therapist.pk)
        .order_by("pk")
    )


def _due(now: dt.datetime):
    """Open, unescalated alerts past their deadline or whose course's next session has started
    (the first appointment after the alert, other than the one it was raised at, not cancelled)."""
    session_started = (
        Appointment.objects.filter(
            course_id=OuterRef("course_id"),
            starts_at__gt=OuterRef("raised_at"),
            starts_at__lte=now,
        )
        .exclude(attendance__in=sorted(FREES_THE_SLOT))
        .exclude(pk=Coalesce(OuterRef("response__appointment_id"), Value(0)))
    )
    return (
        RiskAlert.objects.open()
        .filter(escalated_at__isnull=True)
        .filter(Q(escalate_at__lte=now) | Exists(session_started))
    )


def escalate_due(*, now: dt.datetime) -> list[RiskAlert]:
    """Escalate every unacknowledged alert that is due, each in its own transaction."""
    escalated = []
    for pk in list(_due(now).order_by("raised_at", "pk").values_list("pk", flat=True)):
        with transaction.atomic():
            alert = (
                _due(now)
                .select_for_update(of=("self",))
                .select_related("therapist", "course", "response")
                .filter(pk=pk)
                .first()
            )
            if alert is None:
                continue
            recipients = escalation_recipients(alert.therapist, alert.course.service_id)
            alert.escalated_at = now
            alert.save(update_fields=["escalated_at"])
            alert.escalated_to.set(recipients)
            why = (
                "not acknowledged in time"
                if alert.escalate_at <= now
                else "not acknowledged before the next session started"
            )
            names = ", ".join(user.display_name for user in recipients)
            audit.record(
                by=None,
                action=audit.Action.UPDATE,
                obj=alert,
                client_id=alert.client_id,
                summary=(
                    f"Risk alert escalated to {names}: {why}"
                    if recipients
                    else f"Risk alert due for escalation ({why}) but the service has no "
                    "supervisor or service manager to send it to"
                ),
                changes={
                    "escalated_at": [None, now],
                    "escalated_to": [[], [user.get_username() for user in recipients]],
                },
            )
            escalated.append(alert)
    return escalated


@transaction.atomic
def raise_client_risk_alerts(
    *, response: Response, answers: Mapping[str, int], note: str, actor_label: str
) -> list[RiskAlert]:
    """Raise a risk alert on `response` for a client's own online risk answers that it does not
    hold: answers given after the questionnaire was entered another way, or a risk answer they
    changed back before sending. `answers` are the risk answers given (e.g. {"q9": 2}); `note`
    says how they came (shown with the alert). Raised, audited and escalated like any alert."""
    note = note.strip()
    if not note:
        raise ValueError("A client's risk answers passed on need a note saying how they came")
    instrument = _instrument(response.instrument_code)
    flags = instrument.risk_flags(dict(answers))
    return _raise_alerts(
        response, flags, by=None, actor_label=actor_label, answers=answers, note=note
    )


def _refresh_summary(course_id: int) -> None:
    """Keep the course's outcome summary (ipt.reports) fresh once this write commits."""
    from ipt.reports.summaries import refresh_on_commit

    refresh_on_commit(course_id)
