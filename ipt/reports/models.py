"""A per-course summary of what the service reports: waits, caseload and the NHS Talking
Therapies outcome. Kept up to date by `summaries.refresh` on every write that changes it, so
the dashboard and the export count rows here instead of rescanning every score."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ipt.appointments.models import Medium
from ipt.clients.models.referrals import ProblemDescriptor
from ipt.courses.models import Course
from ipt.formulations.areas import ProblemArea


class OutcomeSummaryQuerySet(models.QuerySet):
    def open(self):
        return self.filter(ended_on__isnull=True)

    def finished(self):
        return self.filter(finished=True)


class OutcomeSummary(models.Model):
    """Derived from the course, its appointments and its scores: never edited by hand."""

    course = models.OneToOneField(
        Course, on_delete=models.CASCADE, primary_key=True, related_name="outcome_summary"
    )
    service = models.ForeignKey("organisations.Service", on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey("organisations.Site", on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    variant = models.ForeignKey(
        "courses.TherapyVariant", on_delete=models.PROTECT, related_name="+"
    )
    problem_descriptor = models.CharField(max_length=30, choices=ProblemDescriptor.choices)
    # The primary IPT problem area of the formulation; blank until one is chosen.
    ipt_problem_area = models.CharField(max_length=20, choices=ProblemArea.choices, blank=True)
    # The medium of most attended treatment appointments (earliest wins a tie); blank before any.
    medium = models.CharField(max_length=14, choices=Medium.choices, blank=True)
    status = models.CharField(max_length=20, choices=Course.Status.choices)
    opened_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    referral_received_on = models.DateField()
    first_seen_on = models.DateField("first attended appointment", null=True, blank=True)
    first_treatment_on = models.DateField(
        "first attended treatment appointment", null=True, blank=True
    )
    assessment_wait_days = models.PositiveIntegerField(null=True, blank=True)
    treatment_wait_days = models.PositiveIntegerField(null=True, blank=True)
    attended_treatment = models.PositiveSmallIntegerField(default=0)

    finished = models.BooleanField(default=False)
    paired = models.BooleanField(default=False)
    caseness_at_start = models.BooleanField(default=False)
    not_at_caseness = models.BooleanField(default=False)
    recovered = models.BooleanField(default=False)
    reliable_improvement = models.BooleanField(default=False)
    reliable_deterioration = models.BooleanField(default=False)
    reliable_recovery = models.BooleanField(default=False)
    anxiety_measure = models.CharField(max_length=10, blank=True)
    phq9_first = models.PositiveSmallIntegerField(null=True, blank=True)
    phq9_last = models.PositiveSmallIntegerField(null=True, blank=True)
    gad7_first = models.PositiveSmallIntegerField(null=True, blank=True)
    gad7_last = models.PositiveSmallIntegerField(null=True, blank=True)
    wsas_first = models.PositiveSmallIntegerField(null=True, blank=True)
    wsas_last = models.PositiveSmallIntegerField(null=True, blank=True)
    anxiety_first = models.PositiveSmallIntegerField(null=True, blank=True)
    anxiety_last = models.PositiveSmallIntegerField(null=True, blank=True)
    thresholds_version = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OutcomeSummaryQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["service", "ended_on"]),
            models.Index(fields=["service", "first_seen_on"]),
            models.Index(fields=["service", "first_treatment_on"]),
            models.Index(fields=["therapist", "ended_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reliable_recovery=True)
                | models.Q(recovered=True, reliable_improvement=True),
                name="summary_reliable_recovery_is_recovery_and_improvement",
            ),
            models.CheckConstraint(
                condition=models.Q(finished=True) | models.Q(paired=False),
                name="summary_paired_only_when_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome summary of course {self.course_id}"


class AttendanceMonth(models.Model):
    """How many of a therapist's appointments in one calendar month (Europe/London) had each
    medium and attendance code: the dashboard sums these for the whole months of a period
    instead of counting every appointment. Recounted from the appointments on every write that
    changes one (`attendance_months.recount`); never edited by hand."""

    service = models.ForeignKey("organisations.Service", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    medium = models.CharField(max_length=14, choices=Medium.choices)
    attendance = models.CharField(max_length=1, blank=True)  # "" for not recorded yet
    appointments = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "month", "therapist", "medium", "attendance"],
                name="attendance_month_one_row_per_bucket",
            ),
            models.CheckConstraint(
                condition=models.Q(appointments__gt=0), name="attendance_month_counts_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appointments} appointments in {self.month:%B %Y}"
