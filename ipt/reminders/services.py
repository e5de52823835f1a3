"""Every write about reminders and calendar feeds.

Scheduling: `schedule_for(appointment)` makes the appointment's messages match what should be
sent (idempotent; the appointments services call it on commit after booking and moving, and
`cancel_for` after an outcome is recorded). Each message is queued as a `send_message` task at
its time; `send_due` is the safety net: it schedules the reminders of upcoming appointments
that are missing them (the on-commit scheduling is only logged if it fails) and sends anything due
whose task was lost. Questionnaire requests and nudges are only for treatment and booster
appointments (the ones questionnaires open for) of courses with questionnaires. Messages give
the service's `sender_name` if one is set (a neutral name, for privacy), else its name.

Sending: `deliver` re-checks the message at run time, takes a lease on it (attempts + 1, next
try time) before talking to the provider, then records sent or failed. A failed send is tried
again after 5, 15 and 60 minutes, then marked failed for staff to see and try again. Every
status change is audited under the client.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from functools import partial

from django.conf import settings as django_settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ipt.accounts.models import User
from ipt.appointments.models import Appointment
from ipt.clients.models import Client
from ipt.core import audit
from ipt.core.dates import long_datetime
from ipt.organisations.models import Service

from . import sms
from .content import Words, words_for
from .models import (
    BEFORE_APPOINTMENT,
    MAX_HOURS,
    CalendarFeed,
    Channel,
    Kind,
    Message,
    ReminderSettings,
    Status,
)

__all__ = [
    "MAX_ATTEMPTS",
    "RETRY_AFTER",
    "RemindersRefused",
    "cancel_for",
    "create_feed",
    "deliver",
    "feed_for_token",
    "retry",
    "revoke_feed",
    "schedule_for",
    "schedule_homework_nudge",
    "send_due",
    "settings_for",
    "unscheduled_appointments",
    "update_settings",
]

RETRY_AFTER = (
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(minutes=60),
)
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
# The sweep looks this much further ahead than the earliest reminder, so a lost scheduling is
# repaired before that reminder's time (a reminder is not sent late).
REPAIR_MARGIN = dt.timedelta(days=1)
QUESTIONNAIRE_KINDS = (Kind.QUESTIONNAIRES, Kind.QUESTIONNAIRES_NUDGE)
NO_QUESTIONNAIRES = "There are no questionnaires before this appointment"
# A homework nudge is not sent more than this late (say the worker was down for days).
HOMEWORK_LATEST = dt.timedelta(days=2)
SETTINGS_FIELDS = [
    *(f"{kind}_{part}" for kind in Kind.values for part in ("on", "hours")),
    "sender_name",
]
MESSAGE_FIELDS = ["kind", "channel", "recipient", "scheduled_for", "appointment_at", "status"]
WORKER = "reminders"
logger = logging.getLogger(__name__)
SENDER_NAME_MAX = ReminderSettings._meta.get_field("sender_name").max_length or 60


class RemindersRefused(ValueError):
    """A write the rules refuse; the message can be shown to staff as it is."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _record(*, by: User | None, action: str, obj, client_id: int | None, summary: str, changes):
    audit.record(
        by=by,
        action=action,
        obj=obj,
        client_id=client_id,
        summary=summary,
        changes=changes,
        actor_label="" if by is not None else WORKER,
    )


def settings_for(service: Service | int) -> ReminderSettings:
    """The service's reminder settings, or the defaults (unsaved) until a manager saves them."""
    service_id = service if isinstance(service, int) else service.pk
    found = ReminderSettings.objects.filter(service_id=service_id).select_related("service").first()
    if found is not None:
        return found
    if isinstance(service, Service):
        return ReminderSettings(service=service)
    return ReminderSettings(service_id=service_id)


