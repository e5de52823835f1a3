"""Every write about reminders and calendar feeds.

Scheduling: `schedule_for(appointment)` makes the appointment's messages match what should be
sent (idempotent; the appointments services call it on commit after booking and moving, and
`cancel_for` after an outcome is recorded). Each message is queued as a `send_message` task at
its time; `send_due` is the safety net that sends anything due whose task was lost.

Sending: `deliver` re-checks the message at run time, takes a lease on it (attempts + 1, next
try time) before talking to the provider, then records sent or failed. A failed send is tried
again after 5, 15 and 60 minutes, then marked failed for staff to see and try again. Every
status change is audited under the client.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ipt.accounts.models import User
from ipt.appointments.models import Appointment
from ipt.clients.models import Client
from ipt.core import audit
from ipt.core.dates import long_datetime
from ipt.organisations.models import Service

from . import sms
from .content import words_for
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
    "update_settings",
]

RETRY_AFTER = (
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(minutes=60),
)
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
# A homework nudge is not sent more than this late (say the worker was down for days).
HOMEWORK_LATEST = dt.timedelta(days=2)
SETTINGS_FIELDS = [f"{kind}_{part}" for kind in Kind.values for part in ("on", "hours")]
MESSAGE_FIELDS = ["kind", "channel", "recipient", "scheduled_for", "appointment_at", "status"]
WORKER = "reminders"


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
    found = ReminderSettings.objects.filter(service_id=service_id).first()
    return found or ReminderSettings(service_id=service_id)


@transaction.atomic
def update_settings(*, service: Service, by: User, **values: bool | int) -> ReminderSettings:
    """Switch each kind of reminder on or off and set its time in hours. Messages already
    scheduled for the service's future appointments are rescheduled to match."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not a reminder setting: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        if name.endswith("_hours") and not 1 <= int(value) <= MAX_HOURS:
            raise RemindersRefused(f"Enter a number of hours between 1 and {MAX_HOURS}", field=name)
    current, _ = ReminderSettings.objects.select_for_update().get_or_create(service=service)
    before = audit.snapshot(current, SETTINGS_FIELDS)  # the defaults, when first saved
    for name, value in values.items():
        setattr(current, name, bool(value) if name.endswith("_on") else int(value))
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


def _wanted(appointment: Appointment, now: dt.datetime) -> dict[tuple[str, str], Wanted]:
    """What should be scheduled for the appointment now, by (kind, channel).

    A reminder whose time has already passed is not sent late, except the questionnaire
    request, which goes at once so the client still has the chance to answer."""
    if appointment.attendance or appointment.starts_at <= now:
        return {}
    course = appointment.course
    config = settings_for(course.service_id)
    channels = _channels(course.client)
    wanted: dict[tuple[str, str], Wanted] = {}
    for kind in BEFORE_APPOINTMENT:
        if not config.is_on(kind):
            continue
        at = appointment.starts_at - dt.timedelta(hours=config.hours(kind))
        if at <= now:
            if kind != Kind.QUESTIONNAIRES:
                continue
            at = now
        for channel, recipient in channels.items():
            wanted[(kind, channel)] = Wanted(kind, channel, recipient, at)
    return wanted


def _enqueue(message_id: int, run_after: dt.datetime) -> None:
    from .tasks import send_message

    send_message.using(run_after=run_after).enqueue(message_id)


def _queue(message: Message) -> None:
    transaction.on_commit(partial(_enqueue, message.pk, message.scheduled_for), robust=True)


def _create(
    *, client: Client, appointment: Appointment, wanted: Wanted, by: User | None
) -> Message:
    words = words_for(
        wanted.kind, service_name=client.service.name, appointment_at=appointment.starts_at
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
        elif (message.scheduled_for, message.recipient) != (
            wanted[key].scheduled_for,
            wanted[key].recipient,
        ) and message.attempts == 0:
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
    return "Its time has passed"


def _reschedule(message: Message, wanted: Wanted, *, by: User | None) -> None:
    fields = ["scheduled_for", "recipient"]
    before = audit.snapshot(message, fields)
    message.scheduled_for, message.recipient = wanted.scheduled_for, wanted.recipient
    message.save(update_fields=fields)
    _record(
        by=by,
        action=audit.Action.UPDATE,
        obj=message,
        client_id=message.client_id,
        summary=(
            f"Rescheduled the {message.get_kind_display().lower()} by "
            f"{message.get_channel_display().lower()} for {long_datetime(wanted.scheduled_for)}"
        ),
        changes=audit.changes_between(before, audit.snapshot(message, fields)),
    )
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


def _transmit(message: Message) -> str:
    """Hand the message to its channel; returns the provider's reference."""
    if message.channel == Channel.EMAIL:
        send_mail(message.subject, message.body, None, [message.recipient], fail_silently=False)
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


def send_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Schedule homework nudges that have come due, then send every message that is due and
    unsent. The safety net for a lost task; returns how many ended in each status."""
    now = now or timezone.now()
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
    """The unrevoked feed with this token, or None."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.active()
        .select_related("therapist")
        .filter(token_hash=token_hash(token))
        .first()
    )
