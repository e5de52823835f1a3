"""A client's diary: what happened, with whom, how they felt and a 0–10 mood rating, kept
between sessions and shared with their therapist."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

MOOD_LOWEST, MOOD_HIGHEST = 0, 10


class DiaryEntryQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-happened_on", "-created_at", "-pk")

    def oldest_first(self):
        return self.order_by("happened_on", "created_at", "pk")


class DiaryEntry(models.Model):
    """One entry, written by the client in the portal. It can be changed on the day it was
    written (every change audited) and is read-only after that."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="diary_entries"
    )
    # The course open when the entry was written; none if the client had no open course.
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.PROTECT,
        related_name="diary_entries",
        null=True,
        blank=True,
    )
    happened_on = models.DateField(default=timezone.localdate)
    what_happened = models.TextField()
    who_with = models.TextField(blank=True)
    feelings = models.TextField(blank=True)
    mood = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Given to the form when it is shown, so the same form sent twice saves one entry.
    submission_id = models.UUIDField(null=True, blank=True, editable=False)

    objects = DiaryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-created_at", "-pk"]
        verbose_name_plural = "diary entries"
        indexes = [models.Index(fields=["course", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mood__gte=MOOD_LOWEST, mood__lte=MOOD_HIGHEST),
                name="diary_entry_mood_0_to_10",
            ),
            models.CheckConstraint(
                condition=~models.Q(what_happened=""),
                name="diary_entry_what_happened_not_empty",
            ),
            models.UniqueConstraint(
                fields=["client", "submission_id"], name="diary_entry_one_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"Diary entry {self.pk} of client {self.client_id}"

    def can_change_on(self, today: dt.date) -> bool:
        """An entry may be changed only on the day it was written (local time)."""
        return timezone.localdate(self.created_at) == today
