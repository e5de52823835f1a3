"""The focus of a course: problem areas, dispute stages, formulation versions, the
middle-phase override, strategies worked on and the client's goals with their ratings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ipt.courses.models import Course
from ipt.organisations.models import Service

from .areas import DisputeStage, ProblemArea


class Rank(models.TextChoices):
    PRIMARY = "primary", "Primary problem area"
    SECONDARY = "secondary", "Secondary problem area"


class ProblemAreaLabel(models.Model):
    """A service's own display label for one of the four canonical problem areas."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="problem_area_labels"
    )
    code = models.CharField(max_length=20, choices=ProblemArea.choices)
    label = models.CharField(max_length=80)

    class Meta:
        ordering = ["service", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="area_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class FocusAreaQuerySet(models.QuerySet):
    def primary(self):
        return self.filter(rank=Rank.PRIMARY)

    def secondary(self):
        return self.filter(rank=Rank.SECONDARY)


class FocusArea(models.Model):
    """A problem area chosen as the focus of a course, with the fields of that area."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="focus_areas")
    rank = models.CharField(max_length=10, choices=Rank.choices)
    area = models.CharField(max_length=20, choices=ProblemArea.choices)
    # Grief
    deceased = models.CharField("who died", max_length=200, blank=True)
    inventory_person = models.CharField(
        "person in the interpersonal inventory", max_length=200, blank=True
    )
    died_on = models.DateField("when they died", null=True, blank=True)
    # Role dispute (the stage history is in DisputeStageChange)
    dispute_with = models.CharField("with whom", max_length=200, blank=True)
    dispute_stage = models.CharField(max_length=20, choices=DisputeStage.choices, blank=True)
    # Role transition
    from_role = models.CharField(max_length=200, blank=True)
    to_role = models.CharField(max_length=200, blank=True)
    transition_on = models.DateField("when the change happened", null=True, blank=True)
    # Interpersonal deficits
    to_build = models.TextField("relationships or skills to build", blank=True)
    chosen_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = FocusAreaQuerySet.as_manager()

    class Meta:
        ordering = ["course", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["course", "rank"], name="focus_area_rank_unique"),
            models.UniqueConstraint(fields=["course", "area"], name="focus_area_area_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rank_display()}: {self.get_area_display()}"

    @property
    def is_primary(self) -> bool:
        return self.rank == Rank.PRIMARY


class DisputeStageChange(models.Model):
    """One staging of a role dispute. Append-only: the list is the dispute's history."""

    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, related_name="stage_changes"
    )
    stage = models.CharField(max_length=20, choices=DisputeStage.choices)
    changed_on = models.DateField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_on", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} on {self.changed_on}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Dispute stage history is append-only.")
        super().save(*args, **kwargs)


class StrategyAddressedQuerySet(models.QuerySet):
    def current(self):
        """Ticks not since removed."""
        return self.filter(removed_at__isnull=True)


class StrategyAddressed(models.Model):
    """A middle-phase strategy of a problem area that has been worked on. Unticking keeps the
    row (who and when it was worked on) and records who removed the tick and when."""

    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.CASCADE, related_name="strategies_addressed"
    )
    area = models.CharField(max_length=20, choices=ProblemArea.choices)
    code = models.CharField(max_length=40)
    addressed_on = models.DateField(default=timezone.localdate)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = StrategyAddressedQuerySet.as_manager()

    class Meta:
        ordering = ["focus_area", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["focus_area", "area", "code"],
                condition=models.Q(removed_at__isnull=True),
                name="strategy_addressed_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(removed_at__isnull=True, removed_by__isnull=True)
                    | models.Q(removed_at__isnull=False, removed_by__isnull=False)
                ),
                name="strategy_removal_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}:{self.code}"

    @property
    def is_current(self) -> bool:
        return self.removed_at is None


AGREEMENT_FIELDS = frozenset({"agreed_on", "agreement_recorded_by", "agreement_recorded_at"})


class FormulationVersion(models.Model):
    """One version of a course's interpersonal formulation. Text is never edited: an edit
    adds a version. Agreement with the client is recorded on a version."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="formulations")
    version = models.PositiveSmallIntegerField()
    clinician_text = models.TextField()
    client_text = models.TextField()
    primary_area = models.CharField(max_length=20, choices=ProblemArea.choices, blank=True)
    secondary_area = models.CharField(max_length=20, choices=ProblemArea.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_on = models.DateField("date agreed with the client", null=True, blank=True)
    agreement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    agreement_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course", "-version"]
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(
                fields=["course", "version"], name="formulation_version_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(agreed_on__isnull=True, agreement_recorded_by__isnull=True)
                    | models.Q(agreed_on__isnull=False, agreement_recorded_by__isnull=False)
                ),
                name="formulation_agreement_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"Formulation v{self.version}"

    def save(self, *args, **kwargs):
        """A version's text never changes: once written, only its agreement may be saved."""
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= AGREEMENT_FIELDS:
                raise ValueError(
                    "A formulation version is never edited: only its agreement can be recorded."
                )
        super().save(*args, **kwargs)

    @property
    def is_agreed(self) -> bool:
        return self.agreed_on is not None


class MiddlePhaseOverride(models.Model):
    """A confirmed start of the middle phase although the gate was not met. Append-only."""

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="middle_phase_overrides"
    )
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"

    def __str__(self) -> str:
        return f"Middle phase override on {self.at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("An override is never changed.")
        super().save(*args, **kwargs)


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    RETIRED = "retired", "No longer worked on"


class GoalQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=GoalStatus.ACTIVE)


class Goal(models.Model):
    """A goal the client set, linked to a problem area and rated 0 to 10 at sessions."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="goals")
    text = models.CharField(max_length=300)
    problem_area = models.CharField(max_length=20, choices=ProblemArea.choices, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["course", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status=GoalStatus.ACTIVE, closed_on__isnull=True)
                    | (~models.Q(status=GoalStatus.ACTIVE) & models.Q(closed_on__isnull=False))
                ),
                name="goal_closed_on_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_active(self) -> bool:
        return self.status == GoalStatus.ACTIVE


class GoalRating(models.Model):
    """The client's rating of progress towards a goal: 0 (none) to 10 (fully met)."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField()
    rated_on = models.DateField()
    appointment = models.ForeignKey(
        "appointments.Appointment",
        on_delete=models.PROTECT,
        related_name="goal_ratings",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["goal", "rated_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=10), name="goal_rating_0_to_10"
            ),
            models.UniqueConstraint(fields=["goal", "rated_on"], name="goal_rating_one_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/10 on {self.rated_on}"