@transaction.atomic
def update_settings(*, service: Service, by: User, **values: bool | int | str) -> ReminderSettings:
    """Switch each kind of reminder on or off, set its time in hours, and set the name messages
    give (`sender_name`; empty: the service's name). Messages already scheduled for the service's
    future appointments are rescheduled and reworded to match."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not a reminder setting: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        if name.endswith("_hours") and not 1 <= int(value) <= MAX_HOURS:
            raise RemindersRefused(f"Enter a number of hours between 1 and {MAX_HOURS}", field=name)
    sender_name = str(values.get("sender_name", "")).strip()
    if len(sender_name) > SENDER_NAME_MAX:
        raise RemindersRefused(
            f"The name used in messages must be {SENDER_NAME_MAX} characters or fewer",
            field="sender_name",
        )
    current, _ = ReminderSettings.objects.select_for_update().get_or_create(service=service)
    before = audit.snapshot(current, SETTINGS_FIELDS)  # the defaults, when first saved
    for name, value in values.items():
        setattr(current, name, _setting_value(name, value))
    changes = audit.changes_between(before, audit.snapshot(current, SETTINGS_FIELDS))
    if not changes:
        return current
    current.save(update_fields=SETTINGS_FIELDS)
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=current,
        summary="Changed the reminder settings",
        changes=changes,
    )
    transaction.on_commit(partial(reschedule_service, service_id=service.pk, by=by), robust=True)
    return current


def _setting_value(name: str, value: bool | int | str) -> bool | int | str:
    if name == "sender_name":
        return str(value).strip()
    return bool(value) if name.endswith("_on") else int(value)


def reschedule_service(*, service_id: int, by: User | None = None) -> None:
    """Run `schedule_for` over the service's future appointments (after a settings change)."""
    upcoming = (
        Appointment.objects.filter(
            course__service_id=service_id, starts_at__gt=timezone.now(), attendance=""
        )
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )
    for pk in upcoming:
        schedule_for(Appointment(pk=pk), by=by)


@dataclass(frozen=True)
class Wanted:
    kind: str
    channel: str
    recipient: str
    scheduled_for: dt.datetime
    subject: str = ""
    body: str = ""


def _channels(client: Client) -> dict[str, str]:
    """The channels the client consented to that we can use, with the address for each."""
    channels = {}
    if client.consent_email and client.email:
        channels[Channel.EMAIL.value] = client.email
    if client.consent_sms and client.mobile and sms.enabled():
        channels[Channel.SMS.value] = client.mobile
    return channels


def _questionnaires_answered(appointment: Appointment) -> bool:
    from ipt.measures.services import instrument_codes_for

    wanted = set(instrument_codes_for(appointment.course))
    answered = set(appointment.questionnaire_responses.values_list("instrument_code", flat=True))
    return wanted <= answered


def _has_questionnaires(appointment: Appointment) -> bool:
    """Questionnaires open before this appointment: it is a treatment or booster session (the
    kinds `ipt.measures.drafts` opens sets for) and its course has questionnaires (today every
    course has at least the minimum set, but an empty set sends no request)."""
    from ipt.measures.drafts import KINDS
    from ipt.measures.services import instrument_codes_for

    return appointment.kind in KINDS and bool(instrument_codes_for(appointment.course))


def _wanted(
    appointment: Appointment, now: dt.datetime, config: ReminderSettings | None = None
) -> dict[tuple[str, str], Wanted]:
    """What should be scheduled for the appointment now, by (kind, channel).

    A reminder whose time has already passed is not sent late, except the questionnaire
    request, which goes at once so the client still has the chance to answer. Questionnaire
    requests and nudges are only for appointments with questionnaires."""
    if appointment.attendance or appointment.starts_at <= now:
        return {}
    course = appointment.course
    config = config or settings_for(course.service_id)
    channels = _channels(course.client)
    if not channels:
        return {}
    questionnaires = _has_questionnaires(appointment)
    wanted: dict[tuple[str, str], Wanted] = {}
    for kind in BEFORE_APPOINTMENT:
        if not config.is_on(kind) or (kind in QUESTIONNAIRE_KINDS and not questionnaires):
            continue
        at = appointment.starts_at - dt.timedelta(hours=config.hours(kind))
        if at <= now:
            if kind != Kind.QUESTIONNAIRES:
                continue
            at = now
        words = words_for(
            kind, service_name=config.name_in_messages(), appointment_at=appointment.starts_at
        )
        for channel, recipient in channels.items():
            wanted[(kind, channel)] = Wanted(
                kind, channel, recipient, at, words.subject, words.body
            )
    return wanted


