"""Break-glass access: a time-limited look at a client outside a user's usual scope."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from .clients import Client


class BreakGlassAccessQuerySet(models.QuerySet):
    def unexpired(self, now: dt.datetime | None = None):
        return self.filter(expires_at__gt=now or timezone.now())


class BreakGlassAccess(models.Model):
    """Time-limited access to a client outside a user's usual scope, with the reason given."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_accesses"
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="break_glass_accesses"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    objects = BreakGlassAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        indexes = [models.Index(fields=["user", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="break_glass_expires_after_granted",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="break_glass_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.user} opened {self.client}"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at > (now or timezone.now())
