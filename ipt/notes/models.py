"""Session notes (drafted, signed, then locked; corrected by addenda), homework between sessions,
the mid-point review, and the relapse-prevention plan and ending summary of a course."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ipt.courses.models import Course

from .templates import Template


class SessionNoteQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(signed_at__isnull=True)

    def signed(self):
        return self.filter(signed_at__isnull=False)


class SessionNote(models.Model):
    """The note of one treatment or booster appointment. `template` is the phase's, fixed when
    the note is started; `version` goes up with every save, so a stale form is refused."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="session_notes")
    appointment = models.OneToOneField(
        "appointments.Appointment", on_delete=models.PROTECT, related_name="session_note"
    )
    template = models.CharField(max_length=10, choices=[(t.value, t.label) for t in Template])
    content = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SessionNoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signed_at__isnull=True, signed_by__isnull=True)
                | models.Q(signed_at__isnull=False, signed_by__isnull=False),
                name="note_signed_at_and_by_together",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_by__isnull=True) | models.Q(signed_by=models.F("author")),
                name="note_signed_by_its_author",
            ),
        ]

    def __str__(self) -> str:
        return f"Note of {self.appointment}"

    def save(self, *args, **kwargs):
        if (
            not self._state.adding
            and type(self)._default_manager.filter(pk=self.pk, signed_at__isnull=False).exists()
        ):
            raise ValueError("A signed note is never changed; add an addendum to it.")
        super().save(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class Addendum(models.Model):
    """A correction or addition to a signed note. Append-only: the note itself never changes."""

    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum to {self.note}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("An addendum is never changed; add another one.")
        super().save(*args, **kwargs)


class HomeworkOutcome(models.TextChoices):
    DONE = "done", "Done"
    PARTLY = "partly", "Partly done"
    NOT_DONE = "not_done", "Not done"


class HomeworkTask(models.Model):
    """A task set in one session for before the next, reviewed at a later one.

    The client may answer it first through the portal (`client_outcome`, `client_reflection`,
    `client_answered_at`), and change that answer until the therapist reviews the task. The
    therapist's review (`outcome`, `reflection`, `reviewed_*`) is kept apart: it starts from the
    client's answer but is the clinical record."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="homework")
    set_at = models.ForeignKey(
        "appointments.Appointment", on_delete=models.PROTECT, related_name="homework_set"
    )
    description = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=HomeworkOutcome.choices, blank=True)
    reflection = models.TextField(blank=True)
    reviewed_at = models.ForeignKey(
        "appointments.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="homework_reviewed",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateTimeField(null=True, blank=True)
    client_outcome = models.CharField(
        "the client's answer", max_length=10, choices=HomeworkOutcome.choices, blank=True
    )
    client_reflection = models.TextField("the client's own words", blank=True)
    client_answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="", reviewed_at__isnull=True)
                | (~models.Q(outcome="") & models.Q(reviewed_at__isnull=False)),
                name="homework_outcome_iff_reviewed",
            ),
            models.CheckConstraint(
                condition=models.Q(client_outcome="", client_answered_at__isnull=True)
                | (~models.Q(client_outcome="") & models.Q(client_answered_at__isnull=False)),
                name="homework_client_outcome_iff_answered",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_reviewed(self) -> bool:
        return bool(self.outcome)

    @property
    def is_answered_by_client(self) -> bool:
        return bool(self.client_outcome)


class MidpointReview(models.Model):
    """The structured review at the contract's mid-point session (one per course)."""

    course = models.OneToOneField(Course, on_delete=models.PROTECT, related_name="midpoint_review")
    appointment = models.ForeignKey(
        "appointments.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    goals_progress = models.TextField("progress towards the goals", blank=True)
    problem_area_progress = models.TextField("progress in the problem area", blank=True)
    inventory_changes = models.TextField("changes in the interpersonal inventory", blank=True)
    plan_for_remaining_sessions = models.TextField("plan for the remaining sessions", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Mid-point review of {self.course}"


class RelapsePreventionPlan(models.Model):
    """Built with the client at the ending: what to look out for and what to do."""

    course = models.OneToOneField(
        Course, on_delete=models.PROTECT, related_name="relapse_prevention_plan"
    )
    early_warning_signs = models.TextField(blank=True)
    what_helps = models.TextField(blank=True)
    who_to_contact = models.TextField(blank=True)
    crisis_contacts = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Relapse-prevention plan of {self.course}"


class EndingSummary(models.Model):
    """The summary of treatment that a discharge letter is drawn from."""

    course = models.OneToOneField(Course, on_delete=models.PROTECT, related_name="ending_summary")
    presenting_difficulties = models.TextField(blank=True)
    problem_area_and_focus = models.TextField(blank=True)
    gains = models.TextField("what changed", blank=True)
    measures_at_start = models.TextField(blank=True)
    measures_at_end = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    maintenance_plan = models.TextField("maintenance and booster plan", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "ending summaries"

    def __str__(self) -> str:
        return f"Ending summary of {self.course}"