def _enqueue(message_id: int, run_after: dt.datetime) -> None:
    from .tasks import send_message

    send_message.using(run_after=run_after).enqueue(message_id)


def _queue(message: Message) -> None:
    transaction.on_commit(partial(_enqueue, message.pk, message.scheduled_for), robust=True)


def _create(
    *, client: Client, appointment: Appointment, wanted: Wanted, by: User | None
) -> Message:
    words = (
        Words(wanted.subject, wanted.body)
        if wanted.body
        else words_for(
            wanted.kind,
            service_name=settings_for(client.service).name_in_messages(),
            appointment_at=appointment.starts_at,
        )
    )
    message = Message.objects.create(
        client=client,
        appointment=appointment,
        appointment_at=appointment.starts_at,
        kind=wanted.kind,
        channel=wanted.channel,
        recipient=wanted.recipient,
        subject=words.subject,
        body=words.body,
        scheduled_for=wanted.scheduled_for,
    )
    _record(
        by=by,
        action=audit.Action.CREATE,
        obj=message,
        client_id=client.pk,
        summary=(
            f"Scheduled the {message.get_kind_display().lower()} by "
            f"{message.get_channel_display().lower()} for {long_datetime(wanted.scheduled_for)}"
        ),
        changes=audit.changes_between({}, audit.snapshot(message, MESSAGE_FIELDS)),
    )
    _queue(message)
    return message


def _cancel(message: Message, *, because: str, by: User | None) -> None:
    before = audit.snapshot(message, ["status", "cancelled_because"])
    message.status, message.cancelled_because = Status.CANCELLED, because[:200]
    message.save(update_fields=["status", "cancelled_because"])
    _record(
        by=by,
        action=audit.Action.UPDATE,
        obj=message,
        client_id=message.client_id,
        summary=(
            f"Cancelled the {message.get_kind_display().lower()} by "
            f"{message.get_channel_display().lower()}: {because}"
        ),
        changes=audit.changes_between(
            before, audit.snapshot(message, ["status", "cancelled_because"])
        ),
    )


def _why_not_before_appointment(appointment: Appointment, at: dt.datetime | None) -> str:
    if appointment.attendance:
        return "What happened at the appointment has been recorded"
    if at is not None and appointment.starts_at != at:
        return "The appointment moved"
    return "The appointment has started"


def _locked_appointment(appointment: Appointment) -> Appointment:
    """The appointment's row, locked, so its reminders are scheduled one call at a time."""
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("course__client__service", "course__service")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def schedule_for(appointment: Appointment, *, by: User | None = None) -> list[Message]:
    """Make the appointment's reminders match its time, the service's settings and the
    client's consent: create what is missing, move what changed, cancel what no longer
    applies. Safe to call any number of times. Returns the messages now scheduled."""
    current = _locked_appointment(appointment)
    now = timezone.now()
    wanted = _wanted(current, now)
    existing = list(
        Message.objects.select_for_update()
        .filter(appointment=current, kind__in=BEFORE_APPOINTMENT)
        .not_cancelled()
    )
    for message in existing:
        if message.status != Status.SCHEDULED:
            continue
        key = (message.kind, message.channel)
        if message.appointment_at != current.starts_at or current.attendance:
            _cancel(
                message,
                because=_why_not_before_appointment(current, message.appointment_at),
                by=by,
            )
        elif key not in wanted:
            _cancel(message, because=_why_not_wanted(current, message, now), by=by)
        elif _differs(message, wanted[key]) and message.attempts == 0:
            _reschedule(message, wanted[key], by=by)
    have = {
        (m.kind, m.channel)
        for m in existing
        if m.appointment_at == current.starts_at and m.status != Status.CANCELLED
    }
    created = [
        _create(client=current.course.client, appointment=current, wanted=item, by=by)
        for key, item in wanted.items()
        if key not in have
    ]
    return [m for m in existing if m.status == Status.SCHEDULED] + created


