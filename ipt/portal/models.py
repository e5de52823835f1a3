"""Client portal accounts (never Django users), their invitations, and clients' requests to
cancel or rebook an appointment."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

INVITATION_LIFETIME = dt.timedelta(days=7)


class ClientAccount(models.Model):
    """A client's sign-in to the portal. The email is the sign-in name, stored lower-case."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.PROTECT, related_name="portal_account"
    )
    email = models.EmailField(unique=True)
    password = models.CharField(max_length=128, blank=True)
    is_active = models.BooleanField(default=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="client_account_email_lower_case"
            ),
        ]

    def __str__(self) -> str:
        return f"Portal account of client {self.client_id}"

    @property
    def is_activated(self) -> bool:
        return self.activated_at is not None and bool(self.password)

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    # PasswordResetTokenGenerator reads these.
    @property
    def last_login(self) -> dt.datetime | None:
        return self.last_sign_in_at

    def get_email_field_name(self) -> str:
        return "email"


class PortalInvitationQuerySet(models.QuerySet):
    def usable(self, now: dt.datetime | None = None):
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


def _invitation_expiry() -> dt.datetime:
    return timezone.now() + INVITATION_LIFETIME


class PortalInvitation(models.Model):
    """A single-use link to set a password. Only the SHA-256 of the token is stored."""

    account = models.ForeignKey(ClientAccount, on_delete=models.PROTECT, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = PortalInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} for client account {self.account_id}"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now


class RequestKind(models.TextChoices):
    CANCEL = "cancel", "Cancel"
    REBOOK = "rebook", "Rebook"


class AppointmentRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class AppointmentRequest(models.Model):
    """A client asking, through the portal, to cancel or rebook an appointment."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="appointment_requests"
    )
    appointment = models.ForeignKey(
        "appointments.Appointment", on_delete=models.PROTECT, related_name="client_requests"
    )
    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    objects = AppointmentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["cancel", "rebook"]), name="appointment_request_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | models.Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="appointment_request_resolved_together",
            ),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_request_per_appointment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request for appointment {self.appointment_id}"


class ThrottleKind(models.TextChoices):
    SIGN_IN = "sign_in", "Failed sign-ins with an email that has no account"
    RESET = "reset", "Password reset emails asked for"


class EmailThrottle(models.Model):
    """A count, per email address typed into the portal, of something the portal limits
    without saying whether the address has an account: failed sign-ins with an email that has
    no account (so it locks just as a real account does), and password reset emails asked for.

    Only a keyed hash of the normalised address is kept. A row counts from `window_starts_at`;
    once its window (and any lock) is over it is deleted and counting starts again."""

    kind = models.CharField(max_length=10, choices=ThrottleKind.choices)
    email_hash = models.CharField(max_length=64)
    count = models.PositiveSmallIntegerField(default=0)
    window_starts_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "email_hash"], name="one_email_throttle_per_kind_and_email"
            ),
        ]
        indexes = [models.Index(fields=["kind", "window_starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.count}"
