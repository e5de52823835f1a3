"""Referrals, the statuses they move through, and the append-only history of those moves."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from ipt.organisations.models import Service, Site

from .clients import Client


class ReferralStatus(models.TextChoices):
    WAITING_FOR_ASSESSMENT = "waiting_for_assessment", "Waiting for assessment"
    ASSESSED = "assessed", "Assessed"
    ACCEPTED_FOR_IPT = "accepted_for_ipt", "Accepted for IPT"
    DECLINED_OR_SIGNPOSTED = "declined_or_signposted", "Declined or signposted"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = frozenset(
    {
        ReferralStatus.WAITING_FOR_ASSESSMENT,
        ReferralStatus.ASSESSED,
        ReferralStatus.ACCEPTED_FOR_IPT,
    }
)

# Which status a referral may move to next from each status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReferralStatus.WAITING_FOR_ASSESSMENT: (
        ReferralStatus.ASSESSED,
        ReferralStatus.DECLINED_OR_SIGNPOSTED,
        ReferralStatus.WITHDRAWN,
    ),
    ReferralStatus.ASSESSED: (
        ReferralStatus.ACCEPTED_FOR_IPT,
        ReferralStatus.DECLINED_OR_SIGNPOSTED,
        ReferralStatus.WITHDRAWN,
    ),
    ReferralStatus.ACCEPTED_FOR_IPT: (ReferralStatus.WITHDRAWN,),
    ReferralStatus.DECLINED_OR_SIGNPOSTED: (),
    ReferralStatus.WITHDRAWN: (),
}


class ReferralSource(models.TextChoices):
    SELF = "self", "Self-referral"
    GP = "gp", "GP"
    OTHER_PROFESSIONAL = "other_professional", "Other professional"


class ProblemDescriptor(models.TextChoices):
    """The NHS Talking Therapies provisional problem descriptors."""

    DEPRESSION = "depression", "Depression"
    GENERALISED_ANXIETY = "generalised_anxiety", "Generalised anxiety disorder"
    MIXED_ANXIETY_DEPRESSION = "mixed_anxiety_depression", "Mixed anxiety and depressive disorder"
    SOCIAL_ANXIETY = "social_anxiety", "Social anxiety disorder"
    PTSD = "ptsd", "Post-traumatic stress disorder"
    AGORAPHOBIA = "agoraphobia", "Agoraphobia"
    OCD = "ocd", "Obsessive-compulsive disorder"
    PANIC = "panic", "Panic disorder"
    HEALTH_ANXIETY = "health_anxiety", "Health anxiety"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


class ReferralQuerySet(models.QuerySet):
    def of_service(self, service: Service | int | None):
        return self.filter(service=service) if service is not None else self.none()

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def waiting(self):
        return self.filter(status=ReferralStatus.WAITING_FOR_ASSESSMENT)

    def assessed(self):
        return self.filter(status=ReferralStatus.ASSESSED)

    def accepted(self):
        return self.filter(status=ReferralStatus.ACCEPTED_FOR_IPT)

    def closed(self):
        return self.exclude(status__in=OPEN_STATUSES)

    def unallocated(self):
        return self.filter(allocated_therapist__isnull=True)

    def allocated_to(self, therapists):
        return self.filter(allocated_therapist__in=therapists)

    def longest_waiting_first(self):
        return self.order_by("received_on", "created_at", "pk")


class Referral(models.Model):
    Status = ReferralStatus

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(max_length=20, choices=ReferralSource.choices)
    received_on = models.DateField()
    problem_descriptor = models.CharField(max_length=30, choices=ProblemDescriptor.choices)
    reason = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(
        max_length=30, choices=ReferralStatus.choices, default=ReferralStatus.WAITING_FOR_ASSESSMENT
    )
    allocated_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated_referrals",
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["service", "status", "received_on"]),
            models.Index(fields=["allocated_therapist", "status"]),
            # Whose clients a therapist (and their supervisor) sees, read from the index alone.
            models.Index(
                fields=["allocated_therapist", "service", "client"], name="referral_caseload_idx"
            ),
            # Referrals received in a period, for the dashboard.
            models.Index(fields=["service", "received_on"], name="referral_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(allocated_therapist__isnull=True, allocated_at__isnull=True)
                | models.Q(allocated_therapist__isnull=False, allocated_at__isnull=False),
                name="referral_allocated_at_iff_therapist",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReferralStatus.values),
                name="referral_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=ReferralSource.values),
                name="referral_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(problem_descriptor__in=ProblemDescriptor.values),
                name="referral_problem_descriptor_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__in=Urgency.values), name="referral_urgency_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} for {self.client}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())

    def days_waited(self, today: dt.date) -> int:
        return (today - self.received_on).days


class AppendOnlyError(Exception):
    """Raised when code tries to change a history row."""


class ReferralStatusChange(models.Model):
    """One row per change of a referral's status. Rows are added, never changed."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=30, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=ReferralStatus.choices)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")),
                name="referral_status_change_changes",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Status history cannot be changed.")
        super().save(*args, **kwargs)
