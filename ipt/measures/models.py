"""Questionnaire responses before every session, and the risk alerts they raise.

A submitted response is never changed: a correction is a new version that supersedes it, with a
reason, and the original is kept. A risk alert is acknowledged once, with a note of the action
taken, and is never removed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ipt.organisations.models import Service

DEFAULT_SET = ("PHQ9", "GAD7", "WSAS")
DEFAULT_ESCALATION_HOURS = 24
DEFAULT_CRISIS_INFORMATION = (
    "If you need help now:\n"
    "- call NHS 111 and choose option 2 for your local NHS mental health helpline, "
    "24 hours a day, every day\n"
    "- call Samaritans free on 116 123, 24 hours a day, every day\n"
    "- if your life or someone else's life is in danger now, call 999 or go to A&E"
)


class AppendOnlyError(Exception):
    """Raised when code tries to change a row that may only be added."""


class EntryMode(models.TextChoices):
    """How the answers reached us (domain §10 rule 4: mode is kept with every score)."""

    CLIENT_ONLINE = "client_online", "Completed online by the client"
    THERAPIST_IN_SESSION = "therapist_in_session", "Entered by the therapist in the session"
    PAPER = "paper", "Entered from a paper form"


class MeasuresSettings(models.Model):
    """A service's risk-alert settings: when an unacknowledged alert escalates, and the crisis
    information clients are shown when they report thoughts of death or self-harm."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="measures_settings"
    )
    escalation_hours = models.PositiveSmallIntegerField(
        "hours before an unacknowledged risk alert goes to the supervisor",
        default=DEFAULT_ESCALATION_HOURS,
    )
    crisis_information = models.TextField(default=DEFAULT_CRISIS_INFORMATION)

    class Meta:
        verbose_name_plural = "measures settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation_hours__gte=1, escalation_hours__lte=168),
                name="escalation_within_a_week",
            )
        ]

    def __str__(self) -> str:
        return f"Risk-alert settings of {self.service}"


