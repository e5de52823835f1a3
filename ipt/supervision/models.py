"""What a supervisor writes about a supervisee's case: supervision notes, append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SupervisionNoteQuerySet(models.QuerySet):
    def delete(self):
        raise ValueError("Supervision notes are append-only; add a new note")


class SupervisionNote(models.Model):
    """One discussion of a case in supervision: when it was discussed, who wrote it, what was
    said. Never changed or deleted: a later discussion is a new note."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="supervision_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    discussed_on = models.DateField("date discussed")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = SupervisionNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-discussed_on", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="supervision_note_has_text"),
        ]

    def __str__(self) -> str:
        return f"Supervision note of {self.discussed_on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Supervision notes are append-only; add a new note.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Supervision notes are append-only; they are never deleted.")