def _why_not_wanted(appointment: Appointment, message: Message, now: dt.datetime) -> str:
    config = settings_for(appointment.course.service_id)
    if not config.is_on(message.kind):
        return "This kind of reminder has been switched off"
    if message.channel not in _channels(appointment.course.client):
        return f"The client no longer consents to {message.get_channel_display().lower()}s"
    if message.kind in QUESTIONNAIRE_KINDS and not _has_questionnaires(appointment):
        return NO_QUESTIONNAIRES
    return "Its time has passed"


def _differs(message: Message, wanted: Wanted) -> bool:
    return (message.scheduled_for, message.recipient, message.subject, message.body) != (
        wanted.scheduled_for,
        wanted.recipient,
        wanted.subject,
        wanted.body,
    )


def _reschedule(message: Message, wanted: Wanted, *, by: User | None) -> None:
    """Move the message to its new time or address, or reword it (the name used changed)."""
    fields = ["scheduled_for", "recipient", "subject", "body"]
    before = audit.snapshot(message, fields)
    moved = message.scheduled_for != wanted.scheduled_for
    message.scheduled_for, message.recipient = wanted.scheduled_for, wanted.recipient
    message.subject, message.body = wanted.subject, wanted.body
    message.save(update_fields=fields)
    what = "Rescheduled" if moved else "Updated"
    _record(
        by=by,
        action=audit.Action.UPDATE,
        obj=message,
        client_id=message.client_id,
        summary=(
            f"{what} the {message.get_kind_display().lower()} by "
            f"{message.get_channel_display().lower()} for {long_datetime(wanted.scheduled_for)}"
        ),
        changes=audit.changes_between(before, audit.snapshot(message, fields)),
    )
    if moved:
        _queue(message)


@transaction.atomic
def cancel_for(appointment: Appointment, *, by: User | None = None) -> list[Message]:
    """Cancel the appointment's scheduled reminders (it was cancelled, or its outcome recorded).
    Returns the messages cancelled."""
    current = _locked_appointment(appointment)
    because = (
        "The appointment was cancelled"
        if current.attendance in {"2", "4"}
        else _why_not_before_appointment(current, None)
    )
    cancelled = list(
        Message.objects.select_for_update()
        .scheduled()
        .filter(appointment=current, kind__in=BEFORE_APPOINTMENT)
    )
    for message in cancelled:
        _cancel(message, because=because, by=by)
    return cancelled


def _unreviewed_homework(appointment: Appointment) -> bool:
    from ipt.notes.models import HomeworkTask

    return HomeworkTask.objects.filter(set_at_id=appointment.pk, reviewed_at__isnull=True).exists()


def _next_session_before(appointment: Appointment, at: dt.datetime) -> bool:
    return (
        Appointment.objects.filter(
            course_id=appointment.course_id,
            starts_at__gt=appointment.starts_at,
            starts_at__lte=at,
        )
        .exclude(attendance__in=["2", "4"])
        .exists()
    )