class QuestionnaireSet(models.Model):
    """The questionnaires a client completes before every session, in order.

    One per service (no variant) and optionally one per IPT variant; with none configured the
    NHS Talking Therapies minimum applies: PHQ-9, GAD-7 and WSAS.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    variant = models.ForeignKey(
        "courses.TherapyVariant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    instrument_codes = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(variant__isnull=True),
                name="one_default_set_per_service",
            ),
            models.UniqueConstraint(
                fields=["service", "variant"],
                condition=Q(variant__isnull=False),
                name="one_set_per_variant",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(self.instrument_codes)


class ResponseQuerySet(models.QuerySet):
    def current(self):
        """The latest version of each response: what outcomes and pages use.

        Asked as "no later version exists" (an anti-join by the index of `supersedes`): as a
        left join PostgreSQL merged the few responses asked about with the whole index of
        corrections (a course's scores on the caseload: 11 ms, now under 1 ms)."""
        later = Response.objects.filter(supersedes_id=models.OuterRef("pk"))
        return self.filter(~models.Exists(later))

    def complete(self):
        return self.filter(is_complete=True)

    def for_outcomes(self):
        """Current, complete responses: incomplete forms are never scored or prorated."""
        return self.current().complete()


class Response(models.Model):
    """One administration of one questionnaire, stamped with where it sits in the course.

    Never updated: `save()` refuses an existing row (and the database refuses an UPDATE). A
    correction is version n+1 with `supersedes` set and a reason.
    """

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    appointment = models.ForeignKey(
        "appointments.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questionnaire_responses",
    )
    instrument_code = models.CharField(max_length=20)
    instrument_version = models.CharField(max_length=20, blank=True)
    answers = models.JSONField(default=dict)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    severity = models.CharField(max_length=60, blank=True)
    is_complete = models.BooleanField()
    incomplete_reason = models.TextField(blank=True)
    flags = models.JSONField(default=list)
    entry_mode = models.CharField(max_length=24, choices=EntryMode.choices)
    effective_at = models.DateTimeField("when the client answered")
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    phase = models.CharField(max_length=10, blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["effective_at", "pk"]
        indexes = [models.Index(fields=["course", "instrument_code", "effective_at"])]
        constraints = [
            # Each version is superseded at most once (`supersedes` is one-to-one) and each
            # appointment has one first version per questionnaire, so every (appointment,
            # questionnaire) has exactly one chain of versions and one current version.
            models.UniqueConstraint(
                fields=["appointment", "instrument_code"],
                condition=Q(supersedes__isnull=True),
                name="one_first_version_per_appointment",
            ),
            models.UniqueConstraint(
                fields=["appointment", "instrument_code", "version"],
                name="response_version_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(version=1, supersedes__isnull=True, correction_reason="")
                    | (Q(version__gt=1, supersedes__isnull=False) & ~Q(correction_reason=""))
                ),
                name="correction_has_a_predecessor_and_reason",
            ),
            models.CheckConstraint(
                condition=(
                    Q(is_complete=True, total__isnull=False, incomplete_reason="")
                    | (Q(is_complete=False, total__isnull=True) & ~Q(incomplete_reason=""))
                ),
                name="incomplete_has_a_reason_and_no_total",
            ),
            models.CheckConstraint(
                condition=Q(entry_mode__in=EntryMode.values),
                name="response_entry_mode_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} v{self.version} for {self.client_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("A submitted response is never changed; correct it instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("A submitted response is never deleted.")


class RiskAlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(acknowledged_at__isnull=True)

    def escalated(self):
        return self.filter(escalated_at__isnull=False)

    def due(self, now):
        """Unacknowledged, not yet escalated, and past their escalation time."""
        return self.open().filter(escalated_at__isnull=True, escalate_at__lte=now)


ACKNOWLEDGEMENT_FIELDS = frozenset({"acknowledged_at", "acknowledged_by", "action_note"})
ESCALATION_FIELDS = frozenset({"escalated_at"})


class RiskAlert(models.Model):
    """A risk flag (PHQ-9 question 9 answered above 'Not at all') for a clinician to act on.

    An item-level flag only: never a risk score or a low/medium/high label (NICE NG225).
    It is acknowledged once, with the action taken, and escalates if nobody does so in time.
    """

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="risk_alerts")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    flag = models.CharField(max_length=40)
    raised_at = models.DateTimeField(default=timezone.now)
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_alerts"
    )
    escalate_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="escalated_risk_alerts"
    )
    # Set only when the alert was raised on answers that are not the response's own: a client's
    # online answers passed on after the questionnaire was entered another way, or a risk answer
    # they changed back before sending. `answers` holds the risk answers given; `note` says how.
    answers = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action_note = models.TextField(blank=True)

    objects = RiskAlertQuerySet.as_manager()

    class Meta:
        ordering = ["raised_at", "pk"]
        indexes = [models.Index(fields=["acknowledged_at", "escalate_at"])]
        constraints = [
            # One alert per flag from the response's own answers, and one per flag for the
            # client's online answers passed on with it (those have a note).
            models.UniqueConstraint(
                fields=["response", "flag", "note"], name="one_alert_per_flag_and_source"
            ),
            models.CheckConstraint(
                condition=Q(escalate_at__gte=models.F("raised_at")),
                name="alert_escalates_after_raised",
            ),
            models.CheckConstraint(
                condition=(
                    Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True, action_note="")
                    | (
                        Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False)
                        & ~Q(action_note="")
                    )
                ),
                name="acknowledgement_has_a_note_and_a_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.flag} raised {self.raised_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # Only the acknowledgement and the escalation are ever set, once, by the services.
        if not self._state.adding:
            fields = set(kwargs.get("update_fields") or ())
            if not fields or not fields <= ACKNOWLEDGEMENT_FIELDS | ESCALATION_FIELDS:
                raise AppendOnlyError("A risk alert is only ever acknowledged or escalated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("A risk alert is never deleted.")

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class PortalDraft(models.Model):
    """A questionnaire a client is part-way through in the portal, saved answer by answer.

    One per appointment and questionnaire, so a client who leaves resumes where they stopped.
    Submitting turns it into a `Response` and deletes it in the same transaction.
    """

    appointment = models.ForeignKey(
        "appointments.Appointment", on_delete=models.CASCADE, related_name="portal_drafts"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    instrument_code = models.CharField(max_length=20)
    answers = models.JSONField(default=dict)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # When a risk answer (e.g. PHQ-9 question 9 above "Not at all") was first given, and the
    # highest answer given to each risk question, kept even if the client changes it back: a
    # clinician is told either way (docs/clinical-safety.md, H1).
    risk_seen_at = models.DateTimeField(null=True, blank=True)
    risk_answers = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "instrument_code"], name="one_draft_per_questionnaire"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} draft for appointment {self.appointment_id}"
