"""Reminders sent to clients (appointment, questionnaires, homework) and therapists' calendar
feeds. Messages never hold clinical details: a date and time, the service's name and a link."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ipt.organisations.models import Service

MAX_HOURS = 336  # two weeks


class Kind(models.TextChoices):
    APPOINTMENT_48H = "appointment_48h", "Appointment reminder"
    APPOINTMENT_2H = "appointment_2h", "Appointment reminder on the day"
    QUESTIONNAIRES = "questionnaires", "Questionnaire request"
    QUESTIONNAIRES_NUDGE = "questionnaires_nudge", "Questionnaire nudge"
    HOMEWORK = "homework", "Homework nudge"


# Sent before an appointment starts; the homework nudge is sent after the session that set it.
BEFORE_APPOINTMENT = (
    Kind.APPOINTMENT_48H,
    Kind.APPOINTMENT_2H,
    Kind.QUESTIONNAIRES,
    Kind.QUESTIONNAIRES_NUDGE,
)


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class Status(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


def _hours(label: str, default: int):
    return models.PositiveSmallIntegerField(label, default=default)


class ReminderSettings(models.Model):
    """A service's reminders: each kind switched on or off, with its time in hours (before the
    appointment, or after the session for the homework nudge), and the name messages give.
    Defaults until first saved."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    appointment_48h_on = models.BooleanField(default=True)
    appointment_48h_hours = _hours("hours before the appointment", 48)
    appointment_2h_on = models.BooleanField(default=True)
    appointment_2h_hours = _hours("hours before the appointment", 2)
    questionnaires_on = models.BooleanField(default=True)
    questionnaires_hours = _hours("hours before the appointment", 48)
    questionnaires_nudge_on = models.BooleanField(default=True)
    questionnaires_nudge_hours = _hours("hours before the appointment", 24)
    homework_on = models.BooleanField(default=True)
    homework_hours = _hours("hours after the session", 72)
    sender_name = models.CharField(
        "name used in messages",
        max_length=60,
        blank=True,
        help_text=(
            "Messages may be seen by someone else on a shared phone or inbox. A name that does "
            "not say what the service does (for example, the name of the hospital or practice) "
            "keeps the client's therapy private. Leave it empty to use the service's name."
        ),
    )

    class Meta:
        verbose_name_plural = "reminder settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{kind}_hours__gte": 1, f"{kind}_hours__lte": MAX_HOURS}),
                name=f"reminder_{kind}_hours_in_range",
            )
            for kind in Kind.values
        ]

    def __str__(self) -> str:
        return f"Reminder settings of {self.service_id}"

    def is_on(self, kind: str) -> bool:
        return bool(getattr(self, f"{kind}_on"))

    def hours(self, kind: str) -> int:
        return int(getattr(self, f"{kind}_hours"))

    def name_in_messages(self) -> str:
        """The name reminders give: the neutral sender name if set, else the service's name."""
        return self.sender_name or self.service.name


class MessageQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=Status.SCHEDULED)

    def failed(self):
        return self.filter(status=Status.FAILED)

    def due(self, now):
        return self.scheduled().filter(scheduled_for__lte=now)

    def not_cancelled(self):
        return self.exclude(status=Status.CANCELLED)


class Message(models.Model):
    """One reminder to one client by one channel. `appointment_at` is the appointment time the
    message tells them about, so a moved appointment gets reminders of its own."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "appointments.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reminders",
    )
    appointment_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=150, blank=True)
    body = models.TextField()
    scheduled_for = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    cancelled_because = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_for", "pk"]
        indexes = [models.Index(fields=["status", "scheduled_for"])]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "appointment_at", "kind", "channel"],
                condition=~Q(status="cancelled"),
                name="one_message_per_appointment_time_kind_and_channel",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="message_sent_iff_sent_at",
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="message_kind_valid"),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="message_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.get_channel_display().lower()}"


class CalendarFeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A therapist's secret calendar address. Only the token's SHA-256 is stored; a revoked feed
    answers 404, and so does the feed of a therapist whose account is deactivated or who is no
    longer a therapist (checked on every request, so deactivating the account in staff
    management is enough; reactivating it brings the address back). At most one unrevoked feed
    per therapist."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_calendar_feed_per_therapist",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.therapist_id}"