@transaction.atomic
def schedule_homework_nudge(appointment: Appointment, *, by: User | None = None) -> list[Message]:
    """Schedule the homework nudge after the session that set homework, when it is switched on,
    the homework is unreviewed and the next session is not sooner. Idempotent."""
    current = _locked_appointment(appointment)
    config = settings_for(current.course.service_id)
    at = current.ends_at + dt.timedelta(hours=config.hours(Kind.HOMEWORK))
    now = timezone.now()
    if (
        not config.is_on(Kind.HOMEWORK)
        or at + HOMEWORK_LATEST < now
        or not _unreviewed_homework(current)
        or _next_session_before(current, at)
    ):
        return []
    have = set(
        Message.objects.filter(appointment=current, kind=Kind.HOMEWORK)
        .not_cancelled()
        .values_list("channel", flat=True)
    )
    client = current.course.client
    return [
        _create(
            client=client,
            appointment=current,
            wanted=Wanted(Kind.HOMEWORK, channel, recipient, max(at, now)),
            by=by,
        )
        for channel, recipient in _channels(client).items()
        if channel not in have
    ]


def homework_sessions(now: dt.datetime) -> list[int]:
    """Sessions of the last fortnight with unreviewed homework and no homework nudge yet."""
    from ipt.notes.models import HomeworkTask

    recent = now - dt.timedelta(hours=MAX_HOURS) - HOMEWORK_LATEST
    nudged = Message.objects.filter(kind=Kind.HOMEWORK).not_cancelled().values("appointment_id")
    return list(
        HomeworkTask.objects.filter(reviewed_at__isnull=True, set_at__ends_at__gte=recent)
        .exclude(set_at_id__in=nudged)
        .values_list("set_at_id", flat=True)
        .distinct()
    )


def _why_not_send(message: Message, now: dt.datetime) -> str:
    """Why a message due now should not go after all; empty when it should."""
    appointment = message.appointment
    if appointment is None:
        return "It has no appointment"
    if message.kind in BEFORE_APPOINTMENT:
        if (
            appointment.attendance
            or appointment.starts_at != message.appointment_at
            or appointment.starts_at <= now
        ):
            return _why_not_before_appointment(appointment, message.appointment_at)
        if message.kind in QUESTIONNAIRE_KINDS and not _has_questionnaires(appointment):
            return NO_QUESTIONNAIRES
        if message.kind == Kind.QUESTIONNAIRES_NUDGE and _questionnaires_answered(appointment):
            return "The client has answered the questions"
    elif message.kind == Kind.HOMEWORK and not _unreviewed_homework(appointment):
        return "The homework has been reviewed"
    if not settings_for(message.client.service_id).is_on(message.kind):
        return "This kind of reminder has been switched off"
    if message.channel not in _channels(message.client):
        return f"The client no longer consents to {message.get_channel_display().lower()}s"
    return ""


def _retry_after(attempts: int) -> dt.timedelta:
    return RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1]


def _from_address(service_id: int) -> str:
    """The sending address, shown under the name messages give (not the default's name)."""
    address = parseaddr(django_settings.DEFAULT_FROM_EMAIL)[1]
    return formataddr((settings_for(service_id).name_in_messages(), address))


def _transmit(message: Message) -> str:
    """Hand the message to its channel; returns the provider's reference."""
    if message.channel == Channel.EMAIL:
        send_mail(
            message.subject,
            message.body,
            _from_address(message.client.service_id),
            [message.recipient],
            fail_silently=False,
        )
        return ""
    sender = sms.sender()
    if sender is None:
        raise sms.SmsFailed("Text messages are switched off (no GOV.UK Notify API key)")
    return sender.send(to=message.recipient, body=message.body, reference=f"message-{message.pk}")


