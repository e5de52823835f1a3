"""Escalate every unacknowledged risk alert that is due, now.

The worker (`manage.py db_worker`) does this on time for each alert. Running this command from a
timer as well (every few minutes) is a safety net should a queued task ever be lost.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ipt.measures import services


class Command(BaseCommand):
    help = "Escalate unacknowledged risk alerts that are past their time or their next session."

    def handle(self, *args, **options):
        escalated = services.escalate_due(now=timezone.now())
        self.stdout.write(f"Escalated {len(escalated)} risk alert(s)")
