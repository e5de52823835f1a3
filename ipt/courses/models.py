"""A course of IPT: its variant, its contract (versioned) and its status (append-only history)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ipt.organisations.models import Service

from .rules import END_REASONS, OPEN_STATUSES, ContractTerms, CourseStatus


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


FREQUENCY_DAYS = {Frequency.WEEKLY: 7, Frequency.FORTNIGHTLY: 14, Frequency.MONTHLY: 28}


class TherapyMode(models.TextChoices):
    """NHS Talking Therapies data set CareContPatientTherMode (domain §7.6)."""

    INDIVIDUAL = "01", "Individual"
    COUPLE = "02", "Couple"
    GROUP = "03", "Group"


class TherapyVariantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class TherapyVariant(models.Model):
    """A kind of IPT the service offers; sets the defaults of each new course's contract."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="therapy_variants")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    planned_sessions = models.PositiveSmallIntegerField(default=16)
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY)
    session_minutes = models.PositiveSmallIntegerField(default=50)
    initial_last = models.PositiveSmallIntegerField("last session of the initial phase", default=4)
    middle_last = models.PositiveSmallIntegerField("last session of the middle phase", default=12)
    mid_point_review = models.PositiveSmallIntegerField("mid-point review session", default=8)
    ending_named_at = models.PositiveSmallIntegerField(
        "session at which the ending is named", default=12
    )
    therapy_mode = models.CharField(
        max_length=2, choices=TherapyMode.choices, default=TherapyMode.INDIVIDUAL
    )
    carer_joins = models.BooleanField(
        "a parent or carer joins the first, a mid-phase and the final session", default=False
    )
    partner_attends = models.BooleanField("the partner attends", default=False)
    adjunct_to_medication = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    objects = TherapyVariantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="variant_code_unique"),
            models.CheckConstraint(
                condition=models.Q(planned_sessions__gte=8, planned_sessions__lte=20),
                name="variant_sessions_8_to_20",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CourseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[s.value for s in OPEN_STATUSES])

    def ended(self):
        return self.exclude(status__in=[s.value for s in OPEN_STATUSES])


class Course(models.Model):
    """One course of IPT for one referral, delivered by one therapist."""

    class Status(models.TextChoices):
        ASSESSMENT = CourseStatus.ASSESSMENT.value, "Assessment"
        TREATMENT = CourseStatus.TREATMENT.value, "In treatment"
        COMPLETED = CourseStatus.COMPLETED.value, "Completed"
        DROPPED_OUT = CourseStatus.DROPPED_OUT.value, "Dropped out"
        REFERRED_ON = CourseStatus.REFERRED_ON.value, "Referred on"
        WITHDRAWN = CourseStatus.WITHDRAWN.value, "Withdrawn by client"

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="courses")
    referral = models.OneToOneField(
        "clients.Referral", on_delete=models.PROTECT, related_name="course"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="courses")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="courses"
    )
    variant = models.ForeignKey(TherapyVariant, on_delete=models.PROTECT, related_name="courses")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASSESSMENT)
    opened_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status__in=["assessment", "treatment"], ended_on__isnull=True)
                    | (
                        ~models.Q(status__in=["assessment", "treatment"])
                        & models.Q(ended_on__isnull=False)
                    )
                ),
                name="course_ended_on_iff_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant} for {self.client}"

    @property
    def is_open(self) -> bool:
        return CourseStatus(self.status) in OPEN_STATUSES

    @property
    def end_reason_label(self) -> str:
        return END_REASONS.get(CourseStatus(self.status), {}).get(self.end_reason, "")


class TreatmentContract(models.Model):
    """The agreed frame of a course. Never edited: a renegotiation adds a new version."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="contracts")
    version = models.PositiveSmallIntegerField()
    planned_sessions = models.PositiveSmallIntegerField()
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    session_minutes = models.PositiveSmallIntegerField()
    initial_last = models.PositiveSmallIntegerField("last session of the initial phase")
    middle_last = models.PositiveSmallIntegerField("last session of the middle phase")
    mid_point_review = models.PositiveSmallIntegerField("mid-point review session")
    ending_named_at = models.PositiveSmallIntegerField("session at which the ending is named")
    agreed_on = models.DateField("date agreed with the client")
    reason = models.TextField(blank=True, help_text="Why the contract was renegotiated")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["course", "-version"]
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(fields=["course", "version"], name="contract_version_unique"),
            models.CheckConstraint(
                condition=models.Q(planned_sessions__gte=8, planned_sessions__lte=20),
                name="contract_sessions_8_to_20",
            ),
            models.CheckConstraint(
                condition=models.Q(initial_last__gte=1)
                & models.Q(initial_last__lt=models.F("middle_last"))
                & models.Q(middle_last__lt=models.F("planned_sessions")),
                name="contract_phases_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Contract v{self.version}: {self.planned_sessions} sessions"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A contract is never changed; renegotiate to add a new version.")
        super().save(*args, **kwargs)

    @property
    def terms(self) -> ContractTerms:
        return ContractTerms(
            planned_sessions=self.planned_sessions,
            initial_last=self.initial_last,
            middle_last=self.middle_last,
            ending_named_at=self.ending_named_at,
        )


class CourseStatusChange(models.Model):
    """One move of a course's status: who, when, why. Append-only."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Course.Status.choices)
    reason_code = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Status history is append-only.")
        super().save(*args, **kwargs)