def _take(message_id: int, now: dt.datetime) -> Message | None:
    """Check the message at run time and take a lease on it: the next try time is set before
    sending, so a crash mid-send is retried rather than lost, and nothing else sends it."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("client__service", "appointment")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status != Status.SCHEDULED or message.scheduled_for > now:
            return None
        why_not = _why_not_send(message, now)
        if why_not:
            _cancel(message, because=why_not, by=None)
            return None
        message.recipient = _channels(message.client)[message.channel]
        message.attempts += 1
        message.scheduled_for = now + _retry_after(message.attempts)
        message.save(update_fields=["recipient", "attempts", "scheduled_for"])
        return message


def deliver(*, message_id: int) -> str:
    """Send the message if it is due and should still go. Returns its status afterwards."""
    now = timezone.now()
    message = _take(message_id, now)
    if message is None:
        found = Message.objects.filter(pk=message_id).values_list("status", flat=True).first()
        return found or ""
    try:
        reference = _transmit(message)
    except Exception as error:  # noqa: BLE001 (any failure is recorded and retried, never lost)
        _failed(message, error=f"{type(error).__name__}: {error}"[:1000])
    else:
        _sent(message, reference=reference, at=now)
    return message.status


@transaction.atomic
def _sent(message: Message, *, reference: str, at: dt.datetime) -> None:
    fields = ["status", "sent_at", "provider_reference", "last_error"]
    before = audit.snapshot(message, fields)
    message.status, message.sent_at = Status.SENT, at
    message.provider_reference, message.last_error = reference[:100], ""
    message.save(update_fields=fields)
    _record(
        by=None,
        action=audit.Action.UPDATE,
        obj=message,
        client_id=message.client_id,
        summary=(
            f"Sent the {message.get_kind_display().lower()} by "
            f"{message.get_channel_display().lower()}"
        ),
        changes=audit.changes_between(before, audit.snapshot(message, fields)),
    )


@transaction.atomic
def _failed(message: Message, *, error: str) -> None:
    fields = ["status", "last_error", "scheduled_for"]
    before = audit.snapshot(message, fields)
    message.last_error = error
    gives_up = message.attempts >= MAX_ATTEMPTS
    if gives_up:
        message.status = Status.FAILED
        what = "could not be sent and will not be tried again until someone asks"
    else:
        what = f"could not be sent; trying again at {long_datetime(message.scheduled_for)}"
    message.save(update_fields=fields)
    _record(
        by=None,
        action=audit.Action.UPDATE,
        obj=message,
        client_id=message.client_id,
        summary=(
            f"The {message.get_kind_display().lower()} by {message.get_channel_display().lower()} "
            f"{what} (attempt {message.attempts})"
        ),
        changes={
            **audit.changes_between(before, audit.snapshot(message, fields)),
            "attempts": [message.attempts - 1, message.attempts],
        },
    )
    if not gives_up:
        _queue(message)


def _largest_offset() -> dt.timedelta:
    """How far ahead of an appointment any service's first reminder goes (defaults included),
    plus `REPAIR_MARGIN`."""
    configs = [ReminderSettings(), *ReminderSettings.objects.all()]
    hours = [
        config.hours(kind)
        for config in configs
        for kind in BEFORE_APPOINTMENT
        if config.is_on(kind)
    ]
    return dt.timedelta(hours=max(hours, default=0)) + REPAIR_MARGIN


def unscheduled_appointments(now: dt.datetime) -> list[int]:
    """Upcoming appointments, no further ahead than the largest reminder offset (and a margin),
    missing a reminder they should have: scheduling on commit failed (it is only logged), or
    the appointment changed without its reminders following."""
    upcoming = list(
        Appointment.objects.filter(
            attendance="", starts_at__gt=now, starts_at__lte=now + _largest_offset()
        )
        .select_related("course__client")
        .order_by("starts_at", "pk")
    )
    have = set(
        Message.objects.not_cancelled()
        .filter(
            appointment__in=[a.pk for a in upcoming],
            kind__in=BEFORE_APPOINTMENT,
            appointment_at=F("appointment__starts_at"),
        )
        .values_list("appointment_id", "kind", "channel")
    )
    configs: dict[int, ReminderSettings] = {}
    missing = []
    for appointment in upcoming:
        service_id = appointment.course.service_id
        if service_id not in configs:
            configs[service_id] = settings_for(service_id)
        wanted = _wanted(appointment, now, configs[service_id])
        if any((appointment.pk, kind, channel) not in have for kind, channel in wanted):
            missing.append(appointment.pk)
    return missing


def send_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Schedule the reminders of upcoming appointments that are missing them (a scheduling that
    was lost) and homework nudges that have come due, then send every message that is due and
    unsent. The safety net for lost work; returns how many ended in each status."""
    now = now or timezone.now()
    for pk in unscheduled_appointments(now):
        logger.warning("Scheduling the missing reminders of appointment %s", pk)
        schedule_for(Appointment(pk=pk))
    for pk in homework_sessions(now):
        schedule_homework_nudge(Appointment(pk=pk))
    counts: dict[str, int] = {}
    for pk in Message.objects.due(now).order_by("scheduled_for", "pk").values_list("pk", flat=True):
        status = deliver(message_id=pk)
        counts[status] = counts.get(status, 0) + 1
    return counts


