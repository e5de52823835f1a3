"""The initial-phase record of a course: the assessment, the interpersonal inventory (with its
snapshots) and the timeline of life events and mood episodes.

A risk assessment here is a narrative and a safety plan, never a score or a low/medium/high label.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ipt.courses.models import Course
from ipt.formulations.areas import ProblemArea
from ipt.organisations.models import Service

MIN_RINGS, MAX_RINGS, DEFAULT_RINGS = 2, 5, 3


class RecordSettings(models.Model):
    """A service's settings for the clinical record; made with the defaults when first changed."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="record_settings"
    )
    closeness_rings = models.PositiveSmallIntegerField(
        "rings on the closeness circle", default=DEFAULT_RINGS
    )

    class Meta:
        verbose_name_plural = "record settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(closeness_rings__gte=MIN_RINGS, closeness_rings__lte=MAX_RINGS),
                name="closeness_rings_2_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"Clinical record settings of {self.service}"


class Assessment(models.Model):
    """The initial-phase assessment of a course (one per course), edited as the sessions go on."""

    course = models.OneToOneField(Course, on_delete=models.PROTECT, related_name="assessment")
    symptom_review = models.TextField(blank=True)
    diagnosis = models.TextField(blank=True)
    icd10_code = models.CharField("ICD-10 code", max_length=8, blank=True)
    sick_role_discussed = models.BooleanField(null=True)
    sick_role_discussed_on = models.DateField(null=True, blank=True)
    psychoeducation_given = models.BooleanField(null=True)
    medication_considered = models.BooleanField("need for medication considered", null=True)
    medication_notes = models.TextField(blank=True)
    risk_narrative = models.TextField("risk assessment", blank=True)
    safety_plan = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Assessment of course {self.course_id}"


class Relationship(models.TextChoices):
    PARTNER = "partner", "Partner"
    PARENT = "parent", "Parent"
    CHILD = "child", "Child"
    SIBLING = "sibling", "Brother or sister"
    OTHER_FAMILY = "other_family", "Other family"
    FRIEND = "friend", "Friend"
    COLLEAGUE = "colleague", "Colleague"
    NEIGHBOUR = "neighbour", "Neighbour"
    PROFESSIONAL = "professional", "Professional"
    OTHER = "other", "Other"


class ExpectationsMet(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known yet"


class InventoryEntryQuerySet(models.QuerySet):
    def current(self):
        return self.filter(removed_at__isnull=True)


class InventoryEntry(models.Model):
    """One important person in the client's life. Removing one keeps the row (`removed_at`)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="inventory_entries")
    name = models.CharField("name or initials", max_length=80)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    relationship_detail = models.CharField(max_length=120, blank=True)
    ring = models.PositiveSmallIntegerField("closeness ring")
    contact = models.TextField("contact: how often and how", blank=True)
    good_aspects = models.TextField(blank=True)
    difficult_aspects = models.TextField(blank=True)
    client_expectations = models.TextField(blank=True)
    other_expectations = models.TextField(blank=True)
    expectations_met = models.CharField(
        max_length=10, choices=ExpectationsMet.choices, default=ExpectationsMet.UNKNOWN
    )
    would_like_to_change = models.TextField(blank=True)
    gives_practical_support = models.BooleanField(default=False)
    is_confidant = models.BooleanField(default=False)
    change_around_onset = models.TextField(blank=True)
    suggested_area = models.CharField(max_length=20, choices=ProblemArea.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = InventoryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["ring", "name", "pk"]
        verbose_name_plural = "inventory entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(ring__gte=1, ring__lte=MAX_RINGS), name="inventory_ring_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Occasion(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    MID_POINT = "mid_point", "Mid-point review"
    END = "end", "End of treatment"


class InventorySnapshot(models.Model):
    """A frozen copy of the inventory at one moment of the course. Never changed."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="inventory_snapshots")
    occasion = models.CharField(max_length=12, choices=Occasion.choices)
    taken_on = models.DateField()
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rings = models.PositiveSmallIntegerField()
    entries = models.JSONField(default=list)

    class Meta:
        ordering = ["taken_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} snapshot of course {self.course_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A snapshot is never changed; take a new one.")
        super().save(*args, **kwargs)


class EventKind(models.TextChoices):
    DEATH = "death", "Death"
    SEPARATION = "separation", "Separation"
    CONFLICT = "conflict", "Conflict"
    MOVE = "move", "Move"
    JOB = "job", "Job or work"
    ILLNESS = "illness", "Illness"
    BIRTH = "birth", "Birth"
    OTHER = "other", "Other"


class Precision(models.TextChoices):
    """How much of an event's date is known; a partial date is stored as its first day."""

    EXACT = "exact", "Exact date"
    MONTH = "month", "Month and year"
    YEAR = "year", "Year only"


class TimelineEvent(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="timeline_events")
    occurred_on = models.DateField()
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.EXACT)
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    description = models.TextField()
    people = models.ManyToManyField(InventoryEntry, blank=True, related_name="timeline_events")
    people_text = models.CharField("other people involved", max_length=200, blank=True)
    linked_to_onset = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class MoodEpisode(models.Model):
    """A period of depression (or low mood); no end date means it is still going on."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="mood_episodes")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="episode_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"Episode from {self.started_on}"