@transaction.atomic
def retry(*, message: Message, by: User) -> Message:
    """Try a failed message again now (staff asked). It is re-checked before it goes."""
    current = Message.objects.select_for_update().get(pk=message.pk)
    if current.status != Status.FAILED:
        raise RemindersRefused("Only a message that failed can be tried again")
    fields = ["status", "scheduled_for"]
    before = audit.snapshot(current, fields)
    current.status, current.scheduled_for = Status.SCHEDULED, timezone.now()
    current.save(update_fields=fields)
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=current,
        client_id=current.client_id,
        summary=(
            f"Asked to try the {current.get_kind_display().lower()} by "
            f"{current.get_channel_display().lower()} again"
        ),
        changes=audit.changes_between(before, audit.snapshot(current, fields)),
    )
    _queue(current)
    return current


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _revoke(feed: CalendarFeed, *, by: User, now: dt.datetime) -> None:
    feed.revoked_at = now
    feed.save(update_fields=["revoked_at"])
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=feed,
        summary=f"Revoked the calendar feed of {feed.therapist.display_name}",
        changes={"revoked_at": [None, now]},
    )


@transaction.atomic
def create_feed(*, therapist: User, by: User) -> tuple[CalendarFeed, str]:
    """A new secret calendar address for the therapist, replacing (revoking) any they had.
    Returns the feed and its token: the token is not stored, so show it now or never."""
    if not therapist.is_therapist:
        raise RemindersRefused("Only therapists have a calendar feed")
    list(User.objects.select_for_update().filter(pk=therapist.pk).values_list("pk"))
    now = timezone.now()
    for old in CalendarFeed.objects.select_for_update().active().filter(therapist=therapist):
        _revoke(old, by=by, now=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        therapist=therapist, token_hash=token_hash(token), created_at=now
    )
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=feed,
        summary=f"Created a calendar feed for {therapist.display_name}",
        changes={"created_at": [None, now]},
    )
    return feed, token


@transaction.atomic
def revoke_feed(*, therapist: User, by: User) -> CalendarFeed | None:
    """Revoke the therapist's calendar address; calendars subscribed to it stop updating."""
    feed = CalendarFeed.objects.select_for_update().active().filter(therapist=therapist).first()
    if feed is None:
        return None
    _revoke(feed, by=by, now=timezone.now())
    return feed


def feed_for_token(token: str) -> CalendarFeed | None:
    """The unrevoked feed with this token, or None. None too when the therapist's account is
    deactivated or they are no longer a therapist: deactivating someone in staff management
    (`ipt.accounts.services.update_staff`) stops their feed at once without revoking it here, and
    reactivating them brings it back (they can replace it if it may have leaked)."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.active()
        .select_related("therapist")
        .filter(
            token_hash=token_hash(token), therapist__is_active=True, therapist__is_therapist=True
        )
        .first()
    )
